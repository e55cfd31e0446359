// Tests of ops/glu.cpp: a ⊙ σ(b), the halves of x along dim.

#include "ops/activation_test_util.hpp"

namespace test_glu {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([[1., -2., 0.5, 3.]], dtype=torch.float64, requires_grad=True)
//   y = F.glu(x); y.sum().backward(); y, x.grad
TEST(Glu, MatchesPyTorch) {
  Tensor x = nabla::tensor({{1.0, -2.0, 0.5, 3.0}}, nabla::f64).requires_grad_();
  const Tensor y = nabla::glu(x);
  expect_tensor(y, {1, 2}, {0.6224593312018546, -1.9051482536448667}, nabla::f64);
  EXPECT_EQ(y.grad_fn()->name(), "glu");
  nabla::sum(y).backward();
  expect_tensor(x.grad(), {1, 4},
                {0.6224593312018546, 0.9525741268224334, 0.2350037122015945, -0.090353319461824},
                nabla::f64);
}

// Recorded as above with x = [[1000, -1000, inf, nan], [-1000, 1000, -inf, 0]] and
// F.glu(x, 0): y [[0, -1000, nan, nan]], x.grad [[0, 1, 0, 0.5], [0, -0, nan, nan]]
TEST(Glu, EdgesMatchPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    Tensor x = nabla::tensor({{1000.0, -1000.0, kInf, kNaN}, {-1000.0, 1000.0, -kInf, 0.0}}, d)
                   .requires_grad_();
    const Tensor y = nabla::glu(x, 0);
    expect_tensor(y, {1, 4}, {0, -1000, kNaN, kNaN}, d);
    nabla::sum(y).backward();
    expect_tensor(x.grad(), {2, 4}, {0, 1, 0, 0.5, 0, 0, kNaN, kNaN}, d);
  }
}

TEST(Glu, ViewsAndOtherAxesMatchFiniteDifferences) {
  const nabla::Function mid = [](const std::vector<Tensor>& in) { return nabla::glu(in[0], 1); };
  expect_gradients_match(mid, {normal({2, 4, 3}, 3)});
  expect_nonzero_gradient(mid, {normal({2, 4, 3}, 3)});
  // a transposed input: halves of the strided axis
  const nabla::Function transposed = [](const std::vector<Tensor>& in) {
    return nabla::glu(in[0].t(), -1);
  };
  expect_gradients_match(transposed, {normal({4, 3}, 5)});
}

TEST(Glu, RejectsAnOddAxis) {
  // F.glu(torch.zeros(2, 3), 1): "Halving dimension must be even, but dimension 1 is size 3"
  const Tensor x = nabla::zeros({2, 3});
  EXPECT_THROW(nabla::glu(x), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::glu(x); }),
              AllOf(HasSubstr("nabla::glu"), HasSubstr("axis -1"), HasSubstr("[2, 3]"),
                    HasSubstr("size 3")));
  EXPECT_THAT(message_of([] { nabla::glu(nabla::scalar_tensor(1.0)); }), HasSubstr("0-d"));
  EXPECT_THROW(nabla::glu(x, 2), std::out_of_range);
}

TEST(Glu, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::glu(x); }, "glu");
}

}  // namespace
}  // namespace test_glu
