// Tests of ops/gelu_backward.cpp: gelu's rule as an op of its own.

#include "ops/activation_test_util.hpp"

namespace test_gelu_backward {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(GeluBackward, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // gelu'(0) = Φ(0) = ½; gelu'(√2) = Φ(√2) + √2·φ(√2) = ½(1 + erf 1) + √2·e⁻¹/√(2π)
    const double s2 = std::sqrt(2.0);
    const double at_s2 = 0.5 * (1 + std::erf(1.0)) + s2 * std::exp(-1.0) / std::sqrt(2 * M_PI);
    const Tensor g = nabla::tensor({2.0, 3.0}, d);
    expect_tensor(nabla::gelu_backward(g, nabla::tensor({0.0, s2}, d)), {2}, {1.0, 3 * at_s2}, d);
    // tanh form: at 0, ½(1 + tanh 0) = ½
    expect_tensor(nabla::gelu_backward(g, nabla::zeros({2}, d), "tanh"), {2}, {1.0, 1.5}, d);
  }
}

TEST(GeluBackward, MatchesTheGradientOfGelu) {
  for (const char* a : {"none", "tanh"}) {
    SCOPED_TRACE(a);
    Tensor x = normal({5}, 2).requires_grad_();
    const Tensor w = uniform({5}, 0.5, 1.5, 4);
    nabla::gelu(x, a).backward(w);
    const auto direct = nabla::gelu_backward(w, x.detach(), a).to_vector();
    const auto via_graph = x.grad().to_vector();
    for (std::size_t i = 0; i < 5; ++i) EXPECT_DOUBLE_EQ(direct[i], via_graph[i]);
  }
}

TEST(GeluBackward, TanhFormMatchesFiniteDifferences) {
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::gelu_backward(in[0], in[1], "tanh");
  };
  expect_gradients_match(fn, {normal({3, 4}, 5), normal({3, 4}, 6)});
  expect_nonzero_gradient(fn, {normal({3, 4}, 5), normal({3, 4}, 6)});
}

TEST(GeluBackward, RejectsBadInputs) {
  const Tensor x = nabla::ones({2});
  EXPECT_THAT(message_of([&] { nabla::gelu_backward(x, x, "fast"); }),
              AllOf(HasSubstr("nabla::gelu_backward"), HasSubstr("\"fast\"")));
  EXPECT_THAT(message_of([&] { nabla::gelu_backward(x, nabla::ones({3})); }),
              AllOf(HasSubstr("[2]"), HasSubstr("[3]")));
  EXPECT_THAT(message_of([&] {
                nabla::gelu_backward(x, nabla::tensor({1, 2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::gelu_backward"), HasSubstr("int64")));
  EXPECT_THAT(message_of([&] {
                nabla::gelu_backward(nabla::tensor({1, 0}, nabla::bool_), x);
              }),
              AllOf(HasSubstr("nabla::gelu_backward"), HasSubstr("bool")));
}

}  // namespace
}  // namespace test_gelu_backward
