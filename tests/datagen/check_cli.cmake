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
    obs4MIPs/REF-SYN/HadISST-1-1/mon/ts/gn/v20240101/ts_mon_HadISST-1-1_PCMDI_gn_200001-200912.nc)
  if(NOT EXISTS "${dir}/${file}")
    file(REMOVE_RECURSE "${dir}")
    message(FATAL_ERROR "ref-gen-data did not write ${file}")
  endif()
endforeach()
# A path that cannot be a folder must fail with a message, not crash.
expect_exit(1 --output ${dir}/expected/annual-global-means.json/sub)
file(REMOVE_RECURSE "${dir}")
