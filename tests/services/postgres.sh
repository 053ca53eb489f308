#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, from Debian's postgresql package.
#   postgres.sh start STATE_DIR PORT   starts it on 127.0.0.1:PORT, writes STATE_DIR/url
#   postgres.sh stop STATE_DIR         stops it and removes its data
#   postgres.sh pause STATE_DIR        stops the server, keeping its data (fault tests)
#   postgres.sh resume STATE_DIR       starts the paused server again on the same port
# As root it runs the server as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail
command=${1:?start or stop}
state=${2:?state folder}

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "postgres.sh: PostgreSQL server binaries not found; run scripts/install-deps.sh as root" >&2
  exit 1
fi
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$command" in
  start)
    port=${3:?port}
    "$0" stop "$state"
    mkdir -p "$state"
    data=$(mktemp -d /tmp/ref-test-postgres.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres "$data"
    echo "$data" > "$state/datadir"
    as_owner "$bindir/initdb" -D "$data/data" -A trust -U postgres -E UTF8 > "$state/initdb.log"
    if ! as_owner "$bindir/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 \
        -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off" start > /dev/null; then
      echo "postgres.sh: the server did not start; its log:" >&2
      cat "$data/server.log" >&2
      exit 1
    fi
    echo "postgresql://postgres@127.0.0.1:$port/postgres" > "$state/url"
    echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $port"
    ;;
  stop)
    [ -f "$state/datadir" ] || exit 0
    data=$(cat "$state/datadir")
    as_owner "$bindir/pg_ctl" -D "$data/data" -m fast -w stop > /dev/null 2>&1 || true
    rm -rf "$data" "$state"
    ;;
  pause)
    data=$(cat "$state/datadir")
    as_owner "$bindir/pg_ctl" -D "$data/data" -m fast -w stop > /dev/null
    ;;
  resume)
    data=$(cat "$state/datadir")
    port=$(sed -E 's|.*:([0-9]+)/.*|\1|' "$state/url")
    as_owner "$bindir/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 \
      -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off" start > /dev/null
    ;;
  *)
    echo "postgres.sh: unknown command $command" >&2
    exit 2
    ;;
esac
