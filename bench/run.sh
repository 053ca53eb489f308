#!/usr/bin/env bash
# Start-up benchmark: `ref-engine --version`, `providers list` and `diagnostics list`
# with four plugins (example + three test providers), side by side in one hyperfine run
# with their baselines:
#   - /bin/true: the cost of starting any process here (the floor);
#   - the same listing with the declaration cache off (REF_PLUGIN_CACHE=off), which
#     opens every plugin and asks it for its declaration.
# Prints a Markdown table; docs/performance.md records the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh --target ref-engine --target ref_provider_plugins --target ref_test_plugins >/dev/null
engine=$PWD/build/bin/ref-engine
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/plugins"
cp build/lib/ref-engine/plugins/example.so \
   build/tests/plugins/out/{c99_provider,older_minor_provider,misbehaving_provider}.so "$work/plugins/"
export REF_PLUGIN_CACHE=$work/cache.json
[ "$("$engine" --plugins "$work/plugins" providers list --format json | grep -c '"provider"')" -eq 4 ] || {
  echo "bench: expected four providers to load" >&2; exit 1; }

results=$(mktemp)
hyperfine -N --warmup 10 --runs "${BENCH_RUNS:-100}" --export-markdown "$results" \
  -n "baseline: /bin/true" "/bin/true" \
  -n "ref-engine --version" "$engine --version" \
  -n "providers list, 4 plugins" "$engine --plugins $work/plugins providers list" \
  -n "providers list, 4 plugins, cache off (baseline)" "env REF_PLUGIN_CACHE=off $engine --plugins $work/plugins providers list" \
  -n "diagnostics list, 4 plugins" "$engine --plugins $work/plugins diagnostics list" \
  -n "diagnostics list, 4 plugins, cache off (baseline)" "env REF_PLUGIN_CACHE=off $engine --plugins $work/plugins diagnostics list" \
  >/dev/null
cat "$results"
rm -f "$results"
