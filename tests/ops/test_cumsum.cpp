// Tests of ops/cumsum.cpp: the running sum along a dim.

#include "ops/op_test_util.hpp"

namespace test_cumsum {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   torch.cumsum(torch.tensor([[1.,2.,3.],[4.,5.,6.]]), 0) → [[1,2,3],[5,7,9]]
//   torch.cumsum(torch.tensor([[1,2,3],[4,5,6]], dtype=torch.int32), 1) → [[1,3,6],[4,9,15]]
//   (int64); torch.cumsum(torch.tensor([True, False, True]), 0) → [1, 1, 2] (int64)
TEST(Cumsum, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, d);
    expect_tensor(nabla::cumsum(x, 0), {2, 3}, {1, 2, 3, 5, 7, 9}, d);
    expect_tensor(nabla::cumsum(x, -1), {2, 3}, {1, 3, 6, 4, 9, 15}, d);
  }
  expect_tensor(nabla::cumsum(nabla::tensor({{1, 2, 3}, {4, 5, 6}}, nabla::i32), 1), {2, 3},
                {1, 3, 6, 4, 9, 15}, nabla::i64);
  expect_tensor(nabla::cumsum(nabla::tensor({1, 0, 1}, nabla::bool_), 0), {3}, {1, 1, 2},
                nabla::i64);
  expect_tensor(nabla::cumsum(nabla::tensor({1.0, kNaN, 2.0}), 0), {3}, {1, kNaN, kNaN}, nabla::f32);
  EXPECT_EQ(nabla::cumsum(nabla::zeros({0, 3}), 0).shape(), (Shape{0, 3}));
}

// The gradient of a running sum is the running sum of the gradient from the end:
// d/dx Σ w·cumsum(x) = [w0 + w1 + w2, w1 + w2, w2]
TEST(Cumsum, GradientByHandViewsAndGradcheck) {
  Tensor x = nabla::tensor({1.0, 2.0, 3.0}, nabla::f64).requires_grad_();
  nabla::cumsum(x, 0).backward(nabla::tensor({1.0, 10.0, 100.0}, nabla::f64));
  expect_tensor(x.grad(), {3}, {111, 110, 100}, nabla::f64);
  const Tensor base = normal({4, 6}, 101);
  const Tensor s = base.slice(1, 0, 6, 2).t();  // [3,4]
  expect_tensor(nabla::cumsum(s, 1), {3, 4}, nabla::cumsum(s.contiguous(), 1).to_vector(),
                nabla::f64);
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::cumsum(in[0].t(), 0);
  };
  expect_gradients_match(fn, {normal({3, 4}, 102)});
  expect_nonzero_gradient(fn, {normal({3, 4}, 102)});
}

TEST(Cumsum, RejectsBadDims) {
  EXPECT_THROW(nabla::cumsum(nabla::zeros({2, 3}), 2), std::out_of_range);
  EXPECT_THAT(message_of([] { nabla::cumsum(nabla::zeros({2, 3}), -3); }),
              AllOf(HasSubstr("nabla::cumsum"), HasSubstr("axis -3")));
  EXPECT_THAT(message_of([] { nabla::cumsum(nabla::scalar_tensor(1.0), 0); }),
              HasSubstr("nabla::cumsum"));
  EXPECT_THAT(message_of([] { nabla::cumsum(Tensor(), 0); }), HasSubstr("nabla::cumsum"));
}

}  // namespace
}  // namespace test_cumsum
