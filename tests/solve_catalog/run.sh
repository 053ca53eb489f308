#!/usr/bin/env bash
# Solving over an ESGF-scale catalog: generated CMIP6/obs4MIPs/PMP/ESMValTool-reference CSV
# catalogs are ingested into a fresh SQLite database, `solve --dry-run` plans with the pmp,
# esmvaltool and ilamb plugins, and the plan is compared with the groups the specs imply
# (expected_groups.py). Exit 77 (skipped) without python3.
#   run.sh ENGINE PLUGIN_DIR SOURCE_DIR [CMIP6_ROWS]
set -euo pipefail
engine=$1 plugins=$2 source=$3 rows=${4:-70000}
here=$source/tests/solve_catalog
python=$(command -v python3 || true)
[ -n "$python" ] || { echo "skipped: python3 is not installed (the catalog generator and the oracle need it)"; exit 77; }
for slug in pmp esmvaltool ilamb; do
  [ -f "$plugins/$slug.so" ] || { echo "solve-catalog: the $slug plugin is not built in $plugins" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ref-solve-catalog.XXXXXX")
[ "${REF_TEST_KEEP:-0}" = 1 ] && echo "solve-catalog: work folder $work" || trap 'rm -rf "$work"' EXIT
generate=$source/bench/solve/make_catalog.py
"$python" "$generate" cmip6-extended "$work/cmip6.csv" "$rows"
"$python" "$generate" obs4mips-extended "$work/obs4mips.csv"
"$python" "$generate" pmp-climatology "$work/pmp-climatology.csv"
"$python" "$generate" esmvaltool-reference "$work/esmvaltool-reference.csv"

# Only the three providers: the example plugin is left out of the plugin path.
mkdir "$work/plugins"
for slug in pmp esmvaltool ilamb; do ln -s "$plugins/$slug.so" "$work/plugins/$slug.so"; done
export REF_CONFIGURATION=$work/config REF_PLUGINS=$work/plugins REF_PLUGIN_CACHE=$work/plugins.json
export REF_DATABASE_URL=sqlite:///$work/ref.db
for type in cmip6 obs4mips pmp-climatology esmvaltool-reference; do
  "$engine" datasets ingest --source-type "$type" --catalog "$work/$type.csv" --set data_dir=/archive \
    >"$work/ingest-$type.log" 2>&1 || { cat "$work/ingest-$type.log"; exit 1; }
done
"$engine" diagnostics list --format json >"$work/diagnostics.json"
"$engine" solve --dry-run --format json >"$work/plan.json" 2>"$work/solve.log" || { tail -n 20 "$work/solve.log"; exit 1; }

"$python" "$here/expected_groups.py" --cmip6 "$work/cmip6.csv" --obs4mips "$work/obs4mips.csv" \
  --pmp-climatology "$work/pmp-climatology.csv" --esmvaltool-reference "$work/esmvaltool-reference.csv" \
  "$work/expected.json" 2>/dev/null
"$python" "$here/compare_groups.py" "$work/expected.json" "$work/plan.json" "$work/diagnostics.json"
