// Tests of ops/conv1d.cpp: 1-d convolution against PyTorch, views, and bad arguments.

#include <nabla/conv.hpp>

#include "ops/conv_test_util.hpp"

namespace test_conv1d {
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
// fn = lambda x, w, b: F.conv1d(x, w, b, padding="same"), shapes (1, 2, 6), (2, 2, 4), (2,):
// the odd total padding 3 puts the extra position on the right
TEST(Conv1d, SamePaddingMatchesPyTorch) {
  expect_conv_case(
      [](const std::vector<Tensor>& in) { return nabla::conv1d(in[0], in[1], in[2], 1, "same"); },
      {{1, 2, 6}, {2, 2, 4}, {2}}, {1, 2, 6},
      {2.0, 3.375, -0.875, 2.4375, 1.8125, 0.375, 1.125, 2.0, -1.5, 1.1875, 0.5625, -0.375},
      {{0.625, -0.1875, -0.6875, 2.125, -0.5625, -0.5625, -0.4375, -0.4375, 2.375, -0.625, -1.5625,
        1.75},
       {2.8125, -2.125, -1.0625, 1.5, 3.4375, -1.5, -0.1875, 1.75, -1.25, 3.4375, -1.25, -0.8125,
        -2.125, 2.8125, -1.875, -0.9375},
       {-1.25, 1.25}});
}

// As above with fn = lambda x, w: F.conv1d(x, w, None, stride=2, padding=1, dilation=2,
// groups=2), shapes (2, 2, 7), (4, 1, 2)
TEST(Conv1d, StridePaddingDilationGroupsMatchPyTorch) {
  expect_conv_case(
      [](const std::vector<Tensor>& in) {
        return nabla::conv1d(in[0], in[1], Tensor(), 2, 1, 2, 2);
      },
      {{2, 2, 7}, {4, 1, 2}}, {2, 4, 4},
      {-0.9375, 0.875,  -0.1875, 0.0,     0.0,     1.25,  -0.75, 0.0,     -0.1875, 0.625, 0.4375,
       -1.25,   0.3125, -0.5625, -1.6875, -0.3125, -0.75, 1.0,   -0.0625, -0.0625, 0.0,   1.0,
       -1.0,    -0.25,  -0.375,  0.6875,  0.5,     -1.0,  0.625, -0.1875, -1.3125, -0.25},
      {{0.0, 0.25, 0.0, 0.4375, 0.0, 0.625,  0.0, 0.0, 2.0,   0.0, -2.4375, 0.0, 1.375,   0.0,
        0.0, 0.5,  0.0, 0.6875, 0.0, -1.875, 0.0, 0.0, 1.125, 0.0, -0.5625, 0.0, -1.5625, 0.0},
       {-3.625, 1.4375, 2.25, -3.6875, 1.0, -0.875, -3.1875, 1.125}});
}

TEST(Conv1d, UnbatchedViewsAndGradients) {
  const Tensor x = nabla::transpose(normal({7, 3}, 1), 0, 1);  // [3,7] unbatched, transposed
  const Tensor w = normal({2, 3, 3}, 2);
  const Tensor got = nabla::conv1d(x, w, {}, 2);
  const Tensor want =
      nabla::squeeze(nabla::conv1d(nabla::unsqueeze(nabla::contiguous(x), 0), w, {}, 2), 0);
  ASSERT_EQ(got.shape(), (Shape{2, 3}));
  expect_tensor(got, want.shape(), want.to_vector(), nabla::f64);
  const std::vector<Tensor> in = {normal({2, 2, 5}, 3).requires_grad_(),
                                  normal({2, 2, 2}, 4).requires_grad_()};
  const auto fn = [](const std::vector<Tensor>& t) {
    return nabla::conv1d(t[0], t[1], {}, 1, "same", 3);
  };
  {
    const auto r = nabla::gradgradcheck(fn, in);
    EXPECT_TRUE(r.passed) << r.message;
  }
}

TEST(Conv1d, RejectsBadArguments) {
  const Tensor x = nabla::zeros({1, 2, 6});
  const Tensor w = nabla::zeros({3, 2, 3});
  EXPECT_THAT(message_of([&] {
                nabla::conv1d(nabla::zeros({1, 2, 6, 1}), w);
              }),
              AllOf(HasSubstr("nabla::conv1d"), HasSubstr("[1, 2, 6, 1]")));
  EXPECT_THAT(message_of([&] {
                nabla::conv1d(x, nabla::zeros({3, 2, 3, 1}));
              }),
              HasSubstr("3-d weight"));
  EXPECT_THAT(message_of([&] {
                nabla::conv1d(x, nabla::zeros({3, 1, 3}));
              }),
              AllOf(HasSubstr("nabla::conv1d"), HasSubstr("groups = 1")));
  EXPECT_THAT(message_of([&] { nabla::conv1d(x, w, {}, 0); }), HasSubstr("stride must be ≥ 1"));
  EXPECT_THAT(message_of([&] { nabla::conv1d(x, w, {}, 1, -1); }),
              HasSubstr("padding must be ≥ 0"));
  EXPECT_THAT(message_of([&] {
                nabla::conv1d(x, w, {}, 1, {1, 2});
              }),
              HasSubstr("one amount, got the pair (1, 2)"));
  EXPECT_THAT(message_of([&] { nabla::conv1d(x, w, {}, 1, 0, 0); }),
              HasSubstr("dilation must be ≥ 1"));
  EXPECT_THAT(message_of([&] { nabla::conv1d(x, w, {}, 1, 0, 4); }),
              AllOf(HasSubstr("kernel 3 (dilated: 9) is larger than the padded input 6")));
  EXPECT_THAT(message_of([&] { nabla::conv1d(x, w, {}, 2, "same"); }),
              HasSubstr("\"same\" needs stride 1"));
  EXPECT_THAT(message_of([&] { nabla::conv1d(x, w, nabla::zeros({2})); }),
              HasSubstr("expects a bias [3], got [2]"));
}

}  // namespace
}  // namespace test_conv1d
