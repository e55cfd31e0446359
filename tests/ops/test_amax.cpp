// Tests of ops/amax.cpp: the maximum over several dims, gradient split among ties.

#include "ops/op_test_util.hpp"

namespace test_amax {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

Tensor amax_input(Dtype d) {
  return nabla::tensor({{1.0, 5.0, 5.0}, {7.0, -2.0, 3.0}}, d);
}

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.tensor([[1.,5.,5.],[7.,-2.,3.]], dtype=torch.float64, requires_grad=True)
//   torch.amax(x, 1) → [5, 7]; torch.amax(x, (0, 1)) → 7; torch.amax(x, 0, keepdim=True)
//   → [[7, 5, 5]]; (torch.amax(x, 1) * torch.tensor([2., 3.])).sum().backward(); x.grad
//   → [[0, 1, 1], [3, 0, 0]] (the tie splits 2 evenly)
TEST(Amax, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::amax(amax_input(d), {1}), {2}, {5, 7}, d);
    expect_tensor(nabla::amax(amax_input(d), {0, 1}), {}, {7}, d);
    expect_tensor(nabla::amax(amax_input(d)), {}, {7}, d);
    expect_tensor(nabla::amax(amax_input(d), {0}, true), {1, 3}, {7, 5, 5}, d);
    expect_tensor(nabla::amax(nabla::tensor({{1.0, kNaN}, {2.0, 3.0}}, d), {1}), {2}, {kNaN, 3}, d);
  }
  Tensor x = amax_input(nabla::f64).requires_grad_();
  nabla::amax(x, {1}).backward(nabla::tensor({2.0, 3.0}, nabla::f64));
  expect_tensor(x.grad(), {2, 3}, {0, 1, 1, 3, 0, 0}, nabla::f64);
}

// Recorded from PyTorch: x = torch.tensor([[1., nan], [2., 3.]], dtype=torch.float64,
// requires_grad=True); torch.amax(x, 1).sum().backward(); x.grad → [[nan, nan], [0, 1]]
TEST(Amax, NaNMaximumGivesNaNGradientAsPyTorch) {
  Tensor x = nabla::tensor({{1.0, kNaN}, {2.0, 3.0}}, nabla::f64).requires_grad_();
  nabla::sum(nabla::amax(x, {1})).backward();
  expect_tensor(x.grad(), {2, 2}, {kNaN, kNaN, 0, 1}, nabla::f64);
}

TEST(Amax, IntegerAndBoolKeepTheirDtype) {
  expect_tensor(nabla::amax(nabla::tensor({{3, 9}, {9, 0}}, nabla::i32), {0}), {2}, {9, 9},
                nabla::i32);
  // PyTorch: torch.amax(torch.tensor([[True, False], [False, False]]), 1) → [True, False]
  expect_tensor(nabla::amax(nabla::tensor({{1, 0}, {0, 0}}, nabla::bool_), {1}), {2}, {1, 0},
                nabla::bool_);
}

TEST(Amax, ViewsAndGradcheck) {
  const Tensor base = normal({4, 6}, 21);
  const Tensor s = base.slice(1, 0, 6, 2).t();  // [3,4], stepped and transposed
  expect_tensor(nabla::amax(s, {1}), {3}, nabla::amax(s.contiguous(), {1}).to_vector(), nabla::f64);
  // normal values: no ties, where the gradient would jump
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::amax(in[0].transpose(0, 2), {0, 2}, true);
  };
  expect_gradients_match(fn, {normal({4, 3, 2}, 22)});
  expect_nonzero_gradient(fn, {normal({4, 3, 2}, 22)});
}

TEST(Amax, RejectsBadDims) {
  const Tensor x = nabla::zeros({2, 3});
  EXPECT_THROW(nabla::amax(x, {2}), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::amax(x, {2}); }),
              AllOf(HasSubstr("nabla::amax"), HasSubstr("axis 2")));
  EXPECT_THAT(message_of([&] { nabla::amax(x, {1, -1}); }),
              AllOf(HasSubstr("nabla::amax"), HasSubstr("twice")));
  EXPECT_THAT(message_of([] { nabla::amax(nabla::zeros({2, 0}), {1}); }),
              AllOf(HasSubstr("nabla::amax"), HasSubstr("[2, 0]"), HasSubstr("empty")));
  EXPECT_EQ(nabla::amax(nabla::zeros({2, 0}), {0}).shape(), (Shape{0}));  // as PyTorch
  EXPECT_THAT(message_of([] { nabla::amax(Tensor()); }), HasSubstr("nabla::amax"));
}

}  // namespace
}  // namespace test_amax
