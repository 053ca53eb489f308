#!/usr/bin/env bash
# A throwaway Redis server for the tests, from Debian's redis-server package.
#   redis.sh start STATE_DIR PORT   starts it on 127.0.0.1:PORT (AOF only), writes STATE_DIR/url
#   redis.sh stop STATE_DIR         shuts it down and removes STATE_DIR
#   redis.sh restart STATE_DIR      shuts it down and starts it again on the same AOF (fault tests)
set -euo pipefail
command=${1:?start, stop or restart}
state=${2:?state folder}

if ! command -v redis-server > /dev/null || ! command -v redis-cli > /dev/null; then
  echo "redis.sh: redis-server not found; run scripts/install-deps.sh as root" >&2
  exit 1
fi

# Starts the server on $state and waits until it answers (it answers LOADING while reading the AOF).
launch() {
  local port=$1
  redis-server --daemonize yes --port "$port" --bind 127.0.0.1 --dir "$state" \
    --appendonly yes --save "" --pidfile "$state/redis.pid" --logfile "$state/redis.log" > /dev/null
  for _ in $(seq 1 100); do
    [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.1
  done
  echo "redis.sh: the server did not start; its log:" >&2
  cat "$state/redis.log" >&2 || true
  exit 1
}

# Shuts the server down (SHUTDOWN writes the AOF out) and waits for the process to end.
shut_down() {
  local port pid
  port=$(cat "$state/port")
  pid=$(cat "$state/redis.pid" 2>/dev/null || true)
  redis-cli -p "$port" shutdown > /dev/null 2>&1 || true
  if [ -n "$pid" ]; then
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || return 0
      sleep 0.1
    done
    echo "redis.sh: server $pid did not shut down" >&2
    exit 1
  fi
}

case "$command" in
  start)
    port=${3:?port}
    bash "$0" stop "$state"
    mkdir -p "$state"
    echo "$port" > "$state/port"
    launch "$port"
    echo "redis://127.0.0.1:$port/0" > "$state/url"
    echo "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on port $port"
    ;;
  stop)
    [ -f "$state/port" ] || exit 0
    shut_down
    rm -rf "$state"
    ;;
  restart)
    [ -f "$state/port" ] || { echo "redis.sh: no server in $state" >&2; exit 1; }
    shut_down
    launch "$(cat "$state/port")"
    ;;
  *)
    echo "redis.sh: unknown command $command" >&2
    exit 2
    ;;
esac
