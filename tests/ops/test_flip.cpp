// Tests of ops/flip.cpp: x reversed along axes.

#include "ops/op_test_util.hpp"

namespace test_flip {
namespace {

using namespace nabla_test;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.arange(12, dtype=torch.float64).reshape(3, 4)
//   torch.flip(x, [0, 1]).flatten().tolist(); torch.flip(x, [-1]).flatten().tolist()
TEST(Flip, ForwardMatchesPyTorch) {
  for (Dtype d : {nabla::f32, nabla::f64, nabla::i64, nabla::bool_}) {
    const Tensor x = nabla::arange(12, nabla::f64).reshape({3, 4}).to(d);
    const Tensor both = nabla::flip(x, {0, 1});
    const Tensor last = nabla::flip(x, {-1});
    const Tensor want_both = nabla::tensor({11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, {3, 4}, nabla::f64).to(d);
    const Tensor want_last = nabla::tensor({3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8}, {3, 4}, nabla::f64).to(d);
    expect_tensor(both, {3, 4}, want_both.to_vector(), d);
    expect_tensor(last, {3, 4}, want_last.to_vector(), d);
  }
  expect_tensor(nabla::flip(nabla::scalar_tensor(3, nabla::f64), {0}), {}, {3}, nabla::f64);
}

TEST(Flip, ViewsAndGradients) {
  const Tensor base = nabla::arange(6, nabla::f64).reshape({2, 3});
  expect_tensor(nabla::flip(base.t(), {0}), {3, 2}, {2, 5, 1, 4, 0, 3}, nabla::f64);
  expect_tensor(nabla::flip(base.slice(1, 0, std::nullopt, 2), {1}), {2, 2}, {2, 0, 5, 3}, nabla::f64);
  Tensor x = nabla::zeros({3}, nabla::f64).requires_grad_();
  nabla::flip(x, {0}).backward(nabla::tensor({1.0, 2.0, 3.0}, nabla::f64));
  expect_tensor(x.grad(), {3}, {3, 2, 1}, nabla::f64);
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    const Tensor r = nabla::flip(in[0], {1, 2});
    return r * in[0];
  };
  expect_gradients_match(fn, {normal({2, 3, 2}, 11)});
  expect_nonzero_gradient(fn, {normal({2, 3, 2}, 11)});
}

TEST(Flip, RejectsBadArguments) {
  const Tensor x = nabla::zeros({3, 4});
  EXPECT_THAT(message_of([&] { nabla::flip(Tensor(), {0}); }), HasSubstr("nabla::flip"));
  EXPECT_THROW(nabla::flip(x, {2}), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::flip(x, {0, -2}); }),
              AllOf(HasSubstr("nabla::flip"), HasSubstr("more than once"), HasSubstr("[0, -2]")));
}

}  // namespace
}  // namespace test_flip
