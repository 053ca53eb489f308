#!/usr/bin/env bash
# Solve benchmark. Every declared diagnostic of a benchmark-only provider (23 diagnostics
# mirroring the CMIP6 side of PMP, ESMValTool and ILAMB, bench/solve/bench_provider.cpp)
# over generated ESGF-style catalogs (bench/solve/make_catalog.py) ingested into SQLite,
# each measurement side by side with its baseline in one hyperfine run:
#   1. `solve --dry-run` over 100,000 CMIP6 file rows, against a plain SQL scan of the same
#      catalog with the sqlite3 shell (the floor any solver pays: reading the rows); the
#      solver's own latest-version query in the sqlite3 shell is shown for reference;
#   2. the same over 1,000,000 rows (BENCH_SOLVE_LARGE_ROWS=0 leaves it out);
#   3. peak memory of the dry runs;
#   4. the first real solve (--no-execute: writes execution groups and executions) against
#      the repeat solve that has nothing to do, with the executions still pending and with
#      them marked done (100,000 rows).
# Prints Markdown; docs/performance.md records the figures.
#   BENCH_RUNS (default 5), BENCH_LARGE_RUNS (default 3), BENCH_SOLVE_ROWS (100000),
#   BENCH_SOLVE_LARGE_ROWS (1000000), BENCH_BUILD_DIR (build-bench), BENCH_KEEP=1 keeps the work folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in hyperfine sqlite3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

build=${BENCH_BUILD_DIR:-build-bench}
# The benchmark needs no tests; leaving them out keeps the build small.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREF_BUILD_TESTS=OFF >/dev/null
bash scripts/build.sh --build-dir "$build" --target ref-engine --target ref_bench_provider >/dev/null
engine=$PWD/$build/bin/ref-engine
work=$(mktemp -d /tmp/ref-bench-solve.XXXXXX)
[ "${BENCH_KEEP:-0}" = 1 ] && echo "bench: work folder $work" >&2 || trap 'rm -rf "$work"' EXIT
runs=${BENCH_RUNS:-5}
large_runs=${BENCH_LARGE_RUNS:-3}
rows=${BENCH_SOLVE_ROWS:-100000}
large_rows=${BENCH_SOLVE_LARGE_ROWS:-1000000}
export REF_CONFIGURATION=$work/config REF_PLUGINS=$PWD/$build/bench/plugins REF_PLUGIN_CACHE=$work/plugins.json

# One database per size: the CMIP6 catalog plus the small obs4MIPs and PMP reference catalogs.
make_db() {  # make_db ROWS DB
  local csv=$work/cmip6-$1.csv
  /usr/bin/python3 bench/solve/make_catalog.py cmip6 "$csv" "$1"
  for type in obs4mips pmp-climatology; do
    [ -f "$work/$type.csv" ] || /usr/bin/python3 bench/solve/make_catalog.py "$type" "$work/$type.csv"
  done
  local started=$SECONDS
  for type in cmip6 obs4mips pmp-climatology; do
    local file=$csv
    [ "$type" = cmip6 ] || file=$work/$type.csv
    REF_DATABASE_URL=sqlite:///$2 "$engine" datasets ingest --source-type "$type" --catalog "$file" \
      --set data_dir=/archive >/dev/null 2>>"$work/ingest.log"
  done
  echo "bench: ingested $1 CMIP6 rows in $((SECONDS - started)) s ($(grep -c '^warning' "$work/ingest.log" || true)" \
    "ingest warnings so far, $(grep -c '^error' "$work/ingest.log" || true) errors)" >&2
  rm -f "$csv"
}

# The catalog the solver reads, straight from SQLite: every cmip6_dataset column plus the
# file columns; and the same with latest-version selection done in SQL (a RANK window), for
# reference (the solver selects latest versions in memory instead, which is cheaper).
sql_queries() {  # sql_queries DB -> writes $work/scan.sql and $work/latest.sql
  local columns identity
  columns=$(sqlite3 "$1" "SELECT group_concat('s.' || name, ', ') FROM pragma_table_info('cmip6_dataset') WHERE name != 'id'")
  identity="s.activity_id, s.institution_id, s.source_id, s.experiment_id, s.member_id, s.table_id, s.variable_id, s.grid_label"
  echo "SELECT d.id, d.finalised, $columns, f.start_time, f.end_time, f.path FROM dataset d
    JOIN cmip6_dataset s ON s.id = d.id JOIN dataset_file f ON f.dataset_id = d.id WHERE d.retracted_at IS NULL;" > "$work/scan.sql"
  echo "WITH latest AS (SELECT d.id, d.finalised, d.updated_at, RANK() OVER (PARTITION BY $identity
    ORDER BY d.version_key DESC) AS version_rank FROM dataset d JOIN cmip6_dataset s ON s.id = d.id
    WHERE d.retracted_at IS NULL) SELECT l.id, CAST(l.finalised AS INTEGER), $columns, f.start_time, f.end_time, f.path
    FROM latest l JOIN cmip6_dataset s ON s.id = l.id JOIN dataset_file f ON f.dataset_id = l.id
    WHERE l.version_rank = 1 ORDER BY l.updated_at DESC, l.id, f.id;" > "$work/latest.sql"
}

