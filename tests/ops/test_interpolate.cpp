// Tests of ops/interpolate.cpp and ops/interpolate_backward.cpp: nearest, linear and
// bilinear resampling with PyTorch's coordinate rules.

#include <nabla/pooling.hpp>

#include "ops/op_test_util.hpp"

namespace test_interpolate {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;
using Sizes = std::vector<std::int64_t>;
using Scales = std::vector<double>;

// x = torch.tensor([[[[0.5, -1.25, 2.0, 0.75], [1.5, 0.25, -0.5, 3.0],
//                     [-2.0, 1.0, 0.125, -0.75]]]], dtype=torch.float64)   # [1,1,3,4]
Tensor interp_input(Dtype d = nabla::f64) {
  return nabla::tensor(std::vector<double>{0.5, -1.25, 2.0, 0.75, 1.5, 0.25, -0.5, 3.0, -2.0, 1.0,
                                           0.125, -0.75},
                       {1, 1, 3, 4}, d);
}

// Recorded from PyTorch 1.13 (python3-torch): F.interpolate(x, size=(5,7));
//   F.interpolate(x, scale_factor=(1.5,0.5)); F.interpolate(x, scale_factor=2)
TEST(Interpolate, NearestMatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::interpolate(interp_input(d), Sizes{5, 7}), {1, 1, 5, 7},
                  {0.5,  0.5,  -1.25, -1.25, 2.0,   2.0,   0.75, 0.5,  0.5,  -1.25, -1.25, 2.0,
                   2.0,  0.75, 1.5,   1.5,   0.25,  0.25,  -0.5, -0.5, 3.0,  1.5,   1.5,   0.25,
                   0.25, -0.5, -0.5,  3.0,   -2.0,  -2.0,  1.0,  1.0,  0.125, 0.125, -0.75},
                  d);
    expect_tensor(nabla::interpolate(interp_input(d), std::nullopt, Scales{1.5, 0.5}),
                  {1, 1, 4, 2}, {0.5, 2.0, 0.5, 2.0, 1.5, -0.5, -2.0, 0.125}, d);
  }
  const Tensor up = nabla::interpolate(interp_input(), std::nullopt, Scales{2});
  EXPECT_EQ(up.shape(), (Shape{1, 1, 6, 8}));
  expect_tensor(nabla::slice(up, 2, 4, 6), {1, 1, 2, 8},
                {-2.0, -2.0, 1.0, 1.0, 0.125, 0.125, -0.75, -0.75, -2.0, -2.0, 1.0, 1.0, 0.125,
                 0.125, -0.75, -0.75},
                nabla::f64);
}

// Recorded from PyTorch 1.13, rounded to 12 digits: F.interpolate(x, size=(5,7),
//   mode='bilinear'); the same with align_corners=True; F.interpolate(x, size=(2,2),
//   mode='bilinear')
TEST(Interpolate, BilinearMatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::interpolate(interp_input(d), Sizes{5, 7}, std::nullopt, "bilinear"),
                  {1, 1, 5, 7},
                  {0.5,     -0.125,         -1.125,         0.375,          1.910714285714,
                   1.196428571429, 0.75,    0.9,            0.346428571429, -0.539285714286,
                   0.175,   1.046428571429, 1.417857142857, 1.65,           1.5,
                   1.053571428571, 0.339285714286, -0.125,  -0.25,          1.75,
                   3.0,     -0.6,           -0.135714285714, 0.607142857143, 0.2875,
                   -0.0625, 0.4375,         0.75,           -2.0,           -0.928571428571,
                   0.785714285714, 0.5625,  0.0625,         -0.4375,        -0.75},
                  d);
  }
  expect_tensor(nabla::interpolate(interp_input(), Sizes{5, 7}, std::nullopt, "bilinear", true),
                {1, 1, 5, 7},
                {0.5,   -0.375, -1.25,   0.375,   2.0,    1.375,   0.75,  1.0,    0.25,
                 -0.5,  0.125,  0.75,    1.3125,  1.875,  1.5,     0.875, 0.25,   -0.125,
                 -0.5,  1.25,   3.0,     -0.25,   0.1875, 0.625,   0.21875, -0.1875, 0.46875,
                 1.125, -2.0,   -0.5,    1.0,     0.5625, 0.125,   -0.3125, -0.75},
                nabla::f64);
  expect_tensor(nabla::interpolate(interp_input(), Sizes{2, 2}, std::nullopt, "bilinear"),
                {1, 1, 2, 2}, {-0.0625, 1.34375, -0.15625, 0.078125}, nabla::f64);
}

