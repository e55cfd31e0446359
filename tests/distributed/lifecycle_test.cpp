// init, finalize and InitGuard, and what the calls (and DistributedDataParallel) say
// before init and after finalize, which the GoogleTest suites (whose main keeps MPI
// running throughout) cannot see. Run under mpirun; prints "ok: ..." on success, and each
// failed check with its line.

#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "nabla/distributed.hpp"

namespace {

namespace dist = nabla::distributed;

int failures = 0;

void expect(bool ok, const char* what, int line) {
  if (ok) return;
  ++failures;
  std::fprintf(stderr, "lifecycle_test.cpp:%d: FAILED: %s\n", line, what);
}
#define EXPECT(x) expect((x), #x, __LINE__)

// The DistributedError that f throws, which must name `call` and rank -1.
std::string error_of(const std::string& call, const std::function<void()>& f) {
  try {
    f();
  } catch (const dist::DistributedError& e) {
    EXPECT(e.call() == call);
    EXPECT(e.rank() == -1);
    return e.what();
  } catch (const std::exception& e) {
    return std::string("another type: ") + e.what();
  }
  return "no throw";
}

void expect_message(const std::string& got, const std::string& expected, int line) {
  if (got == expected) return;
  ++failures;
  std::fprintf(stderr, "lifecycle_test.cpp:%d: FAILED:\n  got:      %s\n  expected: %s\n", line,
               got.c_str(), expected.c_str());
}

const std::string kNotInitialized =
    ": MPI is not initialized: call nabla::distributed::init() first (or make a "
    "nabla::distributed::InitGuard in main)";
const std::string kFinalized =
    ": MPI has been finalized (nabla::distributed::finalize); no distributed call works "
    "after it";

}  // namespace

int main(int argc, char** argv) {
  // Before init: nothing runs, every call says to call init().
  EXPECT(!dist::is_initialized());
  dist::finalize();  // nothing to end
  for (const auto& [call, f] : std::vector<std::pair<std::string, std::function<void()>>>{
           {"nabla::distributed::rank", [] { dist::rank(); }},
           {"nabla::distributed::world_size", [] { dist::world_size(); }},
           {"nabla::distributed::barrier", [] { dist::barrier(); }},
           {"nabla::distributed::all_reduce",
            [] {
              nabla::Tensor t = nabla::ones({2});
              dist::all_reduce(t);
            }},
           {"nabla::distributed::all_reduce_async",
            [] {
              nabla::Tensor t = nabla::ones({2});
              dist::all_reduce_async(t);
            }},
           {"nabla::distributed::all_gather", [] { dist::all_gather(nabla::ones({2})); }},
       }) {
    expect_message(error_of(call, f), call + kNotInitialized, __LINE__);
  }
  // A sampler given its rank and world needs no MPI; one left to the defaults does.
  dist::DistributedSampler given(10, {.num_replicas = 2, .rank = 1});
  EXPECT(given.size() == 5);
  expect_message(error_of("nabla::distributed::world_size", [] { dist::DistributedSampler s(10); }),
                 "nabla::distributed::world_size" + kNotInitialized, __LINE__);

  // DistributedDataParallel too, before it touches the module.
  expect_message(error_of("nabla::distributed::DistributedDataParallel",
                          [] {
                            dist::DistributedDataParallel ddp(
                                std::make_shared<nabla::nn::Linear>(2, 2));
                          }),
                 "nabla::distributed::DistributedDataParallel" + kNotInitialized, __LINE__);

  // init, a second init (nothing), a guard made while MPI runs (it ends nothing).
  dist::init(&argc, &argv);
  EXPECT(dist::is_initialized());
  dist::init();
  EXPECT(dist::is_initialized());
  const int rank = dist::rank();
  EXPECT(dist::world_size() >= 1);
  { dist::InitGuard inner; }
  EXPECT(dist::is_initialized());
  dist::barrier();

  // finalize, a second finalize (nothing); after it every call says MPI has ended, and
  // MPI cannot be started again.
  dist::finalize();
  EXPECT(!dist::is_initialized());
  dist::finalize();
  expect_message(error_of("nabla::distributed::rank", [] { dist::rank(); }),
                 "nabla::distributed::rank" + kFinalized, __LINE__);
  expect_message(error_of("nabla::distributed::broadcast",
                          [] {
                            nabla::Tensor t = nabla::ones({2});
                            dist::broadcast(t);
                          }),
                 "nabla::distributed::broadcast" + kFinalized, __LINE__);
  const std::string again =
      "nabla::distributed::init: MPI has been finalized in this process, and MPI cannot be "
      "started twice in one process";
  expect_message(error_of("nabla::distributed::init", [] { dist::init(); }), again, __LINE__);
  expect_message(error_of("nabla::distributed::init", [] { dist::InitGuard guard; }), again,
                 __LINE__);

  if (failures) {
    std::fprintf(stderr, "rank %d: %d checks failed\n", rank, failures);
    return 1;
  }
  std::printf("ok: init, finalize and InitGuard on rank %d\n", rank);
  return 0;
}
