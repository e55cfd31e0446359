// Tests of ops/repeat.cpp: x.repeat(repeats), x tiled along each axis.

#include "ops/op_test_util.hpp"

namespace test_repeat {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   v = torch.tensor([[1., 2.], [3., 4.]], dtype=torch.float64)
//   v.repeat(2, 1, 2).flatten().tolist()
//   vr = v.clone().requires_grad_()
//   (vr.repeat(1, 3) * torch.arange(1., 13., dtype=torch.float64).reshape(2, 6)).sum().backward()
TEST(Repeat, ForwardAndGradientMatchPyTorch) {
  for (Dtype d : {nabla::f32, nabla::f64, nabla::i64}) {
    const Tensor v = nabla::tensor({{1, 2}, {3, 4}}, d);
    expect_tensor(nabla::repeat(v, {2, 1, 2}), {2, 2, 4}, {1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4}, d);
    expect_tensor(nabla::repeat(v, {0, 1}), {0, 2}, {}, d);
  }
  Tensor v = nabla::tensor({{1, 2}, {3, 4}}, nabla::f64).requires_grad_();
  nabla::sum(nabla::repeat(v, {1, 3}) * nabla::arange(1, 13, 1, nabla::f64).reshape({2, 6})).backward();
  expect_tensor(v.grad(), {2, 2}, {9, 12, 27, 30}, nabla::f64);
}

TEST(Repeat, ViewsAndSecondOrder) {
  const Tensor base = nabla::tensor({{1, 2, 3}, {4, 5, 6}}, nabla::f64);
  expect_tensor(nabla::repeat(base.t(), {1, 2}), {3, 4}, {1, 4, 1, 4, 2, 5, 2, 5, 3, 6, 3, 6}, nabla::f64);
  expect_tensor(nabla::repeat(nabla::scalar_tensor(2, nabla::f64), {3}), {3}, {2, 2, 2}, nabla::f64);
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    const Tensor r = nabla::repeat(in[0], {2, 2});
    return r * r;
  };
  expect_gradients_match(fn, {normal({2, 3}, 13)});
  expect_nonzero_gradient(fn, {normal({2, 3}, 13)});
}

TEST(Repeat, RejectsBadArguments) {
  const Tensor x = nabla::zeros({3, 4});
  EXPECT_THAT(message_of([&] { nabla::repeat(Tensor(), {1}); }), HasSubstr("nabla::repeat"));
  EXPECT_THAT(message_of([&] { nabla::repeat(x, {2}); }),
              AllOf(HasSubstr("nabla::repeat"), HasSubstr("fewer than x's rank 2")));
  EXPECT_THAT(message_of([&] { nabla::repeat(x, {2, -1}); }), HasSubstr("negative entry -1"));
}

}  // namespace
}  // namespace test_repeat
