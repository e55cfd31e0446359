// Tests of ops/roll.cpp: cyclic shifts along axes, or of the flattened tensor.

#include "ops/op_test_util.hpp"

namespace test_roll {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.arange(12, dtype=torch.float64).reshape(3, 4)
//   torch.roll(x, [1, -1], [0, 1]); torch.roll(x, 5); torch.roll(x, [1, 1], [1, 1])
TEST(Roll, ForwardMatchesPyTorch) {
  for (Dtype d : {nabla::f32, nabla::f64, nabla::i32}) {
    const Tensor x = nabla::arange(12, d).reshape({3, 4});
    expect_tensor(nabla::roll(x, {1, -1}, {0, 1}), {3, 4}, {9, 10, 11, 8, 1, 2, 3, 0, 5, 6, 7, 4}, d);
    expect_tensor(nabla::roll(x, {5}), {3, 4}, {7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6}, d);
    expect_tensor(nabla::roll(x, {1, 1}, {1, 1}), {3, 4}, {2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9}, d);
    expect_tensor(nabla::roll(x, {-13}, {-1}), {3, 4}, {1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8}, d);
  }
}

TEST(Roll, ViewsAndGradients) {
  const Tensor base = nabla::arange(6, nabla::f64).reshape({2, 3});
  expect_tensor(nabla::roll(base.t(), {1}, {0}), {3, 2}, {2, 5, 0, 3, 1, 4}, nabla::f64);
  expect_tensor(nabla::roll(base.t(), {1}), {3, 2}, {5, 0, 3, 1, 4, 2}, nabla::f64);
  Tensor x = nabla::zeros({3}, nabla::f64).requires_grad_();
  nabla::roll(x, {1}, {0}).backward(nabla::tensor({1.0, 2.0, 3.0}, nabla::f64));
  expect_tensor(x.grad(), {3}, {2, 3, 1}, nabla::f64);
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::roll(in[0], {2, -1}, {0, 1}) * in[0];
  };
  expect_gradients_match(fn, {normal({3, 3}, 12)});
  expect_nonzero_gradient(fn, {normal({3, 3}, 12)});
}

TEST(Roll, RejectsBadArguments) {
  const Tensor x = nabla::zeros({3, 4});
  EXPECT_THAT(message_of([&] { nabla::roll(Tensor(), {1}); }), HasSubstr("nabla::roll"));
  EXPECT_THAT(message_of([&] { nabla::roll(x, {1, 2}); }),
              AllOf(HasSubstr("nabla::roll"), HasSubstr("one entry"), HasSubstr("[1, 2]")));
  EXPECT_THAT(message_of([&] { nabla::roll(x, {1}, {0, 1}); }), HasSubstr("same length"));
  EXPECT_THROW(nabla::roll(x, {1}, {5}), std::out_of_range);
}

}  // namespace
}  // namespace test_roll
