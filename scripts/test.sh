#!/usr/bin/env bash
# Installs what is needed (as root), builds with warnings as errors, and runs every test.
#   scripts/test.sh [--sanitize] [--no-install]
# --sanitize builds and tests under AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize="" install=yes
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=--sanitize ;;
    --no-install) install=no ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

[ "$install" = yes ] && bash scripts/install-deps.sh
bash scripts/build.sh --werror $sanitize
build_dir=build
if [ -n "$sanitize" ]; then
  build_dir=build-asan
  # Crashes in test plugins must reach the engine as the signals they are; leaks in
  # fontconfig, HDF5 and netCDF-C (not ours) are listed in plugins/common/lsan.supp.
  export ASAN_OPTIONS=handle_segv=0:handle_abort=0:detect_leaks=1
  export LSAN_OPTIONS=suppressions=$PWD/plugins/common/lsan.supp
fi
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
