// Tests of ops/relu6.cpp: min(max(x, 0), 6).

#include "ops/activation_test_util.hpp"

namespace test_relu6 {
namespace {

using namespace nabla_test;
using nabla::Tensor;

// Recorded from PyTorch (python3-torch 1.13.1, float64):
//   x = torch.tensor([-inf, -1000, -1, 0, 1, 1000, inf, nan], dtype=torch.float64,
//                    requires_grad=True); y = F.relu6(x); y.sum().backward(); y, x.grad
// (0 at the kink 0 and at NaN; torch's float32 kernel gives 1 at NaN, nabla 0 in both)
TEST(Relu6, EdgesMatchPyTorch) {
  expect_edges([](const Tensor& x) { return nabla::relu6(x); },
               {0.0, 0.0, 0.0, 0.0, 1.0, 6.0, 6.0, kNaN}, {0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0});
}

TEST(Relu6, GradientAtTheKinksIsZero) {
  // F.relu6(torch.tensor([0., 6.], requires_grad=True)): grad [0, 0]
  const auto g = grad_at([](const Tensor& x) { return nabla::relu6(x); }, {0.0, 6.0, 0.001, 5.999});
  EXPECT_EQ(g, (std::vector<double>{0.0, 0.0, 1.0, 1.0}));
}

TEST(Relu6, ForwardByHand) {
  for (Dtype d : kDtypes) {
    expect_tensor(nabla::relu6(nabla::tensor({{-2.0, 2.5}, {6.5, 6.0}}, d)), {2, 2}, {0, 2.5, 6, 6},
                  d);
  }
  Tensor x = nabla::ones({2}).requires_grad_();
  EXPECT_EQ(nabla::relu6(x).grad_fn()->name(), "relu6");
}

TEST(Relu6, RejectsNonFloating) {
  expect_rejects_non_floating([](const Tensor& x) { return nabla::relu6(x); }, "relu6");
}

}  // namespace
}  // namespace test_relu6
