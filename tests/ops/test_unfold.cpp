// Tests of ops/unfold.cpp: im2col against PyTorch, its adjoint fold, views and bad arguments.

#include <nabla/conv.hpp>

#include "ops/conv_test_util.hpp"

namespace test_unfold {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), with
//   def v(shape, seed): torch.tensor([((i*7 + seed*3) % 11 - 5) / 4.0 for i in range(n)],
//                                    dtype=torch.float64).reshape(shape)   (n = numel)
//   ins = [v(s, k + 1).requires_grad_() for k, s in enumerate(shapes)]; y = fn(*ins)
//   (y * v(y.shape, 9)).sum().backward(); y.tolist(), [t.grad.tolist() for t in ins]
// fn = lambda x: F.unfold(x, 2, padding=1, stride=2), shapes (1, 2, 3, 4)
TEST(Unfold, MatchesPyTorch) {
  expect_conv_case(
      [](const std::vector<Tensor>& in) { return nabla::unfold(in[0], 2, 1, 1, 2); },
      {{1, 2, 3, 4}}, {1, 8, 6},
      {0.0, 0.0,  0.0,   0.0, 0.0,   0.75,  0.0,  0.0,   0.0, 1.0,   -1.0, 0.0,
       0.0, 1.25, -0.75, 0.0, -1.25, -0.5,  -0.5, 0.25,  0.0, -0.25, 0.5,  0.0,
       0.0, 0.0,  0.0,   0.0, -1.0,  -0.25, 0.0,  0.0,   0.0, 0.0,   0.75, 0.0,
       0.0, 0.25, 1.0,   0.0, 0.5,   1.25,  1.25, -0.75, 0.0, -1.25, -0.5, 0.0},
      {{1.25,  0.75,  0.25, -0.25, -0.75, -1.25, 1.0,  0.5,  1.0,  0.5,  0.0,  -0.5,
        -0.75, -1.25, 1.0,  0.5,   0.0,   -0.5,  -1.0, 1.25, -1.0, 1.25, 0.75, 0.25}});
}

TEST(Unfold, UnbatchedAndViews) {
  const Tensor x = nabla::slice(normal({2, 5, 8}, 1), 2, 0, std::nullopt, 2);  // [2,5,4] stepped
  const Tensor got = nabla::unfold(x, {2, 3}, 1, {0, 1});
  const Tensor want = nabla::squeeze(
      nabla::unfold(nabla::unsqueeze(nabla::contiguous(x), 0), {2, 3}, 1, {0, 1}), 0);
  ASSERT_EQ(got.shape(), (Shape{12, 16}));
  expect_tensor(got, want.shape(), want.to_vector(), nabla::f64);
}

TEST(Unfold, FoldIsItsAdjoint) {
  // <unfold(x), c> = <x, fold(c)>
  const Tensor x = normal({2, 3, 5, 6}, 2);
  const Tensor u = nabla::unfold(x, {3, 2}, {1, 2}, {1, 0}, {2, 1});
  const Tensor c = normal(u.shape(), 3);
  const Tensor f = nabla::fold(c, {5, 6}, {3, 2}, {1, 2}, {1, 0}, {2, 1});
  EXPECT_NEAR(nabla::sum(nabla::mul(u, c)).item<double>(),
              nabla::sum(nabla::mul(x, f)).item<double>(), 1e-9);
  const std::vector<Tensor> in = {normal({1, 2, 4, 3}, 4).requires_grad_()};
  const auto fn = [](const std::vector<Tensor>& t) { return nabla::unfold(t[0], 2, 1, 1, {1, 2}); };
  {
    const auto r = nabla::gradgradcheck(fn, in);
    EXPECT_TRUE(r.passed) << r.message;
  }
}

TEST(Unfold, RejectsBadArguments) {
  const Tensor x = nabla::zeros({1, 2, 3, 4});
  EXPECT_THAT(message_of([&] {
                nabla::unfold(nabla::zeros({3, 4}), 2);
              }),
              AllOf(HasSubstr("nabla::unfold"), HasSubstr("[3, 4]")));
  EXPECT_THAT(message_of([&] {
                nabla::unfold(x, {0, 2});
              }),
              HasSubstr("kernel_size must be ≥ 1, got (0, 2)"));
  EXPECT_THAT(message_of([&] { nabla::unfold(x, 2, 0); }), HasSubstr("dilation must be ≥ 1"));
  EXPECT_THAT(message_of([&] { nabla::unfold(x, 2, 1, -1); }), HasSubstr("padding must be ≥ 0"));
  EXPECT_THAT(message_of([&] {
                nabla::unfold(x, 2, 1, 0, {1, 0});
              }),
              HasSubstr("stride must be ≥ 1"));
  EXPECT_THAT(message_of([&] { nabla::unfold(x, 4); }),
              AllOf(HasSubstr("kernel (4, 4)"), HasSubstr("padded input (3, 4)"),
                    HasSubstr("[1, 2, 3, 4]")));
  EXPECT_THAT(message_of([&] {
                nabla::unfold(nabla::zeros({1, 2, 3, 4}, nabla::i64), 2);
              }),
              AllOf(HasSubstr("nabla::unfold"), HasSubstr("int64")));
}

}  // namespace
}  // namespace test_unfold
