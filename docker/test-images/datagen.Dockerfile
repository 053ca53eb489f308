# ref-gen-data, the generator of small synthetic CMOR-style data (tests/datagen), in an
# image, so scripts/test-compose.sh can write its data set without building on the host.
# It shares the build steps of docker/engine.Dockerfile (package layer, sources,
# compiler cache) and is only a test tool: it keeps the whole toolchain.
#
#   podman build --network=host -t localhost/ref-gen-data:dev -f docker/test-images/datagen.Dockerfile .
#   podman run --rm -v /tmp/refdata:/out localhost/ref-gen-data:dev --output /out
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim
FROM ${BASE_IMAGE}
LABEL io.ref-engine.image=build
COPY scripts/install-deps.sh /src/scripts/install-deps.sh
RUN bash /src/scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . /src
WORKDIR /src
ENV CCACHE_DIR=/ccache
RUN --mount=type=cache,target=/ccache,id=ref-engine-ccache \
    bash scripts/build.sh --build-dir /build --target ref-gen-data \
 && install -m 0755 /build/bin/ref-gen-data /usr/local/bin/ref-gen-data \
 && rm -rf /build
LABEL io.ref-engine.image=datagen
ENTRYPOINT ["/usr/local/bin/ref-gen-data"]
