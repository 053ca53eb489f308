#!/usr/bin/env bash
# Ingest benchmarks, each side by side with its baseline in one hyperfine run:
#   1. complete parsing of netCDF-4 files with 2 processes, against a bare netCDF-C
#      open/read-attributes/close loop (2 processes) and a per-file xarray parser
#      (2 processes; python3-xarray from Debian, installed here as root if missing);
#   2. DRS ingest of 100,000 files including the SQLite inserts, against `find` walking
#      the same tree;
#   3. a 100,000-row CSV catalog, and peak memory for 25,000 and 100,000 rows.
# Prints Markdown; docs/performance.md records the figures.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! /usr/bin/python3 -c "import xarray, netCDF4" 2>/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "bench: python3-xarray and python3-netcdf4 are needed (apt-get install as root)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-xarray python3-netcdf4 >/dev/null
fi
bash scripts/build.sh --target ref-engine --target ref-gen-data >/dev/null
engine=$PWD/build/bin/ref-engine
work=$(mktemp -d /tmp/ref-bench-ingest.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/netcdf_open_loop" bench/ingest/netcdf_open_loop.c $(pkg-config --cflags --libs netcdf)
runs=${BENCH_RUNS:-5}
export REF_CONFIGURATION=$work/config

echo "### 1. Complete parsing, ${BENCH_FILES:=1000} netCDF-4 files, 2 processes"
build/bin/ref-gen-data --output "$work/gen" >/dev/null
source_file=$(find "$work/gen/CMIP6" -name 'tas_Amon_*_200001-200412.nc' | head -n 1)
for i in $(seq 1 "$BENCH_FILES"); do
  folder="$work/complete/CMIP6/CMIP/REF-SYN/REFSYN-1-0/historical/r${i}i1p1f1/Amon/tas/gn/v20240101"
  mkdir -p "$folder"
  cp "$source_file" "$folder/tas_Amon_REFSYN-1-0_historical_r${i}i1p1f1_gn_200001-200412.nc"
done
find "$work/complete" -name '*.nc' | sort > "$work/complete.txt"
hyperfine --warmup 1 --runs "$runs" --style basic --export-markdown "$work/1.md" \
  --prepare "rm -f $work/complete.db*" \
  -n "ref-engine ingest (complete parser)" \
  "REF_DATABASE_URL=sqlite:///$work/complete.db $engine datasets ingest --n-jobs 2 --source-type cmip6 $work/complete" \
  -n "baseline: bare netCDF-C attribute loop" "$work/netcdf_open_loop 2 < $work/complete.txt" \
  -n "baseline: per-file xarray parser" "/usr/bin/python3 bench/ingest/xarray_parser.py 2 < $work/complete.txt" >/dev/null
cat "$work/1.md"

echo
echo "### 2. DRS ingest, ${BENCH_DRS_FILES:=100000} files (10,000 datasets), into SQLite"
/usr/bin/python3 bench/ingest/make_trees.py drs "$work/drs" "$BENCH_DRS_FILES"
hyperfine --warmup 1 --runs "$runs" --style basic --export-markdown "$work/2.md" \
  --prepare "rm -f $work/drs.db*" \
  -n "ref-engine ingest --parser drs" \
  "REF_DATABASE_URL=sqlite:///$work/drs.db $engine datasets ingest --parser drs --source-type cmip6 $work/drs" \
  -n "baseline: find walking the tree" "find $work/drs -name '*.nc' > /dev/null" >/dev/null
cat "$work/2.md"

echo
echo "### 3. CSV catalog ingest"
for rows in 25000 100000; do /usr/bin/python3 bench/ingest/make_trees.py catalog "$work/catalog-$rows.csv" "$rows"; done
hyperfine --warmup 1 --runs "$runs" --style basic --export-markdown "$work/3.md" \
  --prepare "rm -f $work/catalog.db*" \
  -n "ref-engine ingest --catalog (100,000 rows)" \
  "REF_DATABASE_URL=sqlite:///$work/catalog.db $engine datasets ingest --source-type cmip6 --catalog $work/catalog-100000.csv --set data_dir=/archive" \
  -n "baseline: reading the catalog (wc -l)" "wc -l $work/catalog-100000.csv" >/dev/null
cat "$work/3.md"
echo
echo "| input | peak resident memory |"
echo "|---|---:|"
for rows in 25000 100000; do
  rm -f "$work/catalog.db"*
  REF_DATABASE_URL=sqlite:///$work/catalog.db /usr/bin/time -f "%M" -o "$work/peak" "$engine" datasets ingest \
    --source-type cmip6 --catalog "$work/catalog-$rows.csv" --set data_dir=/archive >/dev/null 2>&1
  kib=$(tail -n 1 "$work/peak")
  echo "| catalog, $rows rows | $((kib / 1024)) MiB |"
done
rm -f "$work/drs.db"*
REF_DATABASE_URL=sqlite:///$work/drs.db /usr/bin/time -f "%M" -o "$work/peak" "$engine" datasets ingest --parser drs \
  --source-type cmip6 "$work/drs" >/dev/null 2>&1
kib=$(tail -n 1 "$work/peak")
echo "| DRS tree, $BENCH_DRS_FILES files | $((kib / 1024)) MiB |"