// Recorded from PyTorch 1.13: F.interpolate(x, scale_factor=(1.7,2.3), mode='bilinear')
//   uses scale 1/scale_factor; with recompute_scale_factor=True it uses in/out. Row 1 of
//   each (of 5 rows of 9):
TEST(Interpolate, ScaleFactorIsUsedUnlessRecomputed) {
  const Tensor a = nabla::interpolate(interp_input(), std::nullopt, Scales{1.7, 2.3}, "bilinear");
  ASSERT_EQ(a.shape(), (Shape{1, 1, 5, 9}));
  expect_tensor(nabla::select(a.reshape({5, 9}), 0, 1), {9},
                {0.882352941176, 0.645140664962, -0.032608695652, -0.639066496164, 0.109015345269,
                 0.857097186701, 1.228740409207, 1.474904092072, 1.610294117647},
                nabla::f64);
  const Tensor b = nabla::interpolate(interp_input(), std::nullopt, Scales{1.7, 2.3}, "bilinear",
                                      std::nullopt, true);
  expect_tensor(nabla::select(b.reshape({5, 9}), 0, 1), {9},
                {0.9, 0.641666666667, -0.047222222222, -0.558333333333, 0.175, 0.908333333333,
                 1.252777777778, 1.541666666667, 1.65},
                nabla::f64);
}

// Recorded from PyTorch 1.13 with x1 = x[0] ([1, 3, 4]: N=1, C=3, W=4):
//   F.interpolate(x1, size=7, mode='linear'); F.interpolate(x1, scale_factor=0.6,
//   mode='linear', align_corners=True); F.interpolate(x1, size=6)
TEST(Interpolate, OneDimensionalModesMatchPyTorch) {
  const Tensor x1 = nabla::select(interp_input(), 0, 0);
  expect_tensor(nabla::interpolate(x1, Sizes{7}, std::nullopt, "linear"), {1, 3, 7},
                {0.5, -0.125, -1.125, 0.375, 1.910714285714, 1.196428571429, 0.75, 1.5,
                 1.053571428571, 0.339285714286, -0.125, -0.25, 1.75, 3.0, -2.0, -0.928571428571,
                 0.785714285714, 0.5625, 0.0625, -0.4375, -0.75},
                nabla::f64);
  expect_tensor(nabla::interpolate(x1, std::nullopt, Scales{0.6}, "linear", true), {1, 3, 2},
                {0.5, 0.75, 1.5, 3.0, -2.0, -0.75}, nabla::f64);
  expect_tensor(nabla::interpolate(x1, Sizes{6}), {1, 3, 6},
                {0.5, 0.5, -1.25, 2.0, 2.0, 0.75, 1.5, 1.5, 0.25, -0.5, -0.5, 3.0, -2.0, -2.0, 1.0,
                 0.125, 0.125, -0.75},
                nabla::f64);
}

// Recorded from PyTorch 1.13: xr = x.requires_grad_(); y = F.interpolate(xr, size=(5,7),
//   mode='bilinear') (then scale_factor=(1.5,0.5), nearest);
//   w = torch.arange(1, y.numel()+1, dtype=torch.float64).reshape(y.shape)/10;
//   (y*w).sum().backward(); xr.grad
TEST(Interpolate, GradientsMatchPyTorch) {
  auto grad_of = [](auto&& f) {
    Tensor x = interp_input().requires_grad_();
    const Tensor y = f(x);
    std::vector<double> w(static_cast<std::size_t>(y.numel()));
    for (std::size_t k = 0; k < w.size(); ++k) w[k] = static_cast<double>(k + 1) / 10;
    nabla::sum(nabla::mul(y, nabla::tensor(w, y.shape(), nabla::f64))).backward();
    return x.grad();
  };
  expect_tensor(grad_of([](const Tensor& x) {
                  return nabla::interpolate(x, Sizes{5, 7}, std::nullopt, "bilinear");
                }),
                {1, 1, 3, 4},
                {1.12, 1.63, 2.155714285714, 2.514285714286, 4.77, 5.49, 6.081428571429,
                 6.338571428571, 7.36, 8.13, 8.655714285714, 8.754285714286},
                nabla::f64);
  expect_tensor(grad_of([](const Tensor& x) {
                  return nabla::interpolate(x, std::nullopt, Scales{1.5, 0.5});
                }),
                {1, 1, 3, 4}, {0.4, 0.0, 0.6, 0.0, 0.5, 0.0, 0.6, 0.0, 0.7, 0.0, 0.8, 0.0},
                nabla::f64);
}

