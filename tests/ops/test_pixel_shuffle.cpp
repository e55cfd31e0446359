// Tests of ops/pixel_shuffle.cpp and ops/pixel_unshuffle.cpp.

#include <nabla/pooling.hpp>

#include "ops/op_test_util.hpp"

namespace test_pixel_shuffle {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

Tensor counting(const Shape& shape) {
  std::vector<double> v(static_cast<std::size_t>(nabla::shape_numel(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);
  return nabla::tensor(v, shape, nabla::f64);
}

// Recorded from PyTorch 1.13 (python3-torch):
//   r = torch.arange(2*8*2*3, dtype=torch.float64).reshape(2,8,2,3); F.pixel_shuffle(r, 2)
//   (the first of its two batch elements, [2, 4, 6])
TEST(PixelShuffle, MatchesPyTorch) {
  const Tensor r = nabla::pixel_shuffle(counting({2, 8, 2, 3}), 2);
  ASSERT_EQ(r.shape(), (Shape{2, 2, 4, 6}));
  expect_tensor(nabla::select(r, 0, 0), {2, 4, 6},
                {0,  6,  1,  7,  2,  8,  12, 18, 13, 19, 14, 20, 3,  9,  4,  10,
                 5,  11, 15, 21, 16, 22, 17, 23, 24, 30, 25, 31, 26, 32, 36, 42,
                 37, 43, 38, 44, 27, 33, 28, 34, 29, 35, 39, 45, 40, 46, 41, 47},
                nabla::f64);
}

// Recorded from PyTorch 1.13: r = torch.arange(2*4*6, dtype=torch.float64).reshape(2,4,6);
//   F.pixel_unshuffle(r, 2) (unbatched: [C, H, W] → [8, 2, 3])
TEST(PixelUnshuffle, MatchesPyTorchAndInvertsShuffle) {
  const Tensor r = nabla::pixel_unshuffle(counting({2, 4, 6}), 2);
  expect_tensor(r, {8, 2, 3},
                {0,  2,  4,  12, 14, 16, 1,  3,  5,  13, 15, 17, 6,  8,  10, 18,
                 20, 22, 7,  9,  11, 19, 21, 23, 24, 26, 28, 36, 38, 40, 25, 27,
                 29, 37, 39, 41, 30, 32, 34, 42, 44, 46, 31, 33, 35, 43, 45, 47},
                nabla::f64);
  const Tensor x = normal({2, 1, 9, 6, 3}, 5);
  expect_tensor(nabla::pixel_shuffle(nabla::pixel_unshuffle(x, 3), 3), x.shape(), x.to_vector(),
                nabla::f64);
}

TEST(PixelShuffle, GradientsThroughViews) {
  expect_gradients_match(
      [](const std::vector<Tensor>& in) { return nabla::pixel_shuffle(in[0].transpose(2, 3), 2); },
      {normal({1, 4, 3, 2}, 1)});
  expect_gradients_match(
      [](const std::vector<Tensor>& in) { return nabla::pixel_unshuffle(in[0], 2); },
      {normal({3, 4, 2}, 2)});
}

TEST(PixelShuffle, RejectsBadArguments) {
  EXPECT_THAT(message_of([] { nabla::pixel_shuffle(nabla::zeros({1, 6, 2, 2}), 2); }),
              AllOf(HasSubstr("nabla::pixel_shuffle"), HasSubstr("channels 6"),
                    HasSubstr("[1, 6, 2, 2]"), HasSubstr("4")));
  EXPECT_THAT(message_of([] { nabla::pixel_shuffle(nabla::zeros({4, 4}), 2); }),
              AllOf(HasSubstr("rank at least 3"), HasSubstr("[4, 4]")));
  EXPECT_THAT(message_of([] { nabla::pixel_shuffle(nabla::zeros({1, 4, 2, 2}), 0); }),
              HasSubstr("upscale_factor must be positive, got 0"));
  EXPECT_THAT(message_of([] { nabla::pixel_unshuffle(nabla::zeros({1, 1, 3, 4}), 2); }),
              AllOf(HasSubstr("nabla::pixel_unshuffle"), HasSubstr("3x4"),
                    HasSubstr("downscale_factor 2")));
  EXPECT_THAT(message_of([] { nabla::pixel_unshuffle(nabla::zeros({1, 1, 4, 4}), -1); }),
              HasSubstr("downscale_factor must be positive"));
  EXPECT_THAT(message_of([] { nabla::pixel_unshuffle(nabla::zeros({4}), 2); }),
              HasSubstr("rank at least 3"));
}

}  // namespace
}  // namespace test_pixel_shuffle
