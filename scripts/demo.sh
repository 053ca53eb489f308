#!/usr/bin/env bash
# Installs what is needed (as root), builds ref-engine, writes a small synthetic
# data set, ingests it into SQLite, solves which executions it needs, runs them with
# the local executor and records their results, then reports the executions, the
# metric values in the database and where the plots are. The example provider and the
# ESMValTool provider's native backend (ECS, TCR, TCRE, ZEC, global mean timeseries on a
# generated model with known answers) compute the results.
#   scripts/demo.sh [--no-install] [--output DIR]   (default output: demo-output/)
set -euo pipefail
cd "$(dirname "$0")/.."

install=yes out=demo-output
while [ $# -gt 0 ]; do
  case "$1" in
    --no-install) install=no ;;
    --output) out="$2"; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "demo.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

[ "$install" = yes ] && bash scripts/install-deps.sh
bash scripts/build.sh --target ref-engine --target ref_provider_plugins --target ref-gen-data
engine=build/bin/ref-engine
mkdir -p "$out"
out=$(cd "$out" && pwd)

echo
echo "== Writing synthetic CMIP6 data to $out/data"
rm -rf "$out/data"   # the demo's own data: files of an older generator would mix in
build/bin/ref-gen-data --output "$out/data" --climate-sensitivity

export REF_CONFIGURATION="$out/config"   # ref.toml and the SQLite database live here
rm -rf "$REF_CONFIGURATION" "$out/scratch" "$out/results"
mkdir -p "$REF_CONFIGURATION"
cat > "$REF_CONFIGURATION/ref.toml" <<EOF
[paths]
scratch = "$out/scratch"
results = "$out/results"

[executor]
executor = "local"   # a process pool, one worker per CPU

[providers]
# PMP, ESMValTool and ILAMB run their tools in conda environments that
# \`ref-engine providers setup\` creates (it needs the conda-forge channel), or
# compute natively in C++ where they can. "auto" picks the tool when its
# environment exists, else the native code; the demo asks for native.
enabled = ["example", "esmvaltool"]
backend = "native"
EOF
echo
echo "== Ingesting the data into the SQLite database under $REF_CONFIGURATION"
"$engine" datasets ingest --source-type cmip6 --n-jobs 2 "$out/data/CMIP6"
"$engine" datasets ingest --source-type cmip6 --n-jobs 2 "$out/data/climate-sensitivity/CMIP6"
"$engine" datasets ingest --source-type cmip7 "$out/data/MIP-DRS7/CMIP7/CMIP"
"$engine" datasets ingest --source-type obs4mips "$out/data/obs4MIPs"
"$engine" datasets ingest --source-type obs4ref "$out/data/obs4REF"
"$engine" datasets ingest --source-type pmp-climatology "$out/data/PMP_obs4MIPsClims"
"$engine" datasets ingest --source-type esmvaltool-reference "$out/data/ESMValTool"
echo
"$engine" datasets list --source-type cmip6 --column instance_id --column start_time --column end_time \
  --include-files --limit 20

echo
echo "== Providers and diagnostics"
"$engine" providers list
echo
echo "== Reference data the diagnostics need, and whether it is ingested"
"$engine" datasets list-reference
echo
"$engine" diagnostics list

# The ESMValTool diagnostics the generated model data serve and that compute natively.
esmvaltool=(--provider example --provider esmvaltool
  --diagnostic global-mean-timeseries --diagnostic global-sst-bias
  --diagnostic equilibrium-climate-sensitivity --diagnostic transient-climate-response
  --diagnostic transient-climate-response-emissions --diagnostic zero-emission-commitment)
echo
echo "== ref-engine solve --dry-run: what the data needs"
"$engine" solve --dry-run "${esmvaltool[@]}"
echo
echo "== ref-engine solve: create the executions, run them with the local executor (a process"
echo "   pool) and record their results: metric values and outputs in the database, files in"
echo "   the results store"
"$engine" solve "${esmvaltool[@]}"
echo
echo "== ref-engine solve again: everything is up to date"
"$engine" solve "${esmvaltool[@]}"

echo
echo "== Report: execution groups and their latest executions"
"$engine" executions list-groups
echo
echo "== Report: metric values in the database (first 20)"
"$engine" metric-values list --limit 20
echo
echo "== Report: native ESMValTool climate sensitivity of the generated model REFCS-1-0"
echo "   (built with forcing F = 7.4 W m-2 and feedback -1.2 W m-2 K-1, so ECS = 3.0833 K)"
"$engine" metric-values list --provider esmvaltool --dimension metric=ecs --dimension metric=lambda \
  --dimension metric=tcr --dimension metric=tcre --dimension metric=zec
echo
echo "== Report: plots in the results store"
find "$out/results" -name '*.png' | sort
echo
echo "Results are under $out/results (working copies under $out/scratch); the data set is under $out/data."
echo "Look closer with: REF_CONFIGURATION=$out/config $engine executions inspect 1"