// Linear in x for a fixed size: any values. Views as inputs: a transpose and a step.
TEST(Interpolate, GradcheckAndGradgradcheckThroughViews) {
  const Tensor x = normal({2, 2, 3, 4}, 3);
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::interpolate(in[0].transpose(2, 3), Sizes{5, 4}, std::nullopt, "bilinear");
      },
      {x});
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::interpolate(nabla::slice(in[0], 3, 0, std::nullopt, 2), Sizes{4, 3});
      },
      {x});
  expect_nonzero_gradient(
      [](const std::vector<Tensor>& in) { return nabla::interpolate(in[0], Sizes{5, 7}); }, {x});
}

TEST(Interpolate, NearestKeepsInfinities) {
  // a nearest read copies: an infinity stays an infinity, never inf · 0 = NaN
  const Tensor x = nabla::tensor(std::vector<double>{kInf, 1.0, -kInf, kNaN}, {1, 1, 2, 2}, nabla::f64);
  expect_tensor(nabla::interpolate(x, Sizes{2, 4}), {1, 1, 2, 4},
                {kInf, kInf, 1.0, 1.0, -kInf, -kInf, kNaN, kNaN}, nabla::f64);
}

TEST(Interpolate, RejectsBadArguments) {
  const Tensor x = interp_input();
  auto msg = [](auto f) { return message_of(f); };
  EXPECT_THAT(msg([&] { nabla::interpolate(x, Sizes{2, 2}, Scales{2.0}); }),
              AllOf(HasSubstr("nabla::interpolate"), HasSubstr("exactly one of size and scale_factor")));
  EXPECT_THAT(msg([&] { nabla::interpolate(x, std::nullopt); }),
              HasSubstr("exactly one of size and scale_factor"));
  EXPECT_THAT(msg([&] { nabla::interpolate(x, Sizes{2, 2, 2}); }),
              AllOf(HasSubstr("size has 3 values"), HasSubstr("[1, 1, 3, 4] has 2 spatial axes")));
  EXPECT_THAT(msg([&] { nabla::interpolate(x, Sizes{0, 2}); }),
              AllOf(HasSubstr("must be positive"), HasSubstr("from 3 to 0")));
  EXPECT_THAT(msg([&] { nabla::interpolate(x, std::nullopt, Scales{0.1}); }),
              HasSubstr("from 3 to 0"));
  EXPECT_THAT(msg([&] { nabla::interpolate(x, Sizes{2}, std::nullopt, "bicubic"); }),
              HasSubstr("mode 'bicubic' is not one of nearest, linear, bilinear"));
  EXPECT_THAT(msg([&] { nabla::interpolate(x, Sizes{2}, std::nullopt, "linear"); }),
              AllOf(HasSubstr("mode 'linear' expects a 3-d"), HasSubstr("[1, 1, 3, 4]")));
  EXPECT_THAT(msg([&] { nabla::interpolate(nabla::zeros({1, 3, 4}), Sizes{2}, std::nullopt, "bilinear"); }),
              AllOf(HasSubstr("mode 'bilinear' expects a 4-d"), HasSubstr("[1, 3, 4]")));
  EXPECT_THAT(msg([&] { nabla::interpolate(x, Sizes{2}, std::nullopt, "nearest", false); }),
              HasSubstr("align_corners can only be given with the linear modes"));
  EXPECT_THAT(msg([&] { nabla::interpolate(nabla::zeros({3, 4}), Sizes{2}); }),
              HasSubstr("[3, 4]"));
  EXPECT_THAT(msg([&] { nabla::interpolate(nabla::zeros({1, 1, 3, 4}, nabla::i64), Sizes{2}); }),
              HasSubstr("int64"));
}

}  // namespace
}  // namespace test_interpolate