# What the catalog and the solve amount to, so the timings can be read against them.
describe() {  # describe DB LABEL
  local files datasets latest summary
  files=$(sqlite3 "$1" "SELECT count(*) FROM dataset_file f JOIN cmip6_dataset s ON s.id = f.dataset_id")
  datasets=$(sqlite3 "$1" "SELECT count(*) FROM cmip6_dataset")
  latest=$(sqlite3 "$1" < "$work/latest.sql" | cut -d'|' -f1 | sort -u | wc -l)
  summary=$(REF_DATABASE_URL=sqlite:///$1 "$engine" solve --dry-run --format json 2>/dev/null |
    /usr/bin/python3 -c 'import json, sys; s = json.load(sys.stdin)["summary"]; print(s["candidates"], s["new_executions"])')
  echo "| $2 | $files | $datasets | $latest | ${summary% *} | ${summary#* } |"
}

small=$work/solve-$rows.db
make_db "$rows" "$small"
sql_queries "$small"
large=""
if [ "$large_rows" -gt 0 ]; then
  large=$work/solve-$large_rows.db
  make_db "$large_rows" "$large"
fi

echo "### Inputs"
echo "| catalog | CMIP6 file rows | CMIP6 datasets (all versions) | latest datasets seen by the solver | candidate executions | executions a dry run plans |"
echo "|---|---:|---:|---:|---:|---:|"
describe "$small" "$rows rows"
[ -z "$large" ] || describe "$large" "$large_rows rows"

solve_dry() { echo "env REF_DATABASE_URL=sqlite:///$1 $engine solve --dry-run --format json"; }

echo
echo "### 1. Dry-run solve, $rows CMIP6 file rows, 23 diagnostics"
hyperfine --warmup 1 --runs "$runs" --style basic --export-markdown "$work/1.md" \
  -n "ref-engine solve --dry-run" "$(solve_dry "$small") > /dev/null" \
  -n "baseline: SQL scan of the catalog (sqlite3)" "sqlite3 $small < $work/scan.sql > /dev/null" \
  -n "reference: latest versions by a SQL window (sqlite3)" "sqlite3 $small < $work/latest.sql > /dev/null" >/dev/null
cat "$work/1.md"

if [ -n "$large" ]; then
  echo
  echo "### 2. Dry-run solve, $large_rows CMIP6 file rows, 23 diagnostics"
  hyperfine --warmup 1 --runs "$large_runs" --style basic --export-markdown "$work/2.md" \
    -n "ref-engine solve --dry-run" "$(solve_dry "$large") > /dev/null" \
    -n "baseline: SQL scan of the catalog (sqlite3)" "sqlite3 $large < $work/scan.sql > /dev/null" \
    -n "reference: latest versions by a SQL window (sqlite3)" "sqlite3 $large < $work/latest.sql > /dev/null" >/dev/null
  cat "$work/2.md"
fi

peak() {  # peak LABEL DB ARGS...
  local label=$1 db=$2
  shift 2
  REF_DATABASE_URL=sqlite:///$db /usr/bin/time -f "%M" -o "$work/peak" "$engine" "$@" >/dev/null 2>&1
  echo "| $label | $(($(tail -n 1 "$work/peak") / 1024)) MiB |"
}

echo
echo "### 3. Peak memory"
echo "| solve | peak resident memory |"
echo "|---|---:|"
peak "--dry-run, $rows rows" "$small" solve --dry-run --format json
[ -z "$large" ] || peak "--dry-run, $large_rows rows" "$large" solve --dry-run --format json
cp "$small" "$work/peak.db"
peak "--no-execute (first), $rows rows" "$work/peak.db" solve --no-execute

echo
echo "### 4. First and repeat solve (--no-execute), $rows rows"
# The first solve always starts from the freshly ingested database. The repeat solves run on
# a database a first solve has filled: once as --no-execute leaves it (every execution still
# pending, so "in progress"), once with every execution marked successful as if it had run
# (so "up to date"). Neither has anything to write.
cp "$small" "$work/repeat.db"
REF_DATABASE_URL=sqlite:///$work/repeat.db "$engine" solve --no-execute >/dev/null 2>&1
cp "$work/repeat.db" "$work/done.db"
sqlite3 "$work/done.db" "UPDATE execution SET successful = TRUE; UPDATE execution_group SET dirty = FALSE;"
solve_real() { echo "env REF_DATABASE_URL=sqlite:///$1 $engine solve --no-execute > /dev/null"; }
hyperfine --warmup 1 --runs "$runs" --style basic --export-markdown "$work/4.md" --export-json "$work/4.json" \
  --prepare "rm -f $work/first.db-wal $work/first.db-shm; cp $small $work/first.db" \
  -n "first solve --no-execute" "$(solve_real "$work/first.db")" \
  --prepare "true" -n "repeat solve, executions pending" "$(solve_real "$work/repeat.db")" \
  --prepare "true" -n "repeat solve, executions done" "$(solve_real "$work/done.db")" >/dev/null
cat "$work/4.md"
echo
/usr/bin/python3 - "$work/4.json" <<'PY'
import json, sys
first, pending, done = (r["mean"] for r in json.load(open(sys.argv[1]))["results"])
print(f"Repeat solve / first solve: {100 * pending / first:.0f} % with the executions pending, "
      f"{100 * done / first:.0f} % with them done (goal: at most 20 %).")
PY
cp "$small" "$work/check.db"
summary() { REF_DATABASE_URL=sqlite:///$1 "$engine" solve --no-execute 2>/dev/null | tail -n 1; }
echo "- first solve: $(summary "$work/check.db")"
echo "- repeat solve, executions pending: $(summary "$work/repeat.db")"
echo "- repeat solve, executions done: $(summary "$work/done.db")"
