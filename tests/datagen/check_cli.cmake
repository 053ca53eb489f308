# Exercises ref-gen-data's command line: exit codes and the files it promises to write.
function(expect_exit code)
  execute_process(COMMAND ${TOOL} ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL code)
    message(FATAL_ERROR "ref-gen-data ${ARGN}: exit ${result}, expected ${code}\n${out}\n${err}")
  endif()
  set(last_out "${out}" PARENT_SCOPE)
  set(last_err "${err}" PARENT_SCOPE)
endfunction()

expect_exit(2)
if(NOT last_err MATCHES "missing --output")
  message(FATAL_ERROR "no clear message for a missing --output: ${last_err}")
endif()
expect_exit(2 --bogus)
expect_exit(2 --output)
expect_exit(2 --bad-files)
expect_exit(0 --help)
if(NOT last_out MATCHES "Usage: ref-gen-data --output DIR")
  message(FATAL_ERROR "--help does not print the usage: ${last_out}")
endif()

string(RANDOM LENGTH 8 suffix)
set(dir "${CMAKE_CURRENT_BINARY_DIR}/ref-gen-data-cli-${suffix}")
expect_exit(0 --output ${dir})
foreach(file
    definitions/example-global-mean-timeseries.json
    definitions/example-global-mean-timeseries-picontrol.json
    expected/annual-global-means.json
    CMIP6/CMIP/REF-SYN/REFSYN-1-0/historical/r1i1p1f1/Amon/tas/gn/v20240101/tas_Amon_REFSYN-1-0_historical_r1i1p1f1_gn_200001-200412.nc
    CMIP6/CMIP/REF-SYN/REFSYN-1-0/historical/r1i1p1f1/fx/areacella/gn/v20240101/areacella_fx_REFSYN-1-0_historical_r1i1p1f1_gn.nc
    obs4MIPs/REF-SYN/HadISST-1-1/mon/ts/gn/v20240101/ts_mon_HadISST-1-1_PCMDI_gn_200001-200912.nc
    MIP-DRS7/CMIP7/CMIP/REF-SYN/REFSYN-1-0/historical/r1i1p1f1/glb/mon/tas/tavg-h2m-hxy-u/gn/v20250101/tas_tavg-h2m-hxy-u_mon_glb_gn_REFSYN-1-0_historical_r1i1p1f1_200001-200212.nc
    MIP-DRS7/CMIP7/CMIP/REF-SYN/REFSYN-1-0/historical/r1i1p1f1/glb/mon/tas/tavg-h2m-hxy-u/gn/v20250101/tas_tavg-h2m-hxy-u_mon_glb_gn_REFSYN-1-0_historical_r1i1p1f1_200301-200412.nc
    MIP-DRS7/CMIP7/CMIP/REF-SYN/REFSYN-1-0/historical/r1i1p1f1/glb/fx/areacella/ti-u-hxy-u/gn/v20250101/areacella_ti-u-hxy-u_fx_glb_gn_REFSYN-1-0_historical_r1i1p1f1.nc
    obs4REF/REF-SYN/ERA-5/mon/ts/gn/20250415/ts_mon_ERA-5_REF_gn_200001-200412.nc
    PMP_obs4MIPsClims/pr/gn/v20250101/pr_mon_GPCP-2-3_PCMDI_gn_200001-200412_AC_v20250101.nc
    ESMValTool/OBS/Tier2/CERES-EBAF/OBS_CERES-EBAF_sat_Ed4.2_Amon_rsut_200001-200012.nc
    ESMValTool/OBS/Tier2/CERES-EBAF/OBS_CERES-EBAF_sat_Ed4.2_Amon_rsut_200101-200112.nc
    ESMValTool/OBS/Tier3/ERA5/OBS6_ERA5_reanaly_v1_Amon_tas_200001-200012.nc
    ESMValTool/native6/Tier3/ERA5/v1/mon/tas/era5_monthly_tas_2000.nc
    ESMValTool/obs4MIPs/GPCP-SG/v2.3/pr_GPCP-SG_L3_v2.3_200001-200012.nc)
  if(NOT EXISTS "${dir}/${file}")
    file(REMOVE_RECURSE "${dir}")
    message(FATAL_ERROR "ref-gen-data did not write ${file}")
  endif()
endforeach()
# Files the ingest must reject are written only on request.
if(EXISTS "${dir}/CMIP6/CMIP/REF-SYN/REFSYN-1-0/historical/r2i1p1f1")
  file(REMOVE_RECURSE "${dir}")
  message(FATAL_ERROR "the default tree holds bad files")
endif()
expect_exit(0 --bad-files ${dir}/bad)
string(REGEX MATCHALL "bad file \\([a-z0-9-]+\\): [^\n]*" bad_lines "${last_out}")
list(LENGTH bad_lines bad_count)
if(NOT bad_count EQUAL 5)
  file(REMOVE_RECURSE "${dir}")
  message(FATAL_ERROR "--bad-files listed ${bad_count} files, expected 5:\n${last_out}")
endif()
foreach(file
    CMIP6/CMIP/REF-SYN/REFSYN-1-0/historical/r3i1p1f1/Amon/tas/gn/v20240101/tas_Amon_REFSYN-1-0_historical_r3i1p1f1_gn_200001-200012.nc
    MIP-DRS7/CMIP7/CMIP/REF-SYN/REFSYN-1-0/historical/r2i1p1f1/glb/mon/tas/tavg-h2m-hxy-u/gn/v20250101/tas_tavg-h2m-hxy-u_mon_glb_gn_REFSYN-1-0_historical_r2i1p1f1_200001-200012.nc)
  if(NOT EXISTS "${dir}/bad/${file}")
    file(REMOVE_RECURSE "${dir}")
    message(FATAL_ERROR "ref-gen-data --bad-files did not write ${file}")
  endif()
endforeach()
if(EXISTS "${dir}/bad/definitions")
  file(REMOVE_RECURSE "${dir}")
  message(FATAL_ERROR "--bad-files alone also wrote the default tree")
endif()

# --climate-sensitivity adds the ESMValTool climate-sensitivity set and its definitions.
expect_exit(2 --climate-sensitivity)
file(REMOVE_RECURSE "${dir}")
expect_exit(0 --output ${dir} --climate-sensitivity)
foreach(file
    climate-sensitivity/definitions/esmvaltool-equilibrium-climate-sensitivity.json
    climate-sensitivity/definitions/esmvaltool-climate-at-global-warming-levels.json
    climate-sensitivity/CMIP6/CMIP/REF-SYN/REFCS-1-0/abrupt-4xCO2/r1i1p1f1/Amon/rlut/gn/v20240101/rlut_Amon_REFCS-1-0_abrupt-4xCO2_r1i1p1f1_gn_185001-199912.nc
    climate-sensitivity/CMIP6/C4MIP/REF-SYN/REFCS-1-0/esm-1pctCO2/r1i1p1f1/Amon/fco2antt/gn/v20240101/fco2antt_Amon_REFCS-1-0_esm-1pctCO2_r1i1p1f1_gn_185001-191412.nc)
  if(NOT EXISTS "${dir}/${file}")
    file(REMOVE_RECURSE "${dir}")
    message(FATAL_ERROR "ref-gen-data --climate-sensitivity did not write ${file}")
  endif()
endforeach()

# A path that cannot be a folder must fail with a message, not crash.
expect_exit(1 --output ${dir}/expected/annual-global-means.json/sub)
file(REMOVE_RECURSE "${dir}")
