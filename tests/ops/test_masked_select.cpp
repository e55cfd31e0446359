// Tests of ops/masked_select.cpp: the entries where a bool mask is true, as a 1-d tensor.

#include "ops/op_test_util.hpp"

namespace test_masked_select {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.arange(12, dtype=torch.float64).reshape(3, 4)
//   torch.masked_select(x, torch.tensor([True, False, False, True])).tolist()
//   xr = torch.tensor([1., 2., 3., 4.], dtype=torch.float64, requires_grad=True)
//   m = torch.tensor([[True, False, True, False], [True, True, False, False]])
//   r = torch.masked_select(xr, m); (r * torch.arange(1., 5., dtype=torch.float64)).sum().backward()
TEST(MaskedSelect, ForwardAndGradientMatchPyTorch) {
  for (Dtype d : kDtypes) {
    const Tensor x = nabla::arange(12, d).reshape({3, 4});
    expect_tensor(nabla::masked_select(x, nabla::tensor({1, 0, 0, 1}, nabla::bool_)), {6}, {0, 3, 4, 7, 8, 11}, d);
  }
  Tensor x = nabla::tensor({1.0, 2.0, 3.0, 4.0}, nabla::f64).requires_grad_();
  const Tensor m = nabla::tensor({{1, 0, 1, 0}, {1, 1, 0, 0}}, nabla::bool_);
  const Tensor r = nabla::masked_select(x, m);
  expect_tensor(r, {4}, {1, 3, 1, 2}, nabla::f64);
  nabla::sum(r * nabla::arange(1, 5, 1, nabla::f64)).backward();
  expect_tensor(x.grad(), {4}, {4, 4, 2, 0}, nabla::f64);
}

TEST(MaskedSelect, ViewsAndSecondOrder) {
  const Tensor base = nabla::arange(6, nabla::f64).reshape({2, 3});
  expect_tensor(nabla::masked_select(base.t(), base.t() > 2.5), {3}, {3, 4, 5}, nabla::f64);
  expect_tensor(nabla::masked_select(nabla::tensor({1, 2, 3}, nabla::i32), nabla::tensor({0, 0, 0}, nabla::bool_)),
                {0}, {}, nabla::i32);
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    const Tensor r = nabla::masked_select(in[0], nabla::tensor({{1}, {0}, {1}}, nabla::bool_));
    return r * r;
  };
  expect_gradients_match(fn, {normal({3, 2}, 10)});
  expect_nonzero_gradient(fn, {normal({3, 2}, 10)});
}

TEST(MaskedSelect, RejectsBadArguments) {
  const Tensor x = nabla::zeros({3, 4});
  EXPECT_THAT(message_of([&] { nabla::masked_select(Tensor(), nabla::ones({4}, nabla::bool_)); }),
              HasSubstr("nabla::masked_select"));
  EXPECT_THAT(message_of([&] { nabla::masked_select(x, nabla::ones({4}, nabla::u8)); }),
              AllOf(HasSubstr("nabla::masked_select"), HasSubstr("mask must be a bool tensor"), HasSubstr("uint8")));
  EXPECT_THAT(message_of([&] { nabla::masked_select(x, nabla::ones({3}, nabla::bool_)); }),
              AllOf(HasSubstr("nabla::masked_select"), HasSubstr("[3, 4]"), HasSubstr("[3]")));
}

}  // namespace
}  // namespace test_masked_select
