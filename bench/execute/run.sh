#!/usr/bin/env bash
# Execute benchmark: the engine's overhead per no-op execution (isolated child, plugin
# load, result validation, copy into the results store, SQLite writes), measured side by
# side with the cost of spawning a process, interleaved in one run
# (bench/execute/bench_execute.cpp). Then a solve of the same no-op diagnostic over
# generated data with the local executor, for the throughput of the whole flow.
# Prints Markdown; docs/performance.md records the figures.
#   BENCH_EXECUTIONS (default 200), BENCH_BUILD_DIR (build-bench), BENCH_KEEP=1 keeps the work folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BENCH_BUILD_DIR:-build-bench}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREF_BUILD_TESTS=OFF >/dev/null
bash scripts/build.sh --build-dir "$build" --target ref-engine --target ref-engine-child --target ref_bench_noop_provider --target bench_execute >/dev/null
work=$(mktemp -d /tmp/ref-bench-execute.XXXXXX)
[ "${BENCH_KEEP:-0}" = 1 ] && echo "bench: work folder $work" >&2 || trap 'rm -rf "$work"' EXIT

echo "## Execute: engine overhead per no-op execution"
echo
echo "Command: \`bash bench/execute/run.sh\` ($(nproc) CPUs, $(uname -r))"
echo
"$build/bin/bench_execute" "$build/bin/ref-engine" "$build/bench/plugins/ref_bench_noop_provider.so" "$work" \
  "${BENCH_EXECUTIONS:-200}"
