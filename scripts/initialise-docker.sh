#!/usr/bin/env bash
# Initialises the compose stack (compose.yaml): starts PostgreSQL and Redis if they are
# not running, waits until PostgreSQL accepts connections, brings the database schema up
# to date (`ref-engine db migrate` in the climate-ref service), then prepares each
# provider (`ref-engine providers setup --provider SLUG` in that provider's worker
# image), when the engine has that command.
#   scripts/initialise-docker.sh [--provider SLUG]... [--timeout SECONDS]
# Default providers: $REF_PROVIDERS (space-separated), else pmp esmvaltool ilamb example.
# A provider whose image has no plugin for it is skipped with a warning (its worker
# cannot start either). The compose tool: $REF_COMPOSE ("docker compose",
# "docker-compose" or "podman-compose"), else the first that works; $REF_COMPOSE_ARGS
# adds options such as "-p PROJECT". Exit status: 0 when every step worked.
set -euo pipefail
cd "$(dirname "$0")/.."
source docker/compose-lib.sh

providers=() timeout=180
while [ $# -gt 0 ]; do
  case "$1" in
    --provider) providers+=("$2"); shift ;;
    --timeout) timeout="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "initialise-docker.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ ${#providers[@]} -eq 0 ]; then
  read -r -a providers <<< "${REF_PROVIDERS:-pmp esmvaltool ilamb example}"
fi

compose_detect
trap 'rm -f "$COMPOSE_OUTPUT"' EXIT
say() { echo "initialise-docker.sh: $*"; }
fail() { echo "initialise-docker.sh: $*" >&2; exit 1; }
say "using ${COMPOSE[*]}"

say "starting postgres and redis"
compose up -d postgres redis >/dev/null || true   # podman-compose: complains when they run already

say "waiting for PostgreSQL"
deadline=$(( $(date +%s) + timeout ))
until compose exec -T postgres sh -c 'pg_isready -q -U "$POSTGRES_USER" -d "$POSTGRES_DB"' >/dev/null; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "PostgreSQL was not ready within $timeout s (see: ${COMPOSE[*]} logs postgres)"
  sleep 2
done

say "ref-engine db migrate"
attempt=1
until compose run --rm -T climate-ref db migrate; do
  [ "$attempt" -lt 3 ] || fail "db migrate failed"
  attempt=$((attempt + 1))
  sleep 3
done

if ! compose run --rm -T climate-ref providers setup --help >/dev/null; then
  say "this ref-engine has no 'providers setup' command: provider setup skipped"
  exit 0
fi

failed=()
for provider in "${providers[@]}"; do
  service=climate-ref-$provider
  say "ref-engine providers setup --provider $provider (in $service)"
  if compose run --rm -T "$service" providers setup --provider "$provider"; then
    continue
  fi
  if ! compose run --rm -T "$service" providers list >/dev/null; then
    say "error: cannot run $service (is its image built? ${COMPOSE[*]} build $service)"
  elif ! grep -Eq "^${provider}[[:space:]]" "$COMPOSE_OUTPUT"; then
    # No plugin for this provider in its image (a tree without plugins/$provider):
    # a warning, not a failure of the whole stack.
    say "warning: the image of $service has no plugin for '$provider': skipped"
    continue
  fi
  failed+=("$provider")
done
[ ${#failed[@]} -eq 0 ] || fail "providers setup failed for: ${failed[*]}"
say "done"
