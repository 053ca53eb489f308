#!/usr/bin/env bash
# Queue benchmark: no-op executions end to end through Redis with two workers, in tasks per
# second, side by side with Celery on the same Redis server doing the equivalent no-op tasks
# (Debian's python3-celery), repetitions interleaved in one run (bench/queue/bench_queue.py).
# The no-op diagnostic is the execute benchmark's (bench/execute/noop_provider.cpp); its data
# is a generated catalog with one CMIP6 `tas` model per execution (bench/queue/make_catalog.py).
# A throwaway Redis and PostgreSQL (tests/services/) hold the queue and the results.
# Prints Markdown; docs/performance.md records the figures.
#   BENCH_EXECUTIONS (default 300), BENCH_RUNS (3), BENCH_BUILD_DIR (build-bench),
#   BENCH_REDIS_PORT (26395), BENCH_POSTGRES_PORT (25445), BENCH_POSTGRES=0 (SQLite only),
#   BENCH_TMPFS=0 leaves out the run with scratch and results in /dev/shm,
#   BENCH_KEEP=1 keeps the work folder, every run's database and the servers.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Prerequisites. Celery comes from Debian (python3-celery, python3-redis) and runs on Debian's
# Python, not on whichever python3 is first on PATH.
python=/usr/bin/python3
for tool in redis-server redis-cli sqlite3 psql "$python"; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
if ! "$python" -c 'import celery, redis' 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "bench: installing python3-celery and python3-redis (the Celery baseline)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-celery python3-redis >/dev/null
  else
    echo "bench: the Celery baseline needs Debian's python3-celery and python3-redis:" >&2
    echo "  sudo apt-get install python3-celery python3-redis" >&2
    exit 1
  fi
fi

build=${BENCH_BUILD_DIR:-build-bench}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREF_BUILD_TESTS=OFF >/dev/null
bash scripts/build.sh --build-dir "$build" --target ref-engine --target ref-engine-child --target ref_bench_noop_provider >/dev/null
work=$(mktemp -d /tmp/ref-bench-queue.XXXXXX)
tmpfs=()
if [ "${BENCH_TMPFS:-1}" != 0 ] && [ -w /dev/shm ]; then
  tmpfs=(--tmpfs "$(mktemp -d /dev/shm/ref-bench-queue.XXXXXX)")
fi
redis_port=${BENCH_REDIS_PORT:-26395}
postgres_port=${BENCH_POSTGRES_PORT:-25445}
cleanup() {
  bash tests/services/redis.sh stop "$work/redis" >/dev/null 2>&1 || true
  bash tests/services/postgres.sh stop "$work/postgres" >/dev/null 2>&1 || true
  rm -rf "$work" "${tmpfs[@]:1}"
}
if [ "${BENCH_KEEP:-0}" = 1 ]; then
  echo "bench: work folder $work; stop the servers with:" >&2
  echo "  bash tests/services/redis.sh stop $work/redis; bash tests/services/postgres.sh stop $work/postgres" >&2
else
  trap cleanup EXIT
fi

bash tests/services/redis.sh start "$work/redis" "$redis_port" >&2
postgres=()
if [ "${BENCH_POSTGRES:-1}" != 0 ]; then
  bash tests/services/postgres.sh start "$work/postgres" "$postgres_port" >&2
  postgres=(--postgres-url "$(cat "$work/postgres/url")"
            --postgres-pid "$(head -n 1 "$(cat "$work/postgres/datadir")/data/postmaster.pid")")
fi
# Only the no-op provider: the worker and the solve see nothing else.
mkdir "$work/plugins"
cp "$build/bench/plugins/ref_bench_noop_provider.so" "$work/plugins/"

command="bash bench/queue/run.sh"
[ -n "${BENCH_EXECUTIONS:-}" ] && command="BENCH_EXECUTIONS=$BENCH_EXECUTIONS $command"
[ -n "${BENCH_RUNS:-}" ] && command="BENCH_RUNS=$BENCH_RUNS $command"
PYTHONDONTWRITEBYTECODE=1 "$python" bench/queue/bench_queue.py --engine "$PWD/$build/bin/ref-engine" \
  --plugins "$work/plugins" --work "$work" --redis-port "$redis_port" "${postgres[@]+"${postgres[@]}"}" "${tmpfs[@]+"${tmpfs[@]}"}" \
  --executions "${BENCH_EXECUTIONS:-300}" --runs "${BENCH_RUNS:-3}" \
  $([ "${BENCH_KEEP:-0}" = 1 ] && echo --keep) --command "$command"
