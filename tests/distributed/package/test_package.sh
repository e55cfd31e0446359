#!/usr/bin/env bash
# Installs nabla from a build tree into a staging prefix, then builds the project beside
# this script against it with find_package(nabla REQUIRED COMPONENTS distributed) and runs
# it with the given launcher: nabla::distributed as a user meets it. Run by CTest
# (Package.DistributedBuildsAgainstInstalledNabla).
# Usage: test_package.sh SOURCE_DIR BUILD_DIR CXX_COMPILER CXX_FLAGS LAUNCHER...
set -euo pipefail
src="$1"
build="$2"
cxx="$3"
flags="$4"
shift 4
work="$build/package-test-distributed"
rm -rf "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src/tests/distributed/package" -B "$work/build" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" \
  -DNABLA_CONSUMER_FLAGS="$flags" >/dev/null
cmake --build "$work/build" >/dev/null
"$@" "$work/build/distributed_consumer"
