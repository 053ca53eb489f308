#!/usr/bin/env bash
# Configures and builds ref-engine with CMake and Ninja.
#   scripts/build.sh [--sanitize] [--werror] [--build-dir DIR] [--target T]
# The default build folder is build/ (build-asan/ with --sanitize).
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=OFF werror=OFF build_dir="" targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) sanitize=ON ;;
    --werror) werror=ON ;;
    --build-dir) build_dir="$2"; shift ;;
    --target) targets+=("$2"); shift ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$build_dir" ] || { [ "$sanitize" = ON ] && build_dir=build-asan || build_dir=build; }
build_type=RelWithDebInfo
[ "$sanitize" = ON ] && build_type=Debug

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
  -DREF_SANITIZE="$sanitize" -DREF_WERROR="$werror" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" ${targets[@]+--target "${targets[@]}"}
echo "build.sh: built in $build_dir (ref-engine: $build_dir/bin/ref-engine)"
