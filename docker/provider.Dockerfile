# A provider worker image: ref-engine, its child runner and ONE provider plugin, with
# that provider's conda environment when asked for. The compose stack runs one such
# image per provider (climate-ref-pmp, climate-ref-esmvaltool, climate-ref-ilamb,
# climate-ref-example) as `ref-engine worker --provider SLUG`; docs/deployment.md.
#
#   podman build --network=host --build-arg PROVIDER=example \
#       -t localhost/ref-provider-example:dev -f docker/provider.Dockerfile .
#
# Build arguments:
#   PROVIDER    the provider slug (default example). Its plugin is built from
#               plugins/PROVIDER/ (CMake target PROVIDER, file PROVIDER.so). When the tree
#               has no plugins/PROVIDER/, the image is still built, without the plugin:
#               its worker then stops at once, saying that no plugin provides PROVIDER.
#   WITH_CONDA  true: install micromamba and create the provider's environment with
#               `ref-engine providers setup` (from the environment definition the plugin
#               carries, plugins/PROVIDER/environment.yml) under /opt/ref-software/conda.
#               This needs the conda channels. Default false: no environment; the
#               provider's tool backend then fails with a clear reason.
#   BASE_IMAGE  a Debian 12 image (default the official bookworm-slim).
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim

# --- build: the same first steps as docker/engine.Dockerfile, so both images share
# the package layer, the source layer and the compiler cache.
FROM ${BASE_IMAGE} AS build
LABEL io.ref-engine.image=build
COPY scripts/install-deps.sh /src/scripts/install-deps.sh
RUN bash /src/scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . /src
WORKDIR /src
ENV CCACHE_DIR=/ccache
ARG PROVIDER=example
# Only the program, the child runner and this provider's plugin are built, and each is
# installed by its own folder's install script (the other plugins are not built).
RUN --mount=type=cache,target=/ccache,id=ref-engine-ccache \
    set -e; \
    targets="--target ref-engine --target ref-engine-child"; \
    if [ -f "plugins/$PROVIDER/CMakeLists.txt" ]; then \
      targets="$targets --target $PROVIDER"; \
    else \
      echo "provider.Dockerfile: this tree has no plugins/$PROVIDER: the image gets no plugin" \
           "for '$PROVIDER' and its worker will stop saying so"; \
    fi; \
    bash scripts/build.sh --build-dir /build $targets; \
    install_dir() { cmake -DCMAKE_INSTALL_PREFIX=/opt/ref-engine -DCMAKE_INSTALL_DO_STRIP=1 \
                          -P "/build/$1/cmake_install.cmake"; }; \
    install_dir engine; \
    if [ -f "plugins/$PROVIDER/CMakeLists.txt" ]; then install_dir "plugins/$PROVIDER"; fi; \
    mkdir -p /opt/ref-engine/lib/ref-engine/plugins

# --- conda: the provider's environment, only with WITH_CONDA=true, made by the plugin
# itself (`providers setup`) so it lands where the plugin looks: <software>/conda/<name>.
# /opt/ref-software exists (empty) either way, so the runtime stage can copy it.
FROM build AS conda
LABEL io.ref-engine.image=build
ARG PROVIDER=example
ARG WITH_CONDA=false
RUN set -e; \
    mkdir -p /opt/ref-software/conda; \
    if [ "$WITH_CONDA" != true ]; then \
      echo "provider.Dockerfile: WITH_CONDA=$WITH_CONDA: no conda environment"; exit 0; \
    fi; \
    if [ ! -f "plugins/$PROVIDER/environment.yml" ]; then \
      echo "provider.Dockerfile: no plugins/$PROVIDER/environment.yml: no conda environment to create"; \
      exit 0; \
    fi; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl ca-certificates bzip2; \
    case "$(uname -m)" in aarch64) platform=linux-aarch64 ;; *) platform=linux-64 ;; esac; \
    curl -fsSL "https://micro.mamba.pm/api/micromamba/$platform/latest" \
      | tar -xj -C /tmp bin/micromamba \
      || { echo "provider.Dockerfile: cannot download micromamba: WITH_CONDA=true needs the network" >&2; exit 1; }; \
    install -m 0755 /tmp/bin/micromamba /opt/ref-software/conda/micromamba; \
    REF_SOFTWARE_ROOT=/opt/ref-software MAMBA_ROOT_PREFIX=/opt/ref-software/conda REF_PLUGIN_CACHE=off \
      /opt/ref-engine/bin/ref-engine --plugins /opt/ref-engine/lib/ref-engine/plugins \
      providers setup --provider "$PROVIDER"; \
    /opt/ref-software/conda/micromamba clean -a -y -r /opt/ref-software/conda || true; \
    rm -rf /var/lib/apt/lists/*

# --- runtime: the shared libraries the program and the plugin load, and nothing else.
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
ARG PROVIDER=example
COPY --from=build /opt/ref-engine /opt/ref-engine
COPY --from=conda --chown=1000:1000 /opt/ref-software /opt/ref-software
COPY docker/entrypoint.sh /usr/local/bin/ref-entrypoint
RUN chmod 0755 /usr/local/bin/ref-entrypoint \
 && ! find /opt/ref-engine/bin /opt/ref-engine/lib -type f \( -perm -u+x -o -name '*.so' \) \
        -exec ldd {} + 2>/dev/null | grep 'not found'
LABEL io.ref-engine.image=provider io.ref-engine.provider=${PROVIDER}
ENV PATH=/opt/ref-engine/bin:$PATH \
    REF_PROVIDER=${PROVIDER} \
    REF_SOFTWARE_ROOT=/opt/ref-software \
    REF_CONFIGURATION=/ref/config \
    REF_SCRATCH_ROOT=/ref/scratch \
    REF_RESULTS_ROOT=/ref/results \
    REF_LOG_ROOT=/ref/log
USER ref
WORKDIR /ref
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/ref-entrypoint"]
CMD ["worker"]
