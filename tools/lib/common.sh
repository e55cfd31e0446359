# Shared by tools/test, tools/demo and tools/bench/run: install what is missing, then build.
# Sourced, not run.

NABLA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Debian packages every build needs.
NABLA_BUILD_PACKAGES=(cmake g++ make libopenblas-dev libxtensor-dev libxsimd-dev
  libxtensor-blas-dev libgtest-dev libgmock-dev libfmt-dev zlib1g-dev nlohmann-json3-dev)
# Debian packages the test suite needs on top: Debian's python3 with numpy reads a file
# nabla saved (Interop.NumpyReadsTheSafetensorsSample); Open MPI's headers, library and
# mpirun build nabla::distributed and run its tests on several processes (Distributed.*;
# without them CMake skips the library and the tests, and says so).
NABLA_TEST_PACKAGES=(python3-numpy libopenmpi-dev openmpi-bin)

# Debian packages the examples need: gnuplot draws their pictures (examples/common/plot.hpp),
# dataset-fashion-mnist holds the data of fashion_mnist and autoencoder.
NABLA_EXAMPLE_PACKAGES=(gnuplot-nox dataset-fashion-mnist)

# Debian packages the sanitizer suite and the fuzzers need: clang with its runtimes
# (AddressSanitizer, UndefinedBehaviorSanitizer, libFuzzer). Clang 16, because Debian 12's
# default clang 14 has no std::source_location with libstdc++ 12 (NABLA_CLANG overrides).
NABLA_SANITIZE_PACKAGES=(clang-16 libclang-rt-16-dev llvm)
NABLA_CLANG="${NABLA_CLANG:-clang++-16}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# ensure_packages PKG...: installs, with apt-get, the packages that are not installed yet.
ensure_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  log "installing missing packages: ${missing[*]}"
  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null; then
      sudo=(sudo)
    else
      echo "error: packages ${missing[*]} are missing and this is not root (no sudo either)." >&2
      echo "Install them with: apt-get install ${missing[*]}" >&2
      exit 1
    fi
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
}

# configure_and_build BUILD_DIR BUILD_TYPE [TARGET...] [-- CMAKE_ARGS...]
configure_and_build() {
  local dir="$1" type="$2"
  shift 2
  local targets=() cmake_args=()
  while (($#)); do
    if [[ "$1" == "--" ]]; then
      shift
      cmake_args=("$@")
      break
    fi
    targets+=(--target "$1")
    shift
  done
  # ccache, where a developer has installed it, makes rebuilds in several work trees cheap;
  # the build does not need it.
  local launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$NABLA_ROOT")}"
  fi
  log "configuring ${dir} (${type})"
  # A whole build: the op files in batches (NABLA_UNITY_OPS, CMakeLists.txt).
  cmake -S "$NABLA_ROOT" -B "$NABLA_ROOT/$dir" -DCMAKE_BUILD_TYPE="$type" "${launcher[@]}" \
    -DNABLA_UNITY_OPS=ON "${cmake_args[@]}" >/dev/null
  log "building ${dir}"
  cmake --build "$NABLA_ROOT/$dir" -j"$(nproc)" "${targets[@]}"
}

# configure_sanitize_build [TARGET...]: the clang build with ASan + UBSan + LSan and the
# libFuzzer targets, in build-sanitize/. tools/test --sanitize and tools/fuzz share it, so
# the library is compiled once for both. nabla::distributed is left out of both sanitizer
# builds for now: its tests run inside mpirun, whose Open MPI allocations are not
# instrumented and which LeakSanitizer would report (not yet tried with suppressions).
configure_sanitize_build() {
  configure_and_build build-sanitize RelWithDebInfo "$@" -- \
    -DCMAKE_CXX_COMPILER="$NABLA_CLANG" -DNABLA_SANITIZE=address -DNABLA_FUZZ=ON \
    -DNABLA_DISTRIBUTED=OFF \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only"
}

# configure_tsan_build [TARGET...]: the ThreadSanitizer build of the library and the
# threading tests, in build-tsan/ (the same clang; line tables are all a report needs).
configure_tsan_build() {
  configure_and_build build-tsan RelWithDebInfo "$@" -- \
    -DCMAKE_CXX_COMPILER="$NABLA_CLANG" -DNABLA_SANITIZE=thread -DNABLA_DISTRIBUTED=OFF \
    -DNABLA_BUILD_EXAMPLES=OFF -DNABLA_BUILD_TOOLS=OFF \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only"
}

# sanitizer_environment: what the sanitizer runtimes read. Leaks are errors; an allocation
# too large to satisfy returns null, so nabla's out-of-memory error is what is tested,
# not the sanitizer's own abort; OpenBLAS's threads (not instrumented) stay off.
sanitizer_environment() {
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
  export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"
  export OPENBLAS_NUM_THREADS=1
  if [[ -z "${ASAN_SYMBOLIZER_PATH:-}" ]] && command -v llvm-symbolizer >/dev/null; then
    export ASAN_SYMBOLIZER_PATH="$(command -v llvm-symbolizer)"  # stack traces with file:line
  fi
}
