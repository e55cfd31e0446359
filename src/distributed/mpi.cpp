// Starting and ending MPI, the process's rank, and the errors of nabla::distributed.
// Uses nabla's public API only (layer 7 of DESIGN.md).

#include <fmt/format.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>
#include <utility>

#include "nabla/distributed.hpp"

#include "distributed/mpi_common.hpp"

namespace nabla::distributed {

DistributedError::DistributedError(std::string call, int rank, const std::string& message)
    : std::runtime_error(call + ": " + message), call_(std::move(call)), rank_(rank) {}

namespace detail {

std::recursive_mutex& mpi_mutex() {
  static std::recursive_mutex m;
  return m;
}

bool running() noexcept {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized && !finalized;
}

int current_rank() noexcept {
  int r = -1;
  if (!running() || MPI_Comm_rank(MPI_COMM_WORLD, &r) != MPI_SUCCESS) return -1;
  return r;
}

void require_running(const char* call) {
  int finalized = 0, initialized = 0;
  MPI_Finalized(&finalized);
  if (finalized) {
    throw DistributedError(call, -1,
                           "MPI has been finalized (nabla::distributed::finalize); no "
                           "distributed call works after it");
  }
  MPI_Initialized(&initialized);
  if (!initialized) {
    throw DistributedError(call, -1,
                           "MPI is not initialized: call nabla::distributed::init() first (or "
                           "make a nabla::distributed::InitGuard in main)");
  }
}

void check(int rc, const char* call, const char* mpi_function) {
  if (rc == MPI_SUCCESS) [[likely]]
    return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  std::string description;
  if (MPI_Error_string(rc, text, &length) == MPI_SUCCESS) {
    description.assign(text, static_cast<std::size_t>(length));
  } else {
    description = fmt::format("MPI error code {}", rc);
  }
  const int r = current_rank();
  throw DistributedError(call, r,
                         fmt::format("{} failed on rank {}: {}", mpi_function, r, description));
}

namespace {
std::int64_t g_max_count = INT_MAX;
}  // namespace

std::int64_t max_count() noexcept {
  return g_max_count;
}
void set_max_count(std::int64_t n) noexcept {
  g_max_count = n;
}

}  // namespace detail

using detail::check;

void init(int* argc, char*** argv) {
  constexpr const char* kCall = "nabla::distributed::init";
  std::lock_guard lock(detail::mpi_mutex());
  int finalized = 0, initialized = 0;
  check(MPI_Finalized(&finalized), kCall, "MPI_Finalized");
  if (finalized) {
    throw DistributedError(kCall, -1,
                           "MPI has been finalized in this process, and MPI cannot be "
                           "started twice in one process");
  }
  check(MPI_Initialized(&initialized), kCall, "MPI_Initialized");
  if (initialized) return;
  int provided = 0;
  // Until the error handler below is set, a failure here is fatal (MPI's default).
  check(MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided), kCall, "MPI_Init_thread");
  // Failures come back as return codes, which check() turns into DistributedError, rather
  // than ending the job from inside MPI with no word of which call of nabla's failed.
  check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), kCall,
        "MPI_Comm_set_errhandler");
}

void finalize() {
  std::lock_guard lock(detail::mpi_mutex());
  if (!detail::running()) return;
  check(MPI_Finalize(), "nabla::distributed::finalize", "MPI_Finalize");
}

bool is_initialized() {
  return detail::running();
}

InitGuard::InitGuard() : uncaught_(std::uncaught_exceptions()) {
  owns_ = !detail::running();
  init();
}

InitGuard::InitGuard(int& argc, char**& argv) : uncaught_(std::uncaught_exceptions()) {
  owns_ = !detail::running();
  init(&argc, &argv);
}

InitGuard::~InitGuard() {
  if (std::uncaught_exceptions() > uncaught_) {
    // Unwinding: finalize() would wait for ranks that are waiting for this one.
    if (detail::running()) {
      std::fprintf(stderr,
                   "nabla::distributed::InitGuard: rank %d is leaving the guard's scope by an "
                   "exception; MPI_Abort ends the job so that the other ranks do not wait "
                   "for it\n",
                   detail::current_rank());
      abort(1);
    }
    return;
  }
  if (!owns_) return;
  try {
    finalize();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nabla::distributed::InitGuard: %s\n", e.what());
  }
}

void abort(int code) noexcept {
  std::fflush(nullptr);
  if (detail::running()) MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort does not return; without MPI this ends the process
}

int rank() {
  constexpr const char* kCall = "nabla::distributed::rank";
  std::lock_guard lock(detail::mpi_mutex());
  detail::require_running(kCall);
  int r = 0;
  check(MPI_Comm_rank(MPI_COMM_WORLD, &r), kCall, "MPI_Comm_rank");
  return r;
}

int world_size() {
  constexpr const char* kCall = "nabla::distributed::world_size";
  std::lock_guard lock(detail::mpi_mutex());
  detail::require_running(kCall);
  int n = 0;
  check(MPI_Comm_size(MPI_COMM_WORLD, &n), kCall, "MPI_Comm_size");
  return n;
}

void barrier() {
  constexpr const char* kCall = "nabla::distributed::barrier";
  std::lock_guard lock(detail::mpi_mutex());
  detail::require_running(kCall);
  check(MPI_Barrier(MPI_COMM_WORLD), kCall, "MPI_Barrier");
}

}  // namespace nabla::distributed
