#!/usr/bin/env bash
# Science benchmark: each native ESMValTool diagnostic end to end (`ref-engine solve` of that one
# diagnostic: solve, isolated execution, results into SQLite), side by side in one hyperfine run
# with bench/science/xarray_diagnostics.py, which computes the same numbers with xarray, numpy and
# scipy from the same files (the way the Python tools work). Before each engine run the freshly
# ingested database is restored, so every run really executes.
# Data: the ACCESS-ESM1-5 files of ../shared/sample-data when present (BENCH_SAMPLE_DATA moves it;
# BENCH_SAMPLE_DATA=none skips it), and always the generated climate-sensitivity set.
# Prints Markdown; docs/performance.md records the figures.
#   BENCH_RUNS (default 10), BENCH_BUILD_DIR (build-bench-science), BENCH_KEEP=1 keeps the work folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BENCH_BUILD_DIR:-build-bench-science}
python=/usr/bin/python3
if ! $python -c "import xarray, netCDF4, cftime, scipy" 2>/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "bench: python3-xarray, -netcdf4, -cftime and -scipy are needed (apt-get install as root)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-xarray python3-netcdf4 python3-cftime python3-scipy >/dev/null
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
bash scripts/build.sh --build-dir "$build" --target ref-engine --target ref-engine-child --target esmvaltool \
  --target ref-gen-data >/dev/null
engine=$PWD/$build/bin/ref-engine
work=$(mktemp -d /tmp/ref-bench-science.XXXXXX)
[ "${BENCH_KEEP:-0}" = 1 ] && echo "bench: work folder $work" >&2 || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plugins"
cp "$build/lib/ref-engine/plugins/esmvaltool.so" "$work/plugins/"

sample=${BENCH_SAMPLE_DATA:-$PWD/../shared/sample-data}
"$build/bin/ref-gen-data" --output "$work/generated" --climate-sensitivity >/dev/null

echo "## Science: native diagnostics against xarray/numpy"
echo
echo "Command: \`bash bench/science/run.sh\` ($(nproc) CPUs, $(uname -r)); engine: \`ref-engine solve\` of one"
echo "diagnostic with \`REF_PROVIDERS_BACKEND=native\`, database restored before each run; baseline:"
echo "\`bench/science/xarray_diagnostics.py\` on the same files (python3 $($python -c 'import xarray; print("xarray", xarray.__version__)'))."
echo

# bench_set NAME DATA_ROOT CMIP6_FOLDER_FOR_XARRAY DIAGNOSTIC FILTER...
run_set() {
  local name=$1 data=$2
  local config=$work/$name
  mkdir -p "$config"
  printf '[providers]\nenabled = ["esmvaltool"]\nbackend = "native"\n[paths]\nscratch = "%s"\nresults = "%s"\n' \
    "$config/scratch" "$config/results" > "$config/ref.toml"
  export REF_CONFIGURATION=$config REF_PLUGINS=$work/plugins
  "$engine" datasets ingest --source-type cmip6 "$data" >/dev/null 2>&1
  cp "$config/db/ref.db" "$config/base.db"
}

bench_diagnostic() {   # LABEL CONFIG XARRAY_INPUT DIAGNOSTIC [FILTER...]
  local label=$1 config=$2 input=$3 diagnostic=$4
  shift 4
  local filters=()
  for f in "$@"; do filters+=(--dataset-filter "$f"); done
  export REF_CONFIGURATION=$config REF_PLUGINS=$work/plugins
  local solve="$engine solve --provider esmvaltool --diagnostic $diagnostic ${filters[*]:-}"
  local reset="cp $config/base.db $config/db/ref.db && rm -rf $config/results $config/scratch"
  # One checked run first: the native result against the baseline's numbers.
  eval "$reset"
  $solve >/dev/null 2>&1 || { echo "bench: $diagnostic failed natively; see $config" >&2; return 1; }
  local native
  native=$("$engine" metric-values list --format json 2>/dev/null | $python -c '
import json, sys
rows = json.load(sys.stdin)
print(json.dumps({r.get("metric") or "value": round(r["value"], 6) for r in rows if r.get("value") is not None}))' 2>/dev/null || echo "{}")
  local baseline
  baseline=$($python bench/science/xarray_diagnostics.py "$diagnostic" "$input")
  echo "### $label: $diagnostic"
  echo
  echo "native metrics: \`$native\`; baseline: \`$baseline\`"
  echo
  local results=$work/results.md
  hyperfine -N --warmup 1 --runs "${BENCH_RUNS:-10}" --export-markdown "$results" \
    --prepare "sh -c '$reset'" -n "ref-engine solve (native)" "$solve" \
    -n "xarray baseline" "$python bench/science/xarray_diagnostics.py $diagnostic $input" >/dev/null
  cat "$results"
  echo
}

if [ "$sample" != none ] && [ -d "$sample/CMIP6/CMIP/CSIRO/ACCESS-ESM1-5" ]; then
  run_set sample "$sample/CMIP6"
  access=$sample/CMIP6/CMIP/CSIRO/ACCESS-ESM1-5
  bench_diagnostic "ACCESS-ESM1-5 sample data" "$work/sample" "$access" equilibrium-climate-sensitivity
  bench_diagnostic "ACCESS-ESM1-5 sample data" "$work/sample" "$access" transient-climate-response
  bench_diagnostic "ACCESS-ESM1-5 sample data" "$work/sample" "$access/historical" global-mean-timeseries \
    experiment_id=historical
else
  echo "(no sample data at $sample: the ACCESS-ESM1-5 rows are left out)"
  echo
fi
