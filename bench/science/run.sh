#!/usr/bin/env bash
# Science benchmark: each native diagnostic end to end (`ref-engine solve` of that one diagnostic:
# solve, isolated execution, results into SQLite), side by side in one hyperfine run with
# bench/science/xarray_diagnostics.py, which computes the same numbers with xarray, numpy and
# scipy from the same files (the way the Python tools work). Before each engine run the freshly
# ingested database is restored, so every run really executes.
# Data:
#   - the ACCESS-ESM1-5 files of ../shared/sample-data when present (BENCH_SAMPLE_DATA moves it;
#     BENCH_SAMPLE_DATA=none skips it): ECS, TCR, global mean;
#   - the generated climate-sensitivity set (`ref-gen-data --climate-sensitivity`): the six
#     native ESMValTool diagnostics it has definitions for;
#   - bench/science/make_inputs.py's files (pr, ts, tos at 1-2 degrees, HadISST, WOA-23 and a
#     GPCP-3-3 climatology, attributes lent by the plain `ref-gen-data` tree): PMP annual-cycle
#     and PDO, ILAMB thetao-woa2023-surface.
# Prints Markdown; docs/performance.md records the figures.
#   BENCH_RUNS (default 10), BENCH_REPEAT (in-process baseline runs, default 3),
#   BENCH_BUILD_DIR (build-bench-science), BENCH_KEEP=1 keeps the work folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BENCH_BUILD_DIR:-build-bench-science}
python=/usr/bin/python3
if ! $python -c "import xarray, netCDF4, cftime, scipy" 2>/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "bench: python3-xarray, -netcdf4, -cftime and -scipy are needed (apt-get install as root)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-xarray python3-netcdf4 python3-cftime python3-scipy >/dev/null
fi
# A Release build of its own (scripts/build.sh would reconfigure it as RelWithDebInfo).
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target ref-engine ref-engine-child esmvaltool pmp ilamb ref-gen-data >/dev/null
engine=$PWD/$build/bin/ref-engine
work=$(mktemp -d /tmp/ref-bench-science.XXXXXX)
[ "${BENCH_KEEP:-0}" = 1 ] && echo "bench: work folder $work" >&2 || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plugins"
# A declaration cache of its own, holding just these plugins (as on a user's machine).
export REF_PLUGIN_CACHE=$work/plugin-cache.json
for plugin in esmvaltool pmp ilamb; do cp "$build/lib/ref-engine/plugins/$plugin.so" "$work/plugins/"; done

sample=${BENCH_SAMPLE_DATA:-$PWD/../shared/sample-data}
"$build/bin/ref-gen-data" --output "$work/generated" --climate-sensitivity >/dev/null
"$build/bin/ref-gen-data" --output "$work/default" >/dev/null
$python bench/science/make_inputs.py "$work/default" "$work/inputs"

echo "## Science: native diagnostics against xarray/numpy"
echo
echo "Command: \`bash bench/science/run.sh\` ($(nproc) CPUs, $(uname -r), load average at the start:"
echo "$(cut -d' ' -f1-3 /proc/loadavg)); engine: Release build, \`ref-engine solve\` of one diagnostic with"
echo "\`backend = \"native\"\`, database restored before each run; baseline: \`bench/science/xarray_diagnostics.py\`"
echo "on the same files (python3 $($python -c 'import sys, numpy; print(sys.version.split()[0] + ", numpy", numpy.__version__)'),"
echo "$(dpkg-query -W -f '${Package} ${Version}' python3-xarray 2>/dev/null || echo xarray))."
echo

# run_set NAME PROVIDER SOURCE_TYPE:FOLDER...: a configuration whose database holds the folders.
run_set() {
  local name=$1 provider=$2
  shift 2
  local config=$work/$name
  mkdir -p "$config"
  printf '[providers]\nenabled = ["%s"]\nbackend = "native"\n[paths]\nscratch = "%s"\nresults = "%s"\n' \
    "$provider" "$config/scratch" "$config/results" > "$config/ref.toml"
  export REF_CONFIGURATION=$config REF_PLUGINS=$work/plugins
  for source in "$@"; do
    "$engine" datasets ingest --source-type "${source%%:*}" "${source#*:}" >/dev/null 2>&1
  done
  cp "$config/db/ref.db" "$config/base.db"
}

# Native values beside the baseline's: a baseline key a/b/c matches the native row whose
# dimension values include a, b and c.
# Native values beside the baseline's: the native metric bundle's RESULTS flattened to key paths;
# a baseline key a/b/c matches the native value whose path holds a, b and c.
compare='
import json, sys
def leaves(node, path):
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "attributes":
                yield from leaves(value, path + [key])
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield path, float(node)
native = list(leaves(json.load(open(sys.argv[1]))["RESULTS"], []))
baseline = json.loads(sys.argv[2])
if "result" in baseline:
    baseline = baseline["result"]
