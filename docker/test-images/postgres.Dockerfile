# A stand-in for the official PostgreSQL image, built from Debian's packages, for
# machines that cannot pull from a public registry (scripts/test-compose.sh uses it).
# It honours the official image's contract as far as compose.yaml relies on it:
# POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB create the role and the database on
# first start, the data lives in /var/lib/postgresql/data (a volume), the server listens
# on 5432 with password (scram-sha-256) authentication over TCP and trusts local socket
# connections, and pg_isready and psql are on the PATH. Debian 12 ships PostgreSQL 15.
#
#   podman build --network=host -t localhost/ref-test-postgres:15 \
#       -f docker/test-images/postgres.Dockerfile docker/test-images
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main-cluster.conf \
 && apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql \
 && chmod 0700 /var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
STOPSIGNAL SIGINT
EXPOSE 5432
LABEL io.ref-engine.image=test-postgres
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["postgres"]
