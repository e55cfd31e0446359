// Tests of ops/gelu.cpp: x·Φ(x), and its tanh approximation.

#include "ops/activation_test_util.hpp"

namespace test_gelu {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Values recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([-inf, -1000, -1, 0, 1, 1000, inf, nan], dtype=torch.float64,
//                    requires_grad=True)
//   y = F.gelu(x) (or F.gelu(x, approximate='tanh')); y.sum().backward(); y, x.grad
TEST(Gelu, EdgesMatchPyTorch) {
  expect_edges([](const Tensor& x) { return nabla::gelu(x); },
               {kNaN, -0.0, -0.15865525393145702, 0.0, 0.841344746068543, 1000.0, kInf, kNaN},
               {kNaN, 0.0, -0.08331547058768635, 0.5, 1.0833154705876864, 1.0, kNaN, kNaN});
}

TEST(Gelu, TanhEdgesMatchPyTorch) {
  expect_edges([](const Tensor& x) { return nabla::gelu(x, "tanh"); },
               {kNaN, -0.0, -0.1588080093917233, 0.0, 0.8411919906082768, 1000.0, kInf, kNaN},
               {kNaN, 0.0, -0.08296408384578258, 0.5, 1.0829640838457826, 1.0, kNaN, kNaN});
}

TEST(Gelu, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // gelu(√2) = ½√2(1 + erf 1) = (1 + erf 1)/√2, and gelu(−√2) = ½(−√2)(1 − erf 1)
    // = −(1 − erf 1)/√2
    const double s2 = std::sqrt(2.0), e1 = std::erf(1.0);
    expect_tensor(nabla::gelu(nabla::tensor({s2, -s2}, d)), {2}, {(1 + e1) / s2, -(1 - e1) / s2},
                  d);
  }
}

TEST(Gelu, SecondDerivativeMatchesFiniteDifferences) {
  for (const char* a : {"none", "tanh"}) {
    SCOPED_TRACE(a);
    const nabla::Function fn = [a](const std::vector<Tensor>& in) { return nabla::gelu(in[0], a); };
    expect_gradients_match(fn, {normal({2, 3}, 3)});
    expect_nonzero_gradient(fn, {normal({2, 3}, 3)});
  }
}

TEST(Gelu, GradFnIsGelu) {
  Tensor x = nabla::ones({2}).requires_grad_();
  EXPECT_EQ(nabla::gelu(x).grad_fn()->name(), "gelu");
}

TEST(Gelu, RejectsAnUnknownApproximation) {
  const Tensor x = nabla::ones({2});
  EXPECT_THROW(nabla::gelu(x, "erf"), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::gelu(x, "erf"); }),
              AllOf(HasSubstr("nabla::gelu"), HasSubstr("\"erf\""), HasSubstr("\"tanh\"")));
}

TEST(Gelu, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::gelu(x); }, "gelu");
}

TEST(Gelu, Float32AgreesWithFloat64) {
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return nabla::gelu(in[0], "tanh"); },
                         {normal({3, 4}, 11)});
}

}  // namespace
}  // namespace test_gelu
