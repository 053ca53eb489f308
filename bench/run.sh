#!/usr/bin/env bash
# Start-up benchmark: `ref-engine --version` and `providers list` with four plugins,
# each run side by side with its baseline in one hyperfine run:
#   - /bin/true, the cost of starting any process here (the floor);
#   - a plain dlopen of the same four plugins with nothing else (tests/... none: the
#     ratio providers-list / --version shows what discovery and declarations add).
# Prints a Markdown table; docs/performance.md records the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh --target ref-engine --target ref_provider_plugins --target ref_test_plugins >/dev/null
engine=build/bin/ref-engine
plugins=$(mktemp -d)
trap 'rm -rf "$plugins"' EXIT
cp build/lib/ref-engine/plugins/example.so build/tests/plugins/out/{c99_provider,older_minor_provider,misbehaving_provider}.so "$plugins/"
[ "$("$engine" --plugins "$plugins" providers list --format json | grep -c '"provider"')" -eq 4 ] || {
  echo "bench: expected four providers to load" >&2; exit 1; }

results=$(mktemp)
hyperfine -N --warmup 10 --runs "${BENCH_RUNS:-100}" --export-markdown "$results" \
  -n "baseline: /bin/true" "/bin/true" \
  -n "ref-engine --version" "$engine --version" \
  -n "ref-engine providers list (4 plugins)" "$engine --plugins $plugins providers list" \
  -n "ref-engine diagnostics list (4 plugins)" "$engine --plugins $plugins diagnostics list" >/dev/null
cat "$results"
rm -f "$results"
