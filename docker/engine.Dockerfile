# The ref-engine image: the program and the providers that need no conda environment.
# Build: podman build -t localhost/ref-engine:dev -f docker/engine.Dockerfile .
FROM docker.io/library/debian:bookworm-slim AS build
COPY . /src
WORKDIR /src
RUN bash scripts/install-deps.sh \
 && bash scripts/build.sh --target ref-engine --target ref_provider_plugins \
 && cmake --install build --prefix /opt/ref-engine

FROM docker.io/library/debian:bookworm-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libnetcdf19 libcairo2 fonts-dejavu-core libboost-program-options1.74.0 libspdlog1.10 \
      libtomlplusplus3 libfmt9 libpq5 libsqlite3-0 libyaml-cpp0.7 libhiredis0.14 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/ref-engine /opt/ref-engine
ENV PATH=/opt/ref-engine/bin:$PATH \
    REF_CONFIGURATION=/ref/config \
    REF_SCRATCH_ROOT=/ref/scratch \
    REF_RESULTS_ROOT=/ref/results
ENTRYPOINT ["ref-engine"]
CMD ["providers", "list"]
