#!/usr/bin/env bash
# Science benchmark: each native diagnostic end to end (`ref-engine solve` of that one diagnostic:
# solve, isolated execution, metric values, CMEC bundles and the PNG figures it reports, results
# into SQLite), side by side in one hyperfine run with two baselines from
# bench/science/xarray_diagnostics.py on the same files, written the way the Python tools work:
#   - "xarray baseline": only the metric values, with xarray, numpy and scipy;
#   - "xarray baseline + figures": the same values, then the figures the native diagnostic writes
#     (as many PNGs, same kinds and sizes) drawn with matplotlib, and the values as JSON.
# Before timing, the baseline's PNG count must equal the native run's, or the benchmark stops.
# Before each engine run the freshly ingested database is restored, so every run really executes.
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
if ! $python -c "import xarray, netCDF4, cftime, scipy, matplotlib" 2>/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "bench: python3-xarray, -netcdf4, -cftime, -scipy and -matplotlib are needed (apt-get install as root)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-xarray python3-netcdf4 python3-cftime python3-scipy \
    python3-matplotlib >/dev/null
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
echo "\`backend = \"native\"\`, database restored before each run; baselines: \`bench/science/xarray_diagnostics.py\`"
echo "on the same files, the metric values only and with \`--figures\` also the native run's figures drawn with"
echo "matplotlib (python3 $($python -c 'import sys, numpy, matplotlib; print(sys.version.split()[0] + ", numpy", numpy.__version__ + ", matplotlib", matplotlib.__version__)'),"
echo "$(dpkg-query -W -f '${Package} ${Version}' python3-xarray 2>/dev/null || echo xarray)). Ratios are mean times over the native run's."
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
  local native_figures baseline_figures figures=$work/baseline-figures timed timed_figures
  native_figures=$(find "$config/results" -name '*.png' | wc -l)
  timed=$(XARRAY_REPEAT=${BENCH_REPEAT:-3} $python bench/science/xarray_diagnostics.py "$diagnostic" "$input")
  rm -rf "$figures"
  timed_figures=$(XARRAY_REPEAT=${BENCH_REPEAT:-3} $python bench/science/xarray_diagnostics.py --figures "$figures" \
    "$diagnostic" "$input")
  baseline_figures=$(find "$figures" -name '*.png' | wc -l)
  if [ "$native_figures" -ne "$baseline_figures" ]; then
    echo "bench: $provider/$diagnostic: the native run wrote $native_figures PNG files, the baseline $baseline_figures" >&2
    exit 1
  fi
  echo "### $label: $provider/$diagnostic"
  echo
  $python -c "$compare" "$work/native.json" "$timed"
  echo
  echo "PNG files: $native_figures from the native run, $baseline_figures from the baseline with figures."
  echo
  $python -c '
import json, sys
t, f = json.loads(sys.argv[1]), json.loads(sys.argv[2])
def seconds(values):
    return ", ".join(f"{d:.3f}" for d in values)
imports, runs = t["imports_s"], seconds(t["compute_s"])
matplotlib, runs_f, count, drawing = f["matplotlib_import_s"], seconds(f["compute_s"]), f["figures"], seconds(f["figures_s"])
plural = "" if count == 1 else "s"
print(f"Baseline inside one process: imports {imports:.2f} s, then the computation {runs} s; with figures:"
      f" matplotlib import {matplotlib:.2f} s, the computation (with the arrays the figures need) {runs_f} s,"
      f" drawing the {count} figure{plural} {drawing} s.")' \
    "$timed" "$timed_figures"
  echo
  local results=$work/results.md
  hyperfine -N --warmup 1 --runs "${BENCH_RUNS:-10}" --export-markdown "$results" --export-json "$work/results.json" \
    --prepare "sh -c '$reset'" -n "ref-engine solve (native)" "$solve" \
    -n "xarray baseline" "$python bench/science/xarray_diagnostics.py $diagnostic $input" \
    -n "xarray baseline + figures" "$python bench/science/xarray_diagnostics.py --figures $figures $diagnostic $input" \
    >/dev/null
  cat "$results"
  echo
  $python -c '
import json, sys
mean = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
native = mean["ref-engine solve (native)"]
values, figures = mean["xarray baseline"] / native, mean["xarray baseline + figures"] / native
print(f"Baseline / native: values only {values:.2f}x, with figures {figures:.2f}x.")' "$work/results.json"
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
