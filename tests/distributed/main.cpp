// The main of nabla_distributed_tests, which CTest runs under mpirun. Every rank runs every
// test, so each collective is called by all ranks in the same order. Rank 0 alone prints
// GoogleTest's report; the other ranks print only their failures, marked with their rank,
// and every rank exits non-zero when a test failed on any rank (so mpirun does too).

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "nabla/distributed.hpp"

namespace {

namespace dist = nabla::distributed;

// The failures of a rank other than 0, which has no report of its own.
class FailurePrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit FailurePrinter(int rank) : rank_(rank) {}
  // (GoogleTest holds its lock while it reports a result, so the test's name is kept
  // from its start rather than asked for then.)
  void OnTestStart(const ::testing::TestInfo& test) override {
    test_ = std::string(test.test_suite_name()) + "." + test.name();
  }
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    std::fprintf(stderr, "[rank %d] %s: %s:%d: Failure\n%s\n", rank_, test_.c_str(),
                 result.file_name() ? result.file_name() : "?", result.line_number(),
                 result.message());
  }

 private:
  int rank_;
  std::string test_;
};

}  // namespace

int main(int argc, char** argv) {
  dist::InitGuard mpi(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  const int rank = dist::rank();
  ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
  if (rank != 0) {
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new FailurePrinter(rank));
  }
  const int failed = RUN_ALL_TESTS() != 0;
  // Every rank's verdict, so that rank 0 can name the ranks that failed.
  const std::vector<double> verdicts =
      dist::all_gather_into_tensor(nabla::scalar_tensor(failed, nabla::i32)).to_vector();
  bool any = false;
  for (std::size_t r = 0; r < verdicts.size(); ++r) {
    if (verdicts[r] == 0) continue;
    any = true;
    if (rank == 0) std::fprintf(stderr, "rank %zu of %zu failed\n", r, verdicts.size());
  }
  return any ? 1 : 0;
}
