// Tests of ops/conv2d.cpp: 2-d convolution (stride, padding amounts, "same", "valid",
// dilation, groups, bias, unbatched input) against PyTorch, views, and every bad argument.

#include <nabla/conv.hpp>

#include "ops/conv_test_util.hpp"

namespace test_conv2d {
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
// fn = lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 0), dilation=(1, 2)),
// shapes (2, 2, 4, 5), (3, 2, 3, 2), (3,)
TEST(Conv2d, StridePaddingDilationBiasMatchPyTorch) {
  expect_conv_case(
      [](const std::vector<Tensor>& in) {
        return nabla::conv2d(in[0], in[1], in[2], {2, 1}, {1, 0}, {1, 2});
      },
      {{2, 2, 4, 5}, {3, 2, 3, 2}, {3}}, {2, 3, 2, 3},
      {-0.25,   3.6875, -0.625,  -0.4375, 0.6875,  3.875,  -0.625, 2.375,   -0.125,
       1.5,     -1.875, 0.9375,  -2.375,  -3.0625, 1.0625, 0.6875, -2.375,  -2.6875,
       0.5,     0.3125, 2.875,   -0.8125, -0.375,  0.75,   2.5,    -0.6875, -1.125,
       -3.5625, 4.0625, -2.0625, -1.0,    -2.375,  -1.0,   1.9375, -1.125,  -2.125},
      {{1.0,     -1.75,   0.75,    -0.6875, -0.4375, -0.875, 1.1875,  -0.0625, -0.0625, 0.4375,
        1.0,     -1.75,   0.8125,  -0.625,  -0.375,  0.0,    1.875,   1.1875,  -1.8125, 1.0,
        -1.0,    -0.1875, -0.9375, 2.25,    -0.125,  1.0,    -2.1875, 0.75,    1.375,   -0.625,
        -1.3125, -0.5,    -1.5,    2.0,     -0.375,  0.4375, -1.6875, 0.25,    -0.5625, -0.375,
        1.0,     1.0,     -2.3125, -0.3125, 2.0,     -0.875, -0.875,  -0.6875, 0.6875,  0.5,
        1.0,     1.0,     -2.25,   -0.25,   -0.6875, -0.625, -0.125,  2.375,   1.375,   -2.0,
        0.5625,  -0.6875, 1.875,   -0.625,  -0.9375, 0.6875, 0.9375,  -3.9375, -0.25,   3.25,
        0.25,    -1.0,    -0.0625, -0.875,  2.25,    1.375,  0.625,   -1.625,  -0.625,  -0.4375},
       {3.625,   -1.25,   1.125,  -1.3125, 2.25,    -2.9375, -1.8125, 3.625,   2.1875,
        1.125,   -0.8125, 2.25,   -1.4375, -1.6875, 2.0,     -0.8125, -0.5625, 1.4375,
        3.625,   -1.4375, -1.375, 2.0,     -1.875,  -0.5625, -1.6875, -1.4375, -1.9375,
        -1.6875, -3.375,  1.6875, 2.875,   -1.6875, 1.9375,  -1.9375, 1.1875,  -3.375},
       {-0.5, 1.75, -1.5}});
}

// As above with fn = lambda x, w: F.conv2d(x, w, None, padding=1, groups=2), shapes
// (1, 4, 3, 3), (4, 2, 2, 2)
TEST(Conv2d, GroupsMatchPyTorch) {
  expect_conv_case(
      [](const std::vector<Tensor>& in) {
        return nabla::conv2d(in[0], in[1], Tensor(), 1, 1, 1, 2);
      },
      {{1, 4, 3, 3}, {4, 2, 2, 2}}, {1, 4, 4, 4},
      {1.5625,  -0.8125, 1.75,   0.375,   -2.125,  -0.8125, 1.125,  0.75,    0.25,   -3.25,
       1.4375,  0.75,    1.5,    -1.8125, -0.375,  0.9375,  1.125,  -0.8125, 2.125,  0.3125,
       -2.4375, -0.375,  1.625,  0.5,     0.375,   -2.625,  1.4375, 0.25,    1.5,    -1.625,
       -0.5,    0.625,   0.375,  -0.3125, -1.125,  1.75,    0.25,   -0.625,  2.125,  -2.75,
       0.0625,  -2.6875, 2.125,  -0.5,    -0.6875, 2.1875,  -1.125, 0.625,   0.5625, -0.4375,
       -1.5625, 1.625,   0.5,    1.625,   -0.375,  -2.4375, 0.75,   0.4375,  1.1875, 0.25,
       0.625,   -1.1875, -1.375, 0.9375},
      {{0.4375,  1.1875, 0.5625,  0.6875, 0.0625,  0.125,   0.9375,  -1.75,   -0.3125,
        -3.1875, 3.4375, -3.0,    4.0625, -2.375,  -0.5625, -3.8125, 2.8125,  1.875,
        -2.5625, 3.8125, -3.5625, 3.0,    -3.6875, 1.3125,  -2.4375, 3.9375,  -0.6875,
        0.3125,  -1.875, 1.4375,  1.875,  1.75,    -1.8125, 0.0,     -2.1875, -0.25},
       {0.375,   1.8125,  2.0,     -0.6875, -0.1875, 0.6875,  0.5625, -2.6875,
        -2.6875, 2.1875,  0.3125,  0.375,   0.25,    2.5,     2.375,  -0.1875,
        0.25,    0.5625,  -0.5625, 2.5,     1.875,   -0.4375, 0.1875, 0.625,
        -2.6875, -0.3125, -2.8125, 0.25,    0.375,   0.125,   -0.625, 1.875}});
}

// As above with fn = lambda x, w: F.conv2d(x, w, None, padding="same"), shapes
// (1, 1, 4, 5), (1, 1, 2, 4): the odd total paddings 1 and 3 put the extra row at the
// bottom and the extra column on the right
TEST(Conv2d, SamePaddingWithEvenKernelMatchesPyTorch) {
  expect_conv_case(
      [](const std::vector<Tensor>& in) {
        return nabla::conv2d(in[0], in[1], Tensor(), 1, "same");
      },
      {{1, 1, 4, 5}, {1, 1, 2, 4}}, {1, 1, 4, 5},
      {0.9375, -1.4375, 2.5625,  1.0, -1.625,  -2.0625, 0.0,   1.25, -1.75,   0.0625,
       1.125,  0.0625,  -1.4375, 1.0, -0.3125, -0.75,   -0.75, 1.5,  -1.0625, 0.375},
      {{-0.25, 0.9375, -1.625, 0.625,  0.6875, 0.5,    -0.3125, -0.3125, 3.0,     -1.0,
        0.125, -1.0,   1.125,  -0.375, -1.25,  1.8125, -1.0,    -1.5625, -0.3125, 1.9375},
       {2.25, -0.0625, -5.0625, 4.1875, -2.3125, 8.5, -2.3125, -1.875}});
}

// As above with fn = lambda x, w, b: F.conv2d(x, w, b, padding="valid"), shapes (2, 3, 3),
// (1, 2, 2, 2), (1,): an unbatched input gives an unbatched result
TEST(Conv2d, UnbatchedValidMatchesPyTorch) {
  expect_conv_case(
      [](const std::vector<Tensor>& in) { return nabla::conv2d(in[0], in[1], in[2], 1, "valid"); },
      {{2, 3, 3}, {1, 2, 2, 2}, {1}}, {1, 2, 2}, {0.1875, 2.125, -2.25, 2.4375},
      {{0.0, -0.25, 0.75, 0.1875, -1.625, 0.1875, 0.75, -0.25, 0.0, 0.0, 1.0, -0.75, -0.75, 1.0625,
        1.0625, -0.1875, -0.875, 0.3125},
       {-2.0625, 0.5, -1.9375, 0.625, 0.375, 0.875, 0.5, 1.0},
       {-0.5}});
}

TEST(Conv2d, ViewsGiveTheContiguousResult) {
  // x as a transpose of [2,3,6,5] and w as a stepped slice: the same values as dense copies
  const Tensor xt = nabla::transpose(normal({2, 3, 6, 5}, 11), 2, 3);               // [2,3,5,6]
  const Tensor ws = nabla::slice(normal({4, 3, 3, 6}, 12), 3, 0, std::nullopt, 2);  // [4,3,3,3]
  const Tensor b = normal({4}, 13);
  const Tensor got = nabla::conv2d(xt, ws, b, 1, 1);
  const Tensor want = nabla::conv2d(nabla::contiguous(xt), nabla::contiguous(ws), b, 1, 1);
  ASSERT_EQ(got.shape(), (Shape{2, 4, 5, 6}));
  expect_tensor(got, want.shape(), want.to_vector(), nabla::f64);
}

TEST(Conv2d, GradientsPassGradcheckAndGradgradcheck) {
  const std::vector<Tensor> in = {normal({2, 4, 5, 4}, 21).requires_grad_(),
                                  normal({2, 2, 2, 3}, 22).requires_grad_(),
                                  normal({2}, 23).requires_grad_()};
  const auto f = [](const std::vector<Tensor>& t) {
    return nabla::conv2d(t[0], t[1], t[2], {2, 1}, {0, 1}, {2, 1}, 2);
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

TEST(Conv2d, RejectsBadArguments) {
  const Tensor x = nabla::zeros({1, 2, 4, 4});
  const Tensor w = nabla::zeros({4, 2, 3, 3});
  const auto msg = [](auto f) { return message_of(f); };
  EXPECT_THAT(msg([&] {
                nabla::conv2d(nabla::zeros({2, 4, 4, 4, 1}), w);
              }),
              AllOf(HasSubstr("nabla::conv2d"), HasSubstr("[2, 4, 4, 4, 1]")));
  EXPECT_THAT(msg([&] {
                nabla::conv2d(x, nabla::zeros({4, 2, 3}));
              }),
              AllOf(HasSubstr("nabla::conv2d"), HasSubstr("4-d weight"), HasSubstr("[4, 2, 3]")));
  EXPECT_THAT(msg([&] {
                nabla::conv2d(x, nabla::zeros({4, 3, 3, 3}));
              }),
              AllOf(HasSubstr("nabla::conv2d"), HasSubstr("expects 3 input channels"),
                    HasSubstr("[1, 2, 4, 4] has 2")));
  EXPECT_THAT(
      msg([&] {
        nabla::conv2d(nabla::zeros({1, 3, 4, 4}), nabla::zeros({4, 1, 3, 3}), {}, 1, 0, 1, 2);
      }),
      AllOf(HasSubstr("nabla::conv2d"), HasSubstr("input's 3 channels"), HasSubstr("groups = 2")));
  EXPECT_THAT(
      msg([&] {
        nabla::conv2d(nabla::zeros({1, 4, 4, 4}), nabla::zeros({3, 2, 3, 3}), {}, 1, 0, 1, 2);
      }),
      AllOf(HasSubstr("weight's 3 output channels"), HasSubstr("groups = 2")));
  EXPECT_THAT(msg([&] { nabla::conv2d(x, w, {}, 1, 0, 1, 0); }),
              HasSubstr("groups must be ≥ 1, got 0"));
  EXPECT_THAT(msg([&] {
                nabla::conv2d(x, w, {}, {1, 0});
              }),
              AllOf(HasSubstr("nabla::conv2d"), HasSubstr("stride must be ≥ 1, got (1, 0)")));
  EXPECT_THAT(msg([&] {
                nabla::conv2d(x, w, {}, 1, {0, -1});
              }),
              HasSubstr("padding must be ≥ 0, got (0, -1)"));
  EXPECT_THAT(msg([&] { nabla::conv2d(x, w, {}, 1, 0, 0); }),
              HasSubstr("dilation must be ≥ 1, got (0, 0)"));
  EXPECT_THAT(
      msg([&] { nabla::conv2d(x, w, {}, 1, 0, 2); }),
      AllOf(HasSubstr("kernel (3, 3) (dilated: (5, 5)) is larger than the padded input (4, 4)"),
            HasSubstr("[1, 2, 4, 4]")));
  EXPECT_THAT(msg([&] { nabla::conv2d(x, w, nabla::zeros({3})); }),
              AllOf(HasSubstr("expects a bias [4], got [3]")));
  EXPECT_THAT(msg([&] { nabla::conv2d(x, w, {}, 2, "same"); }),
              AllOf(HasSubstr("\"same\" needs stride 1"), HasSubstr("(2, 2)")));
  EXPECT_THAT(msg([&] { nabla::conv2d(x, w, {}, 1, "full"); }), HasSubstr("got \"full\""));
  EXPECT_THAT(msg([&] {
                nabla::conv2d(x, nabla::zeros({4, 2, 3, 3}, nabla::f64));
              }),
              AllOf(HasSubstr("nabla::conv2d"), HasSubstr("float32"), HasSubstr("float64")));
  EXPECT_THAT(msg([&] {
                nabla::conv2d(nabla::zeros({1, 2, 4, 4}, nabla::i64), w);
              }),
              AllOf(HasSubstr("nabla::conv2d"), HasSubstr("int64")));
  EXPECT_THAT(msg([&] { nabla::conv2d(Tensor(), w); }), HasSubstr("nabla::conv2d"));
}

}  // namespace
}  // namespace test_conv2d
