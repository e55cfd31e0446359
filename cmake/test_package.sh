#!/usr/bin/env bash
# Installs nabla from a build tree into a staging prefix, then builds and runs
# examples/custom_op against it with find_package(nabla): the package config is tested
# the way a user meets it. Run by CTest (Package.CustomOpBuildsAgainstInstalledNabla).
# Usage: test_package.sh SOURCE_DIR BUILD_DIR [CXX_COMPILER [CXX_FLAGS]]
# The consumer is built with the library's compiler and sanitizer flags (a sanitized
# libnabla.a links only into a sanitized program).
set -euo pipefail
src="$1"
build="$2"
cxx="${3:-c++}"
flags="${4:-}"
stage="$build/package-test/prefix"
rm -rf "$build/package-test"
cmake --install "$build" --prefix "$stage" >/dev/null
cmake -S "$src/examples/custom_op" -B "$build/package-test/build" \
  -DCMAKE_PREFIX_PATH="$stage" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$build/package-test/build" -j"$(nproc)" >/dev/null
"$build/package-test/build/custom_op" --op my_softplus --op swish --op sin_cos --op sigmoid
