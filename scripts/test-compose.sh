#!/usr/bin/env bash
# Tests the compose stack end to end with podman: installs podman, podman-compose, runc
# and debootstrap (as root), makes the Debian base image when it is missing, builds the
# engine image, the example provider's worker image and stand-ins for the PostgreSQL and
# Redis images (docker/test-images/), writes a small synthetic CMIP6 data set with
# ref-gen-data, brings up redis, postgres and climate-ref-example, runs
# scripts/initialise-docker.sh, ingests, solves through the Redis queue, and checks the
# executions and metric values in PostgreSQL and the files in the results store. The
# stack is always taken down with its volumes at the end.
#   scripts/test-compose.sh [--no-install] [--keep-data]
# Environment: REF_TEST_SOLVE_TIMEOUT (seconds, default 900), REF_COMPOSE_VERBOSE=1
# (show every podman command podman-compose runs).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

install=yes keep_data=no
while [ $# -gt 0 ]; do
  case "$1" in
    --no-install) install=no ;;
    --keep-data) keep_data=yes ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "test-compose.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

t0=$(date +%s)
phase_start=$t0
timings=()
say() { echo; echo "== $*"; }
fail() { echo "test-compose.sh: FAILED: $*" >&2; exit 1; }
phase_done() {
  local now; now=$(date +%s)
  timings+=("$(printf '%-34s %5d s' "$1" $((now - phase_start)))")
  phase_start=$now
}

# --- 1. podman and friends -------------------------------------------------------------
if [ "$install" = yes ]; then
  missing=()
  for p in podman podman-compose runc debootstrap; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || fail "missing packages ${missing[*]}: run as root to install them"
    say "Installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  # Without systemd and with a restricted cgroup setup podman must not raise rlimits and
  # should use runc. An existing configuration is left alone.
  if [ ! -e /etc/containers/containers.conf ] && [ "$(id -u)" -eq 0 ]; then
    mkdir -p /etc/containers
    cat > /etc/containers/containers.conf <<'EOF'
[containers]
default_ulimits = []
[engine]
runtime = "runc"
EOF
  fi
fi
command -v podman >/dev/null || fail "podman is not installed (run without --no-install, as root)"
export REF_COMPOSE=podman-compose

base=docker.io/library/debian:bookworm-slim
if ! podman image exists "$base"; then
  say "Making the base image $base with debootstrap (no registry needed)"
  rootfs=$(mktemp -d /tmp/ref-rootfs.XXXXXX)
  debootstrap --variant=minbase bookworm "$rootfs" >/dev/null
  tar -C "$rootfs" -c . | podman import - "$base" >/dev/null
  rm -rf "$rootfs"
fi
phase_done "install and base image"

# --- 2. images -------------------------------------------------------------------------
build() {   # TAG DOCKERFILE CONTEXT [BUILD-ARGS...]
  local tag=$1 file=$2 context=$3; shift 3
  echo "-- $tag ($file)"
  podman build --network=host --pull=never -q "$@" -t "$tag" -f "$file" "$context" >/dev/null \
    || fail "building $tag"
}
export REF_ENGINE_IMAGE=localhost/ref-engine:dev
export REF_PROVIDER_IMAGE_PREFIX=localhost/ref-provider- REF_PROVIDER_IMAGE_TAG=dev
export REF_POSTGRES_IMAGE=localhost/ref-test-postgres:15
export REF_REDIS_IMAGE=localhost/ref-test-redis:7
say "Building the images"
build "$REF_ENGINE_IMAGE" docker/engine.Dockerfile .
build "${REF_PROVIDER_IMAGE_PREFIX}example:$REF_PROVIDER_IMAGE_TAG" docker/provider.Dockerfile . \
  --build-arg PROVIDER=example
build "$REF_POSTGRES_IMAGE" docker/test-images/postgres.Dockerfile docker/test-images
build "$REF_REDIS_IMAGE" docker/test-images/redis.Dockerfile docker/test-images
build localhost/ref-gen-data:dev docker/test-images/datagen.Dockerfile .
phase_done "image builds"

# --- 3. data and the stack ---------------------------------------------------------------
work=$(mktemp -d /tmp/ref-compose-test.XXXXXX)
export REF_DATA_DIR=$work/data
mkdir -p "$REF_DATA_DIR"
project=reftest$$$(date +%s)
export REF_COMPOSE_ARGS="-f $repo/compose.yaml -p $project"
source docker/compose-lib.sh
compose_detect

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  echo
  echo "== Taking the stack down (${COMPOSE[*]} down -v)"
  if [ "$status" -ne 0 ]; then
    echo "-- last output of the failed step:"; _compose_show < "$COMPOSE_OUTPUT" | tail -n 40 || true
    echo "-- worker log:"; podman logs --tail 40 "${project}_climate-ref-example_1" 2>&1 || true
  fi
  compose_down >/dev/null 2>&1 || true
  # Whatever a failed start left, and the network, which podman-compose 1.0 leaves behind.
  podman volume rm -f "${project}_ref-state" "${project}_postgres-data" "${project}_redis-data" >/dev/null 2>&1 || true
  podman network rm -f "${project}_default" >/dev/null 2>&1 || true
  rm -f "$COMPOSE_OUTPUT"
  if [ "$keep_data" = yes ]; then echo "data kept in $work"; else rm -rf "$work"; fi
  [ "$status" -eq 0 ] || echo "test-compose.sh: FAILED (exit $status)" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "Writing synthetic data with ref-gen-data into $REF_DATA_DIR"
