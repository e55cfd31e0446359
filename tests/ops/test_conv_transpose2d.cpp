// Tests of ops/conv_transpose2d.cpp: the transposed convolution against PyTorch, views, gradients
// and bad arguments.

#include <nabla/conv.hpp>

#include "ops/conv_test_util.hpp"

namespace test_conv_transpose2d {
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
// fn = lambda z, w, b: F.conv_transpose2d(z, w, b, stride=2, padding=1, output_padding=1),
// shapes (1, 2, 2, 3), (2, 3, 3, 3), (3,)
TEST(ConvTranspose2d, StridePaddingOutputPaddingMatchPyTorch) {
  expect_conv_case(
      [](const std::vector<Tensor>& in) {
        return nabla::conv_transpose2d(in[0], in[1], in[2], 2, 1, 1);
      },
      {{1, 2, 2, 3}, {2, 3, 3, 3}, {3}}, {1, 3, 4, 6},
      {2.0,     -0.25, -0.625,  2.75,   0.875,  0.875,  3.25,   1.0625,  -2.0,    2.25,   1.0,
       1.5,     2.375, -0.875,  -0.25,  2.125,  1.25,   0.375,  2.875,   -0.75,   -0.625, 1.875,
       1.375,   0.5,   0.75,    -1.625, 0.3125, 0.25,   0.5625, -0.125,  -1.3125, -3.375, 2.625,
       0.375,   0.375, -0.5,    0.8125, -1.5,   0.375,  0.375,  0.625,   -0.25,   -2.125, -1.375,
       1.375,   0.125, -0.625,  -0.125, -1.875, 0.4375, -0.125, -1.5625, -1.125,  -1.125, -3.125,
       -0.9375, 0.375, -2.1875, -1.625, -1.125, -2.125, 0.625,  -0.375,  -1.375,  -1.375, -0.875,
       -1.625,  0.75,  -0.75,   -1.625, -1.25,  -0.75},
      {{0.9375, -2.6875, 2.9375, 2.8125, 0.25, -2.1875, -1.125, -0.375, -1.0625, -0.5, 2.1875,
        -3.875},
       {1.25,   0.625,  -1.6875, -0.5625, 1.125,  -1.5,   1.625,   -0.875,  -0.75,
        -0.75,  0.8125, 0.5625,  -1.4375, -1.375, 1.5,    0.0625,  1.4375,  -1.1875,
        0.0,    -1.75,  0.75,    0.4375,  0.9375, 1.75,   -0.8125, -1.0625, 1.125,
        1.0,    0.25,   -1.9375, 0.3125,  1.75,   -0.625, 0.75,    -1.5,    -1.125,
        -0.375, 0.6875, 0.5625,  -0.6875, -1.625, 1.5,    0.4375,  1.3125,  -1.0625,
        -0.375, -1.625, 1.0,     -0.3125, 1.1875, 0.875,  -0.5625, -0.6875, 1.75},
       {-1.0, 0.5, -0.75}});
}

// As above with fn = lambda z, w: F.conv_transpose2d(z, w, None, stride=1, output_padding=1,
// groups=2, dilation=2), shapes (1, 2, 2, 2), (2, 1, 2, 2): output_padding 1 ≥ stride 1 is
// allowed by dilation 2
TEST(ConvTranspose2d, GroupsDilationMatchPyTorch) {
  expect_conv_case(
      [](const std::vector<Tensor>& in) {
        return nabla::conv_transpose2d(in[0], in[1], Tensor(), 1, 0, 1, 2, 2);
      },
      {{1, 2, 2, 2}, {2, 1, 2, 2}}, {1, 2, 5, 5},
      {-0.125, 0.3125,  0.375, -0.9375, 0.0, 0.0625, -0.1875, -0.1875, 0.5625, 0.0,
       -0.5,   1.25,    0.0,   0.0,     0.0, 0.25,   -0.75,   0.0,     0.0,    0.0,
       0.0,    0.0,     0.0,   0.0,     0.0, -1.0,   0.0,     0.75,    0.0,    0.0,
       1.0,    -0.75,   -0.75, 0.5625,  0.0, -0.25,  0.0,     -1.25,   0.0,    0.0,
       0.25,   -0.1875, 1.25,  -0.9375, 0.0, 0.0,    0.0,     0.0,     0.0,    0.0},
      {{0.4375, -0.0625, -2.0625, 0.1875, 2.0, 0.3125, 1.125, -0.5625},
       {-0.75, -0.5625, -1.1875, 0.375, -1.0625, -0.5, -0.3125, 0.25}});
}

TEST(ConvTranspose2d, IsTheAdjointOfConv2d) {
  // <conv2d(x, w), z> = <x, conv_transpose2d(z, w)> for the same stride, padding, dilation
  const Tensor x = normal({2, 4, 8, 6}, 1), w = normal({6, 2, 3, 2}, 2);
  const Tensor y = nabla::conv2d(x, w, {}, {2, 1}, {1, 0}, {1, 2}, 2);
  const Tensor z = normal(y.shape(), 3);
  // output_padding from the size rule (o − 1)·s − 2p + d·(k − 1) + op + 1 = x's extent:
  // 1 along H (8 = 3·2 − 2 + 2 + 1 + 1), 0 along W
  const std::int64_t op_h = 8 - ((y.size(2) - 1) * 2 - 2 + 2 + 1);
  const std::int64_t op_w = 6 - ((y.size(3) - 1) * 1 - 0 + 2 * 1 + 1);
  const Tensor xt = nabla::conv_transpose2d(z, w, {}, {2, 1}, {1, 0}, {op_h, op_w}, 2, {1, 2});
  ASSERT_EQ(xt.shape(), x.shape());
  EXPECT_EQ(op_h, 1);
  EXPECT_NEAR(nabla::sum(nabla::mul(y, z)).item<double>(),
              nabla::sum(nabla::mul(x, xt)).item<double>(), 1e-9);
}

TEST(ConvTranspose2d, ViewsAndUnbatchedInput) {
  const Tensor zt = nabla::transpose(normal({3, 4, 5}, 4), 1, 2);  // [3,5,4] unbatched
  const Tensor w = normal({3, 2, 2, 2}, 5);
  const Tensor got = nabla::conv_transpose2d(zt, w, normal({2}, 6), 2);
  const Tensor want = nabla::conv_transpose2d(nabla::contiguous(zt), w, normal({2}, 6), 2);
  ASSERT_EQ(got.shape(), (Shape{2, 10, 8}));
  expect_tensor(got, want.shape(), want.to_vector(), nabla::f64);
}

TEST(ConvTranspose2d, GradientsPassGradcheckAndGradgradcheck) {
  const std::vector<Tensor> in = {normal({2, 4, 3, 2}, 21).requires_grad_(),
                                  normal({4, 1, 2, 3}, 22).requires_grad_(),
                                  normal({2}, 23).requires_grad_()};
  const auto f = [](const std::vector<Tensor>& t) {
    return nabla::conv_transpose2d(t[0], t[1], t[2], {2, 1}, {1, 0}, {1, 0}, 2, {1, 2});
  };
  {
    const auto r = nabla::gradcheck(f, in);
    EXPECT_TRUE(r.passed) << r.message;
  }
  {
    const auto r = nabla::gradgradcheck(f, in);
    EXPECT_TRUE(r.passed) << r.message;
  }
}

TEST(ConvTranspose2d, RejectsBadArguments) {
  const Tensor z = nabla::zeros({1, 2, 3, 3});
  const Tensor w = nabla::zeros({2, 3, 3, 3});
  EXPECT_THAT(message_of([&] {
                nabla::conv_transpose2d(nabla::zeros({3, 3}), w);
              }),
              AllOf(HasSubstr("nabla::conv_transpose2d"), HasSubstr("[3, 3]")));
  EXPECT_THAT(message_of([&] {
                nabla::conv_transpose2d(z, nabla::zeros({3, 3, 3, 3}));
              }),
              AllOf(HasSubstr("expects 3 input channels"), HasSubstr("[1, 2, 3, 3] has 2")));
  EXPECT_THAT(message_of([&] {
                nabla::conv_transpose2d(nabla::zeros({1, 3, 3, 3}), nabla::zeros({3, 1, 3, 3}), {},
                                        1, 0, 0, 2);
              }),
              AllOf(HasSubstr("input's 3 channels"), HasSubstr("groups = 2")));
  EXPECT_THAT(message_of([&] {
                nabla::conv_transpose2d(z, w, {}, 2, 0, {2, 0});
              }),
              AllOf(HasSubstr("output_padding (2, 0)"), HasSubstr("stride (2, 2)"),
                    HasSubstr("dilation (1, 1)")));
  EXPECT_THAT(message_of([&] { nabla::conv_transpose2d(z, w, {}, 0); }),
              HasSubstr("stride must be ≥ 1, got (0, 0)"));
  EXPECT_THAT(message_of([&] { nabla::conv_transpose2d(z, w, {}, 1, -1); }),
              HasSubstr("padding must be ≥ 0"));
  EXPECT_THAT(message_of([&] {
                nabla::conv_transpose2d(z, w, {}, 1, 0, 0, 1, {1, 0});
              }),
              HasSubstr("dilation must be ≥ 1"));
  EXPECT_THAT(message_of([&] { nabla::conv_transpose2d(z, w, {}, 1, 3); }),
              AllOf(HasSubstr("output would be (-1, -1)"), HasSubstr("[1, 2, 3, 3]")));
  EXPECT_THAT(message_of([&] { nabla::conv_transpose2d(z, w, nabla::zeros({2})); }),
              HasSubstr("expects a bias [3], got [2]"));
  EXPECT_THAT(message_of([&] {
                nabla::conv_transpose2d(z, nabla::zeros({2, 3, 3}));
              }),
              HasSubstr("4-d weight"));
}

}  // namespace
}  // namespace test_conv_transpose2d
