// Tests of ops/hardtanh.cpp: min(max(x, min_val), max_val).

#include "ops/activation_test_util.hpp"

namespace test_hardtanh {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([-inf, -1000, -1, 0, 1, 1000, inf, nan], dtype=torch.float64,
//                    requires_grad=True)
//   y = F.hardtanh(x) (and F.hardtanh(x, -2.0, 3.0)); y.sum().backward(); y, x.grad
// The gradient is 0 at the bounds (x = ±1 in the first) and at NaN; torch's vectorized
// float32 kernel gives 1 at NaN instead, nabla gives the float64 answer in both dtypes.
TEST(Hardtanh, EdgesMatchPyTorch) {
  expect_edges([](const Tensor& x) { return nabla::hardtanh(x); },
               {-1.0, -1.0, -1.0, 0.0, 1.0, 1.0, 1.0, kNaN},
               {0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0});
  expect_edges([](const Tensor& x) { return nabla::hardtanh(x, -2.0, 3.0); },
               {-2.0, -2.0, -1.0, 0.0, 1.0, 3.0, 3.0, kNaN},
               {0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0});
}

TEST(Hardtanh, GradientAtTheBoundsIsZero) {
  // F.hardtanh(torch.tensor([-2., 3.], requires_grad=True), -2., 3.): grad [0, 0]
  const auto g = grad_at([](const Tensor& x) { return nabla::hardtanh(x, -2.0, 3.0); },
                         {-2.0, 3.0, -1.999, 2.999});
  EXPECT_EQ(g, (std::vector<double>{0.0, 0.0, 1.0, 1.0}));
}

TEST(Hardtanh, EqualBoundsGiveTheBound) {
  // F.hardtanh(x, 1., 1.) is 1 everywhere
  expect_tensor(nabla::hardtanh(nabla::tensor({-3.0, 5.0}), 1.0, 1.0), {2}, {1, 1}, nabla::f32);
}

TEST(Hardtanh, RejectsMinAboveMax) {
  // torch 1.13 returns max_val everywhere here; nabla refuses, naming both values
  const Tensor x = nabla::ones({2});
  EXPECT_THROW(nabla::hardtanh(x, 1.0, 0.5), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::hardtanh(x, 1.0, 0.5); }),
              AllOf(HasSubstr("nabla::hardtanh"), HasSubstr("1"), HasSubstr("0.5")));
}

TEST(Hardtanh, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::hardtanh(x); }, "hardtanh");
}

}  // namespace
}  // namespace test_hardtanh
