# The ref-engine image: the program, its child runner and every provider plugin of the
# tree that needs no conda environment. The compose stack runs it as the climate-ref
# service (ingest, solve, operator commands); docs/deployment.md has the details.
#
#   podman build --network=host -t localhost/ref-engine:dev -f docker/engine.Dockerfile .
#   docker build -t localhost/ref-engine:dev -f docker/engine.Dockerfile .
#
# Build arguments: BASE_IMAGE (a Debian 12 image; default the official bookworm-slim).
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim

# --- build: the toolchain and libraries of scripts/install-deps.sh. The package layer
# comes before the sources, so it is reused until install-deps.sh changes. The provider
# image (docker/provider.Dockerfile) starts with the same two steps and shares them.
FROM ${BASE_IMAGE} AS build
LABEL io.ref-engine.image=build
COPY scripts/install-deps.sh /src/scripts/install-deps.sh
RUN bash /src/scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . /src
WORKDIR /src
# The compiler cache lives in a cache mount shared by all ref-engine images, so a
# rebuild after a source change recompiles only what changed.
ENV CCACHE_DIR=/ccache
RUN --mount=type=cache,target=/ccache,id=ref-engine-ccache \
    bash scripts/build.sh --build-dir /build \
      --target ref-engine --target ref-engine-child --target ref_provider_plugins \
 && cmake --install /build --prefix /opt/ref-engine --strip

# --- runtime: only the shared libraries the program and the plugins load.
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libnetcdf19 libcairo2 fonts-dejavu-core libboost-program-options1.74.0 libspdlog1.10 \
      libtomlplusplus3 libfmt9 libpq5 libsqlite3-0 libyaml-cpp0.7 libhiredis0.14 libudunits2-0 \
      ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1000 --user-group --create-home --shell /bin/bash ref \
 && mkdir -p /ref/config /ref/scratch /ref/results /ref/log /ref/data \
 && chown -R ref:ref /ref
COPY --from=build /opt/ref-engine /opt/ref-engine
COPY docker/entrypoint.sh /usr/local/bin/ref-entrypoint
# A missing runtime library is a build error here, not a surprise at the first run.
RUN chmod 0755 /usr/local/bin/ref-entrypoint \
 && ! find /opt/ref-engine/bin /opt/ref-engine/lib -type f \( -perm -u+x -o -name '*.so' \) \
        -exec ldd {} + 2>/dev/null | grep 'not found'
ENV PATH=/opt/ref-engine/bin:$PATH \
    REF_CONFIGURATION=/ref/config \
    REF_SCRATCH_ROOT=/ref/scratch \
    REF_RESULTS_ROOT=/ref/results \
    REF_LOG_ROOT=/ref/log
LABEL io.ref-engine.image=engine
USER ref
WORKDIR /ref
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/ref-entrypoint"]
CMD ["providers", "list"]
