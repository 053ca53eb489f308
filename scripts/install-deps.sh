#!/usr/bin/env bash
# Installs every Debian package that building, the demo and the tests need.
# Idempotent; run as root on Debian 12 (bookworm).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config
  # engine libraries
  libboost-dev libboost-program-options-dev libboost-filesystem-dev
  nlohmann-json3-dev libtomlplusplus-dev libspdlog-dev libfmt-dev
  libnetcdf-dev libsqlite3-dev libpq-dev libhiredis-dev libyaml-cpp-dev
  # plots
  libcairo2-dev libfreetype-dev libpng-dev fonts-dejavu-core
  # native science in the plugins: units, linear algebra (EOF)
  libudunits2-dev libeigen3-dev
  # plugins: digests (libcrypto)
  libssl-dev
  # tests and benchmarks (the tests start their own PostgreSQL and Redis servers)
  catch2 netcdf-bin hyperfine time sqlite3 postgresql redis-server
  # the ESGF-scale catalog test writes its catalogs with Python (standard library only); the
  # native science is cross-checked against xarray/numpy/scipy (tests/native_sample, bench/science)
  python3 python3-xarray python3-netcdf4 python3-cftime python3-scipy
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps.sh: all ${#packages[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: missing packages: ${missing[*]}" >&2
  echo "install-deps.sh: run this script as root to install them (it calls apt-get)" >&2
  exit 1
fi
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
