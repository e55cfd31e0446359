// Tests of ops/count_nonzero.cpp: the number of nonzero elements.

#include "ops/op_test_util.hpp"

namespace test_count_nonzero {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   torch.count_nonzero(torch.tensor([[1.,0.,nan],[0.,0.,2.]]), 1) → [2, 1]
//   torch.count_nonzero(torch.tensor([[1,0],[0,0]])) → 1
//   torch.count_nonzero(torch.zeros(2,3,4).index_fill_(2, torch.tensor([1]), 1.), (0, 2))
//   → [2, 2, 2]
TEST(CountNonzero, MatchesPyTorch) {
  expect_tensor(nabla::count_nonzero(nabla::tensor({{1.0, 0.0, kNaN}, {0.0, 0.0, 2.0}}), {1}), {2},
                {2, 1}, nabla::i64);
  expect_tensor(nabla::count_nonzero(nabla::tensor({{1, 0}, {0, 0}}, nabla::i64)), {}, {1},
                nabla::i64);
  std::vector<double> v(24, 0.0);
  for (std::size_t i = 1; i < 24; i += 4) v[i] = 1.0;  // [.., .., 1] along the last dim
  expect_tensor(nabla::count_nonzero(nabla::tensor(v, {2, 3, 4}), {0, 2}), {3}, {2, 2, 2},
                nabla::i64);
  expect_tensor(nabla::count_nonzero(nabla::tensor({1, 0, 1}, nabla::bool_)), {}, {2}, nabla::i64);
  expect_tensor(nabla::count_nonzero(nabla::tensor(v, {2, 3, 4}).transpose(0, 2).slice(0, 1, 4, 2),
                                    {-1}),
                {2, 3}, {2, 2, 2, 0, 0, 0}, nabla::i64);  // a transposed, stepped view
}

TEST(CountNonzero, RejectsBadDims) {
  EXPECT_THROW(nabla::count_nonzero(nabla::zeros({2}), {1}), std::out_of_range);
  EXPECT_THAT(message_of([] { nabla::count_nonzero(nabla::zeros({2, 2}), {0, -2}); }),
              AllOf(HasSubstr("nabla::count_nonzero"), HasSubstr("twice")));
}

}  // namespace
}  // namespace test_count_nonzero
