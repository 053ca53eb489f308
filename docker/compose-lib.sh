# shellcheck shell=bash
# Shell functions for driving the compose stack with whichever compose tool is here.
# Sourced by scripts/initialise-docker.sh and scripts/test-compose.sh; not run alone.
#
#   compose_detect        chooses the tool: REF_COMPOSE if set ("docker compose",
#                         "docker-compose", "podman-compose", with options if need be),
#                         else the first of those that works. REF_COMPOSE_ARGS adds global
#                         options (e.g. "-f compose.yaml -p myref"). Sets COMPOSE (an array),
#                         COMPOSE_KIND (docker or podman-compose) and COMPOSE_OUTPUT (a file
#                         that holds the output of the last compose call).
#   compose ARGS...       runs the tool and returns the exit status of what it ran.
#                         podman-compose 1.0 always exits 0 and prints "exit code: N" after
#                         each podman command; the last of those is taken. Its echo of every
#                         podman command line (which shows passwords) is hidden unless
#                         REF_COMPOSE_VERBOSE=1. COMPOSE_TIMEOUT=SECONDS limits the call.
#   compose_down          stops and removes the stack with its volumes.

compose_detect() {
  if [ -n "${REF_COMPOSE:-}" ]; then
    read -r -a COMPOSE <<< "$REF_COMPOSE"
  elif docker compose version >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    COMPOSE=(docker-compose)
  elif command -v podman-compose >/dev/null 2>&1; then
    COMPOSE=(podman-compose)
  else
    echo "no compose tool found: install docker compose or podman-compose, or set REF_COMPOSE" >&2
    return 1
  fi
  case "${COMPOSE[*]}" in
    *podman-compose*) COMPOSE_KIND=podman-compose ;;
    *) COMPOSE_KIND=docker ;;
  esac
  if [ -n "${REF_COMPOSE_ARGS:-}" ]; then
    local extra
    read -r -a extra <<< "$REF_COMPOSE_ARGS"
    COMPOSE+=("${extra[@]}")
  fi
  COMPOSE_OUTPUT=$(mktemp "${TMPDIR:-/tmp}/ref-compose.XXXXXX")
}

_compose_show() {
  if [ "$COMPOSE_KIND" = podman-compose ] && [ "${REF_COMPOSE_VERBOSE:-0}" != 1 ]; then
    grep --line-buffered -v -E \
      -e '^##compose-status ' -e '^exit code: ' -e "^\['podman'" \
      -e '^podman (run|exec|start|stop|rm|create|volume|network|pod|inspect|build|pull) ' \
      -e '^\*\* (excluding|skipping|merged)' -e '^(using )?podman(-composer?)? version' \
      -e 'failed to connect to syslog' -e 'no such volume' -e 'is already in use' \
      -e 'unable to get systemd connection' -e 'no such container' -e '^[0-9a-f]{64}$' || true
  else
    grep --line-buffered -v -e '^##compose-status ' || true
  fi
}

compose() {
  local limit=() status inner
  [ -z "${COMPOSE_TIMEOUT:-}" ] || limit=(timeout "$COMPOSE_TIMEOUT")
  { PYTHONUNBUFFERED=1 "${limit[@]}" "${COMPOSE[@]}" "$@" </dev/null 2>&1 \
      && echo "##compose-status 0" || echo "##compose-status $?"; } \
    | tee "$COMPOSE_OUTPUT" | _compose_show
  status=$(sed -n 's/^##compose-status //p' "$COMPOSE_OUTPUT" | tail -n 1)
  status=${status:-1}
  if [ "$COMPOSE_KIND" = podman-compose ] && [ "$status" = 0 ]; then
    inner=$(sed -n 's/^exit code: \(-\{0,1\}[0-9][0-9]*\)$/\1/p' "$COMPOSE_OUTPUT" | tail -n 1)
    if [ -n "$inner" ]; then
      status=$inner
      [ "$status" -ge 0 ] || status=$((128 - status))   # killed by signal -N
    fi
  fi
  return "$status"
}

compose_down() {
  if [ "$COMPOSE_KIND" = podman-compose ]; then
    compose down -v   # podman-compose 1.0 has no --remove-orphans
  else
    compose down -v --remove-orphans
  fi
}