podman run --rm -v "$REF_DATA_DIR:/out" localhost/ref-gen-data:dev --output /out >/dev/null \
  || fail "ref-gen-data"
echo "$(find "$REF_DATA_DIR" -name '*.nc' | wc -l) netCDF files"
phase_done "synthetic data"

say "Starting redis, postgres and climate-ref-example (project $project)"
compose up -d redis postgres climate-ref-example || fail "compose up"
for service in postgres redis; do
  # The services' own health checks (compose.yaml), run on demand: podman runs them on a
  # timer only under systemd.
  deadline=$(( $(date +%s) + 120 ))
  until podman healthcheck run "${project}_${service}_1" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$service did not become healthy"
    sleep 2
  done
  echo "$service: healthy"
done
sleep 3
worker=${project}_climate-ref-example_1
[ "$(podman inspect -f '{{.State.Running}}' "$worker" 2>/dev/null)" = true ] \
  || fail "the climate-ref-example worker is not running"
echo "climate-ref-example: running"
phase_done "stack up"

say "scripts/initialise-docker.sh --provider example"
bash scripts/initialise-docker.sh --provider example || fail "initialise-docker.sh"
phase_done "initialise"

say "Ingesting (the REF's docker guide commands)"
compose run --rm -T climate-ref datasets ingest --source-type cmip6 /ref/data/CMIP6 \
  || fail "ingest cmip6"
compose run --rm -T climate-ref datasets ingest --source-type obs4mips /ref/data/obs4MIPs \
  || fail "ingest obs4mips"
phase_done "ingest"

say "Solving through the Redis queue (REF_EXECUTOR=redis; the example worker runs them)"
# Only the example worker is up: the tool providers' images have no conda environment here.
COMPOSE_TIMEOUT=${REF_TEST_SOLVE_TIMEOUT:-900} compose run --rm -T climate-ref solve --provider example \
  || fail "solve"
phase_done "solve"

say "Checking the results"
sql() {   # prints the single value of a query
  compose exec -T postgres sh -c \
    "psql -v ON_ERROR_STOP=1 -U \"\$POSTGRES_USER\" -d \"\$POSTGRES_DB\" -tA -c \"select 'RESULT=' || ($1)\"" \
    >/dev/null || fail "query: $1"
  sed -n 's/^RESULT=//p' "$COMPOSE_OUTPUT" | tail -n 1
}
succeeded=$(sql "select count(*) from execution where successful")
unsuccessful=$(sql "select count(*) from execution where successful is not true")
values=$(sql "select count(*) from metric_value")
compose run --rm -T climate-ref bash -c 'find "$REF_RESULTS_ROOT" -name "*.png" | wc -l' >/dev/null \
  || fail "listing the results store"
plots=$(grep -E '^[0-9]+$' "$COMPOSE_OUTPUT" | tail -n 1)
compose run --rm -T climate-ref executions list-groups || fail "executions list-groups"
compose run --rm -T climate-ref queue status || fail "queue status"
# The worker, not the engine, ran them: its log has one line per recorded execution.
compose logs climate-ref-example >/dev/null || fail "worker log"
worker_ran=$(grep -c ' succeeded (' "$COMPOSE_OUTPUT" || true)
# SIGTERM (compose stop) reaches the worker through tini and the entry point; it stops
# cleanly, handing back whatever it had not finished.
compose stop climate-ref-example >/dev/null || fail "stopping the worker"
worker_exit=$(podman inspect -f '{{.State.ExitCode}}' "$worker")
compose logs climate-ref-example >/dev/null || fail "worker log"
grep -E 'worker .* stopped: ' "$COMPOSE_OUTPUT" | tail -n 1
phase_done "checks"

echo
echo "== Summary"
echo "executions succeeded:           ${succeeded:-?}"
echo "executions failed or unfinished: ${unsuccessful:-?}"
echo "metric values:                  ${values:-?}"
echo "plots in the results store:     ${plots:-?}"
echo "executions the worker recorded: ${worker_ran:-?}"
echo "worker exit status on SIGTERM:  ${worker_exit:-?}"
for line in "${timings[@]}"; do echo "$line"; done
printf '%-34s %5d s\n' "total" $(( $(date +%s) - t0 ))
[ "${succeeded:-0}" -gt 0 ] || fail "no successful execution in PostgreSQL"
[ "${unsuccessful:-1}" -eq 0 ] || fail "$unsuccessful execution(s) failed or did not finish"
[ "${values:-0}" -gt 0 ] || fail "no metric values in PostgreSQL"
[ "${plots:-0}" -gt 0 ] || fail "no plots in the results store"
[ "${worker_ran:-0}" -eq "$succeeded" ] || fail "the worker recorded ${worker_ran:-0} of $succeeded executions"
[ "${worker_exit:-1}" = 0 ] || fail "the worker exited with status ${worker_exit:-?} on SIGTERM"
echo "test-compose.sh: OK"
