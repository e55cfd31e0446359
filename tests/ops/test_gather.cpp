// Tests of ops/gather.cpp: entries picked along an axis by an index of the result's shape.

#include "ops/op_test_util.hpp"

namespace test_gather {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.arange(12, dtype=torch.float64).reshape(3, 4)
//   torch.gather(x, 1, torch.tensor([[3, 0], [1, 1]])).flatten().tolist()
//   xr = x.clone().requires_grad_(); w = torch.tensor([[1., 2.], [3., 4.]], dtype=torch.float64)
//   (torch.gather(xr, 1, torch.tensor([[3, 0], [1, 1]])) * w).sum().backward(); xr.grad
TEST(Gather, ForwardAndGradientMatchPyTorch) {
  for (Dtype d : kDtypes) {
    const Tensor x = nabla::arange(12, d).reshape({3, 4});
    for (Dtype id : {nabla::i64, nabla::i32})
      expect_tensor(nabla::gather(x, 1, nabla::tensor({{3, 0}, {1, 1}}, id)), {2, 2}, {3, 0, 5, 5}, d);
  }
  Tensor x = nabla::arange(12, nabla::f64).reshape({3, 4}).requires_grad_();
  const Tensor w = nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, nabla::f64);
  nabla::sum(nabla::gather(x, 1, nabla::tensor({{3, 0}, {1, 1}}, nabla::i64)) * w).backward();
  expect_tensor(x.grad(), {3, 4}, {2, 0, 0, 1, 0, 7, 0, 0, 0, 0, 0, 0}, nabla::f64);
}

TEST(Gather, ViewsAndZeroD) {
  const Tensor base = nabla::arange(12, nabla::f64).reshape({3, 4});
  // x a transpose [4,3], index a transpose too
  const Tensor idx = nabla::tensor({{2, 0}, {1, 1}}, nabla::i64).t();  // [[2, 1], [0, 1]]
  expect_tensor(nabla::gather(base.t(), 0, idx), {2, 2}, {2, 5, 0, 5}, nabla::f64);
  expect_tensor(nabla::gather(base.slice(1, 1, std::nullopt, 2), -1, nabla::tensor({{1}}, nabla::i32)), {1, 1},
                {3}, nabla::f64);
  expect_tensor(nabla::gather(nabla::scalar_tensor(7, nabla::f64), 0, nabla::tensor(0, nabla::i64)), {}, {7},
                nabla::f64);
}

TEST(Gather, GradientsAndSecondOrderMatchFiniteDifferences) {
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    const Tensor r = nabla::gather(in[0], 0, nabla::tensor({{1, 0, 1}, {1, 1, 1}}, nabla::i64));
    return r * r;
  };
  expect_gradients_match(fn, {normal({2, 3}, 6)});
  expect_nonzero_gradient(fn, {normal({2, 3}, 6)});
}

TEST(Gather, RejectsBadArguments) {
  const Tensor x = nabla::zeros({3, 4});
  EXPECT_THAT(message_of([&] { nabla::gather(Tensor(), 0, nabla::tensor({{0}}, nabla::i64)); }),
              HasSubstr("nabla::gather"));
  EXPECT_THROW(nabla::gather(x, 2, nabla::tensor({{0}}, nabla::i64)), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::gather(x, 1, nabla::tensor({{0}}, nabla::u8)); }),
              AllOf(HasSubstr("int64 or int32"), HasSubstr("uint8")));
  EXPECT_THAT(message_of([&] { nabla::gather(x, 1, nabla::tensor({0, 1}, nabla::i64)); }),
              AllOf(HasSubstr("nabla::gather"), HasSubstr("rank 2")));
  EXPECT_THAT(message_of([&] { nabla::gather(x, 1, nabla::tensor({{0}, {1}, {2}, {0}}, nabla::i64)); }),
              AllOf(HasSubstr("larger than x"), HasSubstr("dimension 0")));
  EXPECT_THAT(message_of([&] { nabla::gather(x, 1, nabla::tensor({{0, 1}, {2, -1}}, nabla::i64)); }),
              AllOf(HasSubstr("value -1 at position [1, 1]"), HasSubstr("[0, 4)")));
  EXPECT_THROW(nabla::gather(x, 0, nabla::tensor({{3}}, nabla::i64)), std::out_of_range);
}

}  // namespace
}  // namespace test_gather