print("| quantity | native | baseline | relative difference |")
print("|---|---:|---:|---:|")
for key, value in baseline.items():
    parts = set(key.split("/"))
    found = sorted((len(path), v) for path, v in native if parts <= set(path))
    if not found:
        print(f"| {key} | – | {value:.6g} | |")
        continue
    mine = found[0][1]
    scale = max(abs(value), abs(mine), 1e-300)
    print(f"| {key} | {mine:.6g} | {value:.6g} | {abs(mine - value) / scale:.1e} |")
'

# --diagnostic matches slugs by substring: SOLVE_ARGUMENTS narrow the solve to one execution.
bench_diagnostic() {   # LABEL CONFIG PROVIDER XARRAY_INPUT DIAGNOSTIC [SOLVE_ARGUMENT...]
  local label=$1 config=$2 provider=$3 input=$4 diagnostic=$5
  shift 5
  export REF_CONFIGURATION=$config REF_PLUGINS=$work/plugins
  local solve="$engine solve --provider $provider --diagnostic $diagnostic $*"
  local reset="cp $config/base.db $config/db/ref.db && rm -rf $config/results $config/scratch"
  # One checked run first: the native result against the baseline's numbers.
  eval "$reset"
  if ! $solve >"$work/solve.log" 2>&1 || ! grep -q "^1 succeeded" "$work/solve.log"; then
    echo "### $label: $provider/$diagnostic"
    echo
    echo "Not timed: the native solve did not end in exactly one successful execution:"
    echo
    sed 's/^/    /' "$work/solve.log" | tail -20
    echo
    return 0
  fi
  cp "$(find "$config/results" -name diagnostic.json | head -1)" "$work/native.json"
  local timed
  timed=$(XARRAY_REPEAT=${BENCH_REPEAT:-3} $python bench/science/xarray_diagnostics.py "$diagnostic" "$input")
  echo "### $label: $provider/$diagnostic"
  echo
  $python -c "$compare" "$work/native.json" "$timed"
  echo
  $python -c '
import json, sys
t = json.loads(sys.argv[1])
runs = ", ".join(f"{d:.3f}" for d in t["compute_s"])
imports = t["imports_s"]
print(f"Baseline inside one process: imports {imports:.2f} s, then the computation {runs} s.")' "$timed"
  echo
  local results=$work/results.md
  hyperfine -N --warmup 1 --runs "${BENCH_RUNS:-10}" --export-markdown "$results" \
    --prepare "sh -c '$reset'" -n "ref-engine solve (native)" "$solve" \
    -n "xarray baseline" "$python bench/science/xarray_diagnostics.py $diagnostic $input" >/dev/null
  cat "$results"
  echo
}

if [ "$sample" != none ] && [ -d "$sample/CMIP6/CMIP/CSIRO/ACCESS-ESM1-5" ]; then
  run_set sample esmvaltool "cmip6:$sample/CMIP6"
  access=$sample/CMIP6/CMIP/CSIRO/ACCESS-ESM1-5
  bench_diagnostic "ACCESS-ESM1-5 sample data" "$work/sample" esmvaltool "$access" equilibrium-climate-sensitivity
  bench_diagnostic "ACCESS-ESM1-5 sample data" "$work/sample" esmvaltool "$access" transient-climate-response
  bench_diagnostic "ACCESS-ESM1-5 sample data" "$work/sample" esmvaltool "$access/historical" global-mean-timeseries \
    --dataset-filter experiment_id=historical
else
  echo "(no sample data at $sample: the ACCESS-ESM1-5 rows are left out)"
  echo
fi

generated=$work/generated/climate-sensitivity
run_set generated esmvaltool "cmip6:$generated/CMIP6"
for diagnostic in equilibrium-climate-sensitivity transient-climate-response transient-climate-response-emissions \
    zero-emission-commitment climate-at-global-warming-levels; do
  narrow=()
  [ "$diagnostic" = transient-climate-response ] && narrow=(--exclude-diagnostic transient-climate-response-emissions)
  bench_diagnostic "generated climate-sensitivity set" "$work/generated" esmvaltool \
    "$generated/definitions/esmvaltool-$diagnostic.json" "$diagnostic" ${narrow[@]+"${narrow[@]}"}
done

inputs=$work/inputs
run_set gridded-pmp pmp "cmip6:$inputs/CMIP6" "obs4mips:$inputs/obs4MIPs" "pmp-climatology:$inputs/PMP_obs4MIPsClims"
bench_diagnostic "make_inputs.py files" "$work/gridded-pmp" pmp "$inputs" annual-cycle
bench_diagnostic "make_inputs.py files" "$work/gridded-pmp" pmp "$inputs" extratropical-modes-of-variability-pdo
run_set gridded-ilamb ilamb "cmip6:$inputs/CMIP6" "obs4mips:$inputs/obs4REF"
bench_diagnostic "make_inputs.py files" "$work/gridded-ilamb" ilamb "$inputs" thetao-woa2023-surface
