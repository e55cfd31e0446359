// Tests of ops/fold.cpp: col2im against PyTorch (overlaps summed), views and bad arguments.

#include <nabla/conv.hpp>

#include "ops/conv_test_util.hpp"

namespace test_fold {
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
// fn = lambda x: F.fold(x, (3, 3), 2), shapes (1, 4, 4): the centre sums four blocks
TEST(Fold, OverlapsSumAsPyTorch) {
  expect_conv_case([](const std::vector<Tensor>& in) { return nabla::fold(in[0], 3, 2); },
                   {{1, 4, 4}}, {1, 1, 3, 3}, {-0.5, 2.25, 0.0, 0.0, -1.75, 1.0, 0.5, -1.25, 1.0},
                   {{0.0, -1.0, -0.25, -1.25, -1.0, 0.75, -1.25, 0.5, -0.25, -1.25, -0.5, 1.25,
                     -1.25, 0.5, 1.25, 0.25}});
}

// As above with fn = lambda x: F.fold(x, (4, 5), (2, 3), dilation=(1, 2), padding=1,
// stride=(2, 1)), shapes (1, 6, 9)
TEST(Fold, DilationPaddingStrideMatchPyTorch) {
  expect_conv_case(
      [](const std::vector<Tensor>& in) {
        return nabla::fold(in[0], {4, 5}, {2, 3}, {1, 2}, 1, {2, 1});
      },
      {{1, 6, 9}}, {1, 1, 4, 5}, {-1.0,  0.0,  1.0,  1.25, 0.25, 1.0,  1.25, 0.25, -0.25, -0.5,
                                  -1.25, -0.5, 0.75, 0.75, 0.0,  0.75, 0.75, 0.0,  -0.75, -0.75},
      {{0.0,  0.0,  0.0,  0.0,   0.5,   -0.5, 0.0,  -1.25, 0.5,   0.0,  0.0,   0.0,  -0.5, 1.25,
        0.25, 0.5,  -0.5, 1.25,  0.0,   0.0,  0.0,  0.25,  -0.75, 0.0,  1.25,  0.25, 0.0,  0.0,
        0.0,  -1.0, 0.0,  1.0,   0.0,   0.0,  0.0,  0.0,   -1.0,  0.75, -0.25, 0.0,  -1.0, 0.75,
        0.0,  0.0,  0.0,  -0.25, -1.25, 0.0,  0.75, -0.25, 0.0,   0.0,  0.0,   0.0}});
}

TEST(Fold, UnbatchedAndViews) {
  const Tensor x = nabla::transpose(normal({9, 8}, 1), 0, 1);  // [8,9] transposed view
  const Tensor got = nabla::fold(x, {4, 4}, 2);
  const Tensor want =
      nabla::squeeze(nabla::fold(nabla::unsqueeze(nabla::contiguous(x), 0), {4, 4}, 2), 0);
  ASSERT_EQ(got.shape(), (Shape{2, 4, 4}));
  expect_tensor(got, want.shape(), want.to_vector(), nabla::f64);
  const std::vector<Tensor> in = {normal({1, 8, 6}, 2).requires_grad_()};
  const auto fn = [](const std::vector<Tensor>& t) {
    return nabla::fold(t[0], {3, 4}, 2, 1, 0, 1);
  };
  {
    const auto r = nabla::gradgradcheck(fn, in);
    EXPECT_TRUE(r.passed) << r.message;
  }
}

TEST(Fold, RejectsBadArguments) {
  const Tensor x = nabla::zeros({1, 4, 4});
  EXPECT_THAT(message_of([&] { nabla::fold(nabla::zeros({4}), 3, 2); }),
              AllOf(HasSubstr("nabla::fold"), HasSubstr("[4]")));
  EXPECT_THAT(message_of([&] {
                nabla::fold(nabla::zeros({1, 5, 4}), 3, 2);
              }),
              AllOf(HasSubstr("5 rows, not divisible by kh·kw = 4")));
  EXPECT_THAT(message_of([&] { nabla::fold(x, 4, 2); }),
              AllOf(HasSubstr("4 blocks"), HasSubstr("takes 9")));
  EXPECT_THAT(message_of([&] {
                nabla::fold(x, 3, {2, 0});
              }),
              HasSubstr("kernel_size and output_size must be ≥ 1"));
  EXPECT_THAT(message_of([&] { nabla::fold(x, 3, 2, 0); }), HasSubstr("dilation must be ≥ 1"));
  EXPECT_THAT(message_of([&] { nabla::fold(x, 3, 2, 1, -1); }), HasSubstr("padding must be ≥ 0"));
  EXPECT_THAT(message_of([&] { nabla::fold(x, 3, 2, 1, 0, 0); }), HasSubstr("stride must be ≥ 1"));
  EXPECT_THAT(message_of([&] { nabla::fold(x, 1, 2); }),
              HasSubstr("larger than the padded input (1, 1)"));
}

}  // namespace
}  // namespace test_fold
