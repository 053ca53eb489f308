#!/usr/bin/env bash
# Entry point of docker/test-images/redis.Dockerfile: `redis-server ARGS` runs the server
# as the redis user in /data, listening on every interface without protected mode (what
# the official image does); any other command runs as given.
set -euo pipefail

first=${1:-redis-server}
if [ "$first" = redis-server ] || [ "${first#-}" != "$first" ]; then
  [ "${1:-}" != redis-server ] || shift
  if [ "$(id -u)" = 0 ]; then
    chown -R redis:redis /data
    exec setpriv --reuid=redis --regid=redis --init-groups \
      redis-server --bind '* -::*' --protected-mode no --dir /data --daemonize no "$@"
  fi
  exec redis-server --bind '* -::*' --protected-mode no --dir /data --daemonize no "$@"
fi
exec "$@"
