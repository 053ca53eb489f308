#!/usr/bin/env bash
# The entry point of the ref-engine and provider images (run under tini as PID 1).
#
#   ref-entrypoint [ref-engine] COMMAND [ARGS...]   runs `ref-engine COMMAND ARGS...`
#   ref-entrypoint bash|sh|/PATH [ARGS...]         runs that program instead
#
# `worker` without --provider works for the provider the image was built for
# (REF_PROVIDER, set by docker/provider.Dockerfile).
#
# Before running ref-engine it creates the state folders named by REF_CONFIGURATION,
# REF_SCRATCH_ROOT, REF_RESULTS_ROOT and REF_LOG_ROOT, and waits until the servers in
# REF_DATABASE_URL (postgresql://...) and REF_REDIS_URL accept TCP connections, for at
# most REF_WAIT_TIMEOUT seconds (default 120; 0 waits not at all). Compose starts the
# services in order but does not wait for them to be ready, so this wait is what lets
# `run --rm climate-ref ...` and the workers start together with PostgreSQL and Redis.
set -euo pipefail

case "${1:-}" in
  ref-engine) shift ;;
  bash|sh|/*) exec "$@" ;;
esac

for dir in "${REF_CONFIGURATION:-}" "${REF_SCRATCH_ROOT:-}" "${REF_RESULTS_ROOT:-}" "${REF_LOG_ROOT:-}"; do
  if [ -n "$dir" ] && ! mkdir -p "$dir" 2>/dev/null; then
    echo "ref-entrypoint: cannot create $dir (is the volume writable by uid $(id -u)?)" >&2
  fi
done

# Prints "HOST PORT" of a URL (scheme://[user[:password]@]host[:port][/...]), or nothing
# when the URL names no network server (sqlite:///..., empty).
host_port() {
  local url=$1 default_port=$2 rest host port
  case "$url" in
    postgres://*|postgresql://*|redis://*|rediss://*) ;;
    *) return 0 ;;
  esac
  rest=${url#*://}
  rest=${rest%%/*}
  rest=${rest%%\?*}
  rest=${rest##*@}
  [ -n "$rest" ] || return 0
  if [[ $rest == \[*\]:* ]]; then            # [v6-address]:port
    host=${rest%]:*}; host=${host#[}; port=${rest##*]:}
  elif [[ $rest == \[*\] ]]; then             # [v6-address]
    host=${rest#[}; host=${host%]}; port=$default_port
  elif [[ $rest == *:* ]]; then
    host=${rest%:*}; port=${rest##*:}
  else
    host=$rest; port=$default_port
  fi
  echo "$host ${port:-$default_port}"
}

wait_for() {   # NAME HOST PORT DEADLINE
  local name=$1 host=$2 port=$3 deadline=$4 said=no
  until timeout 3 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "ref-entrypoint: $name at $host:$port did not accept connections within ${REF_WAIT_TIMEOUT:-120} s" >&2
      exit 1
    fi
    if [ "$said" = no ]; then
      echo "ref-entrypoint: waiting for $name at $host:$port" >&2
      said=yes
    fi
    sleep 1
  done
  [ "$said" = no ] || echo "ref-entrypoint: $name at $host:$port is up" >&2
}

wait_timeout=${REF_WAIT_TIMEOUT:-120}
if [ "$wait_timeout" -gt 0 ] 2>/dev/null; then
  deadline=$(( $(date +%s) + wait_timeout ))
  read -r host port <<< "$(host_port "${REF_DATABASE_URL:-}" 5432)"
  [ -z "${host:-}" ] || wait_for PostgreSQL "$host" "$port" "$deadline"
  read -r host port <<< "$(host_port "${REF_REDIS_URL:-}" 6379)"
  [ -z "${host:-}" ] || wait_for Redis "$host" "$port" "$deadline"
fi

if [ "${1:-}" = worker ] && [ -n "${REF_PROVIDER:-}" ]; then
  has_provider=no
  for arg in "$@"; do
    case "$arg" in --provider|--provider=*) has_provider=yes ;; esac
  done
  [ "$has_provider" = yes ] || set -- "$@" --provider "$REF_PROVIDER"
fi

exec ref-engine "$@"
