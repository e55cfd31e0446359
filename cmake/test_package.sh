#!/usr/bin/env bash
# Installs nabla from a build tree into a staging prefix, then builds and runs
# examples/custom_op against it with find_package(nabla): the package config is tested
# the way a user meets it. Run by CTest (Package.CustomOpBuildsAgainstInstalledNabla).
# Usage: test_package.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src="$1"
build="$2"
stage="$build/package-test/prefix"
rm -rf "$build/package-test"
cmake --install "$build" --prefix "$stage" >/dev/null
cmake -S "$src/examples/custom_op" -B "$build/package-test/build" \
  -DCMAKE_PREFIX_PATH="$stage" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build/package-test/build" -j"$(nproc)" >/dev/null
"$build/package-test/build/custom_op" --op softplus --op swish --op sigmoid
