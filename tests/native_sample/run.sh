#!/usr/bin/env bash
# ECS, TCR and the global-mean timeseries of ACCESS-ESM1-5 from the REF's sample data, computed
# by the esmvaltool plugin's native backend through the whole flow (ingest, solve, isolated
# execution, results store), then checked: the executions succeed, the bundles hold the expected
# metrics and series with their plots, and the values agree with an independent xarray/numpy
# computation on the same files (bench/science/xarray_diagnostics.py).
#   run.sh ENGINE PLUGIN_DIR SOURCE_DIR SAMPLE_DATA_DIR
set -euo pipefail
engine=$1 plugins=$2 source=$3 sample=${REF_SAMPLE_DATA_DIR:-$4}
access=$sample/CMIP6/CMIP/CSIRO/ACCESS-ESM1-5
[ -d "$access" ] || { echo "skipped: no ACCESS-ESM1-5 sample data under $sample (set REF_SAMPLE_DATA_DIR)"; exit 77; }
[ -f "$plugins/esmvaltool.so" ] || { echo "native-sample: the esmvaltool plugin is not built in $plugins" >&2; exit 1; }
python=/usr/bin/python3

work=$(mktemp -d "${TMPDIR:-/tmp}/ref-native-sample.XXXXXX")
[ "${REF_TEST_KEEP:-0}" = 1 ] && echo "native-sample: work folder $work" || trap 'rm -rf "$work"' EXIT
mkdir "$work/plugins"
ln -s "$plugins/esmvaltool.so" "$work/plugins/esmvaltool.so"
export REF_CONFIGURATION=$work/config REF_PLUGINS=$work/plugins REF_PLUGIN_CACHE=off
export REF_PROVIDERS_BACKEND=native REF_SOFTWARE_ROOT=$work/software
"$engine" datasets ingest --source-type cmip6 "$sample/CMIP6" > "$work/ingest.log" 2>&1 || {
  cat "$work/ingest.log"; exit 1; }

for diagnostic in equilibrium-climate-sensitivity transient-climate-response global-mean-timeseries; do
  filter=()
  [ "$diagnostic" = global-mean-timeseries ] && filter=(--dataset-filter experiment_id=historical)
  if ! "$engine" solve --provider esmvaltool --diagnostic "$diagnostic" "${filter[@]}" > "$work/$diagnostic.log" 2>&1; then
    echo "native-sample: solving $diagnostic failed:"; cat "$work/$diagnostic.log"; exit 1
  fi
done
"$engine" metric-values list --format json > "$work/values.json"
"$engine" executions list-groups --format json > "$work/groups.json"

expected_ecs=$("$python" "$source/bench/science/xarray_diagnostics.py" equilibrium-climate-sensitivity "$access" 2>/dev/null || echo none)
expected_tcr=$("$python" "$source/bench/science/xarray_diagnostics.py" transient-climate-response "$access" 2>/dev/null || echo none)

"$python" - "$work" "$expected_ecs" "$expected_tcr" <<'PY'
import glob, json, math, os, sys
work, expected_ecs, expected_tcr = sys.argv[1], sys.argv[2], sys.argv[3]
values = json.load(open(os.path.join(work, "values.json")))
groups = json.load(open(os.path.join(work, "groups.json")))
problems = []

def check(condition, message):
    if not condition:
        problems.append(message)

def metric(name):
    found = [v for v in values if v.get("metric") == name]
    check(len(found) == 1, f"expected one '{name}' value, found {len(found)}")
    return found[0]["value"] if found else math.nan

ecs, lam, tcr = metric("ecs"), metric("lambda"), metric("tcr")
check(1.5 < ecs < 8.0, f"ECS {ecs} K is not plausible")
check(-3.0 < lam < 0.0, f"lambda {lam} W m-2 K-1 is not plausible")
check(0.5 < tcr < 4.0, f"TCR {tcr} K is not plausible")
for name, text, keys in (("ECS", expected_ecs, ("ecs", "lambda")), ("TCR", expected_tcr, ("tcr",))):
    if text == "none":
        print(f"note: the xarray cross-check of {name} did not run (python3-xarray, -netcdf4, -scipy missing)")
        continue
    expected = json.loads(text)
    for key in keys:
        got = {"ecs": ecs, "lambda": lam, "tcr": tcr}[key]
        check(abs(got - expected[key]) <= 1e-4 * abs(expected[key]),
              f"{key}: native {got} but xarray {expected[key]}")
    print(f"{name}: native {[{'ecs': ecs, 'lambda': lam, 'tcr': tcr}[k] for k in keys]}, xarray {expected}")

states = {g["diagnostic"]: g for g in groups}
for diagnostic in ("equilibrium-climate-sensitivity", "transient-climate-response", "global-mean-timeseries"):
    check(diagnostic in states, f"no execution group for {diagnostic}")
    if diagnostic in states:
        check(states[diagnostic]["status"] == "succeeded",
              f"{diagnostic}: {states[diagnostic]['status']} {states[diagnostic].get('failure_reason')}")

outputs = [d for d in glob.glob(os.path.join(work, "config", "**", "output.json"), recursive=True)]
check(len(outputs) >= 3, f"expected three output bundles in the results store, found {len(outputs)}")
for path in outputs:
    bundle = json.load(open(path))
    check(bundle["provenance"]["environment"].get("backend") == "native", f"{path}: backend not recorded as native")
    check(len(bundle.get("plots", {})) >= 1, f"{path}: no plots listed")
    for entry in bundle.get("plots", {}).values():
        png = os.path.join(os.path.dirname(path), entry["filename"])
        check(os.path.isfile(png) and open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n", f"{png} is not a PNG")
    series = os.path.join(os.path.dirname(path), "series.json")
    check(os.path.isfile(series) and len(json.load(open(series))) >= 1, f"{series}: no series")

if problems:
    print("native-sample: " + "\n  ".join(["problems:"] + problems))
    sys.exit(1)
print(f"native-sample: ECS {ecs:.4f} K, lambda {lam:.4f} W m-2 K-1, TCR {tcr:.4f} K; {len(outputs)} bundles checked")
PY
