// Tests of ops/amin.cpp: the minimum over several dims, gradient split among ties.

#include "ops/op_test_util.hpp"

namespace test_amin {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.tensor([[1.,5.,5.],[7.,-2.,3.]], dtype=torch.float64, requires_grad=True)
//   torch.amin(x, 0) → [1, -2, 3]; (torch.amin(x, 0) * torch.tensor([1., 2., 3.])).sum()
//   .backward(); x.grad → [[1, 0, 0], [0, 2, 3]]
//   t = torch.tensor([[4.,1.,1.],[1.,4.,4.]], ...); torch.amin(t, (0, 1)).backward() → 1/3 at
//   each 1
TEST(Amin, MatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{1.0, 5.0, 5.0}, {7.0, -2.0, 3.0}}, d);
    expect_tensor(nabla::amin(x, {0}), {3}, {1, -2, 3}, d);
    expect_tensor(nabla::amin(x, {-1}, true), {2, 1}, {1, -2}, d);
    expect_tensor(nabla::amin(x), {}, {-2}, d);
  }
  Tensor x = nabla::tensor({{1.0, 5.0, 5.0}, {7.0, -2.0, 3.0}}, nabla::f64).requires_grad_();
  nabla::amin(x, {0}).backward(nabla::tensor({1.0, 2.0, 3.0}, nabla::f64));
  expect_tensor(x.grad(), {2, 3}, {1, 0, 0, 0, 2, 3}, nabla::f64);
  Tensor t = nabla::tensor({{4.0, 1.0, 1.0}, {1.0, 4.0, 4.0}}, nabla::f64).requires_grad_();
  nabla::amin(t, {0, 1}).backward();
  const double third = 1.0 / 3.0;
  expect_tensor(t.grad(), {2, 3}, {0, third, third, third, 0, 0}, nabla::f64);
  // PyTorch: torch.amin(torch.tensor([[True, False], [True, True]]), 1) → [False, True]
  expect_tensor(nabla::amin(nabla::tensor({{1, 0}, {1, 1}}, nabla::bool_), {1}), {2}, {0, 1},
                nabla::bool_);
}

TEST(Amin, ViewsAndGradcheck) {
  const Tensor base = normal({3, 8}, 31);
  const Tensor s = base.slice(1, 1, 8, 2);  // [3,4], stepped
  expect_tensor(nabla::amin(s, {0}), {4}, nabla::amin(s.contiguous(), {0}).to_vector(), nabla::f64);
  // normal values: no ties
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::amin(in[0], {1}); };
  expect_gradients_match(fn, {normal({3, 5}, 32)});
  expect_nonzero_gradient(fn, {normal({3, 5}, 32)});
}

TEST(Amin, RejectsBadDims) {
  EXPECT_THAT(message_of([] { nabla::amin(nabla::zeros({2, 3}), {-3}); }),
              AllOf(HasSubstr("nabla::amin"), HasSubstr("axis -3")));
  EXPECT_THAT(message_of([] { nabla::amin(nabla::zeros({0, 3})); }),
              AllOf(HasSubstr("nabla::amin"), HasSubstr("empty"), HasSubstr("no minimum")));
}

}  // namespace
}  // namespace test_amin
