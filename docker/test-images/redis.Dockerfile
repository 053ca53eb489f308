# A stand-in for the official Redis image, built from Debian's packages, for machines
# that cannot pull from a public registry (scripts/test-compose.sh uses it). As the
# official image: `redis-server [OPTIONS]` is the command, the server listens on 6379 on
# every interface without protected mode, works in /data (a volume; the append-only file
# goes there with --appendonly yes), and redis-cli is on the PATH. Debian 12 ships Redis 7.0.
#
#   podman build --network=host -t localhost/ref-test-redis:7 \
#       -f docker/test-images/redis.Dockerfile docker/test-images
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
COPY redis-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh
WORKDIR /data
EXPOSE 6379
LABEL io.ref-engine.image=test-redis
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["redis-server"]
