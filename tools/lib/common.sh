# Shared by tools/test, tools/demo and tools/bench/run: install what is missing, then build.
# Sourced, not run.

NABLA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Debian packages every build needs.
NABLA_BUILD_PACKAGES=(cmake g++ make libopenblas-dev libxtensor-dev libxsimd-dev
  libxtensor-blas-dev libgtest-dev libgmock-dev libfmt-dev zlib1g-dev nlohmann-json3-dev)
# Debian packages the test suite needs on top: Debian's python3 with numpy reads a file
# nabla saved (Interop.NumpyReadsTheSafetensorsSample).
NABLA_TEST_PACKAGES=(python3-numpy)

# Debian packages the examples need: gnuplot draws their pictures (examples/common/plot.hpp),
# dataset-fashion-mnist holds the data of fashion_mnist and autoencoder.
NABLA_EXAMPLE_PACKAGES=(gnuplot-nox dataset-fashion-mnist)

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
  cmake -S "$NABLA_ROOT" -B "$NABLA_ROOT/$dir" -DCMAKE_BUILD_TYPE="$type" "${launcher[@]}" \
    "${cmake_args[@]}" >/dev/null
  log "building ${dir}"
  cmake --build "$NABLA_ROOT/$dir" -j"$(nproc)" "${targets[@]}"
}
