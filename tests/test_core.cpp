// The tensor core: strides of fresh tensors, the six dtypes through factories, conversions,
// item() and in-place updates, and what the core refuses.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>

#include "nabla/nabla.hpp"

namespace {

using nabla::Dtype;
using nabla::Shape;
using nabla::Tensor;
using ::testing::HasSubstr;

TEST(Core, FreshTensorsAreRowMajorWithZeroOffset) {
  Tensor t = nabla::zeros({2, 3, 4});
  EXPECT_EQ(t.strides(), (Shape{12, 4, 1}));
  EXPECT_EQ(t.stride(-1), 1);
  EXPECT_EQ(t.stride(0), 12);
  EXPECT_EQ(t.storage_offset(), 0);
  EXPECT_TRUE(t.is_contiguous());
  EXPECT_EQ(nabla::scalar_tensor(1.0).strides(), Shape{});
  // An empty extent: strides as for extent 1 (PyTorch), and the tensor counts as contiguous.
  Tensor e = nabla::zeros({3, 0, 2});
  EXPECT_EQ(e.strides(), (Shape{2, 2, 1}));
  EXPECT_TRUE(e.is_contiguous());
  EXPECT_THROW(t.stride(3), std::out_of_range);
}

TEST(Core, DetachSharesStorageAndLayout) {
  Tensor t = nabla::arange(6.0).reshape({2, 3});
  Tensor d = t.detach();
  EXPECT_TRUE(d.is_same_storage(t));
  EXPECT_FALSE(d.is_same(t));
  EXPECT_EQ(d.strides(), t.strides());
  EXPECT_FALSE(t.is_same_storage(nabla::arange(6.0)));
  EXPECT_FALSE(t.is_same_storage(Tensor()));
}

TEST(Core, DtypeNamesSizesAndKinds) {
  const std::pair<Dtype, const char*> names[] = {{nabla::f32, "float32"}, {nabla::f64, "float64"},
                                                 {nabla::i64, "int64"},   {nabla::i32, "int32"},
                                                 {nabla::u8, "uint8"},    {nabla::bool_, "bool"}};
  const std::size_t sizes[] = {4, 8, 8, 4, 1, 1};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(nabla::dtype_name(names[i].first), names[i].second);
    EXPECT_EQ(nabla::dtype_size(names[i].first), sizes[i]);
    EXPECT_EQ(nabla::is_floating_point(names[i].first), i < 2) << names[i].second;
  }
  static_assert(nabla::dtype_of<std::int64_t>() == nabla::i64);
  static_assert(nabla::dtype_of<bool>() == nabla::bool_);
  static_assert(nabla::dtype_of<std::uint8_t>() == nabla::u8);
}

TEST(Core, FactoriesMakeEveryDtype) {
  for (const Dtype d : {nabla::f32, nabla::f64, nabla::i64, nabla::i32, nabla::u8}) {
    EXPECT_EQ(nabla::zeros({2}, d).dtype(), d);
    EXPECT_EQ(nabla::ones({2}, d).to_vector(), (std::vector<double>{1, 1}));
    EXPECT_EQ(nabla::full({3}, 7, d).to_vector(), (std::vector<double>{7, 7, 7}));
    EXPECT_EQ(nabla::arange(0, 5, 2, d).to_vector(), (std::vector<double>{0, 2, 4}));
    EXPECT_EQ(nabla::tensor({{1, 2}, {3, 4}}, d).to_vector(), (std::vector<double>{1, 2, 3, 4}));
  }
  Tensor labels = nabla::tensor({2, 0, 1}, nabla::i64);
  EXPECT_EQ(labels.dtype(), nabla::i64);
  EXPECT_EQ(labels.data<std::int64_t>()[0], 2);
  Tensor mask = nabla::tensor({0.0, 2.5, -1.0}, nabla::bool_);
  EXPECT_EQ(mask.to_vector(), (std::vector<double>{0, 1, 1}));  // nonzero is true
  EXPECT_EQ(nabla::zeros({2}, nabla::bool_).to_vector(), (std::vector<double>{0, 0}));
}

TEST(Core, FactoriesTruncateFractionsAndRefuseWhatTheDtypeCannotHold) {
  EXPECT_EQ(nabla::tensor({2.9, -2.9}, nabla::i64).to_vector(), (std::vector<double>{2, -2}));
  EXPECT_EQ(nabla::full({1}, 255, nabla::u8).item<int>(), 255);
  EXPECT_THAT([] { nabla::full({1}, 256, nabla::u8); },
              ::testing::ThrowsMessage<std::invalid_argument>(
                  HasSubstr("nabla::full: the value 256 cannot be converted to uint8")));
  EXPECT_THROW(nabla::full({1}, -1, nabla::u8), std::invalid_argument);
  EXPECT_THROW(nabla::tensor({1e10}, nabla::i32), std::invalid_argument);
  EXPECT_THROW(nabla::tensor({std::nan("")}, nabla::i64), std::invalid_argument);
  EXPECT_THROW(nabla::full({1}, INFINITY, nabla::i64), std::invalid_argument);
  EXPECT_THROW(nabla::arange(250, 260, 1, nabla::u8), std::invalid_argument);
  EXPECT_THROW(nabla::arange(0, 3, 1, nabla::bool_), std::invalid_argument);
  // 2^63 is the first value past int64; the largest double below it fits.
  EXPECT_THROW(nabla::full({1}, 0x1p63, nabla::i64), std::invalid_argument);
  EXPECT_EQ(nabla::full({1}, -0x1p63, nabla::i64).item<std::int64_t>(),
            std::numeric_limits<std::int64_t>::min());
}

TEST(Core, ConversionsTruncateSaturateAndMapNanToZero) {
  Tensor f = nabla::tensor({-1.5, 2.7, 1e30, -1e30, std::nan(""), 300.0});
  EXPECT_EQ(f.to(nabla::i32).to_vector(),
            (std::vector<double>{-1, 2, 2147483647.0, -2147483648.0, 0, 300}));
  EXPECT_EQ(f.to(nabla::u8).to_vector(), (std::vector<double>{0, 2, 255, 0, 0, 255}));
  EXPECT_EQ(f.to(nabla::bool_).to_vector(), (std::vector<double>{1, 1, 1, 1, 1, 1}));
  // Integer to a narrower integer wraps modulo 2^n, as PyTorch.
  EXPECT_EQ(nabla::tensor({300, -1}, nabla::i64).to(nabla::u8).to_vector(),
            (std::vector<double>{44, 255}));
  EXPECT_EQ(nabla::tensor({3, 0}, nabla::i64).to(nabla::f64).dtype(), nabla::f64);
}

TEST(Core, CastToAnIntegerIsNotDifferentiable) {
  Tensor x = nabla::tensor({1.5, 2.5}).requires_grad_();
  Tensor i = x.to(nabla::i64);
  EXPECT_FALSE(i.requires_grad());
  EXPECT_EQ(i.grad_fn(), nullptr);
  Tensor back = i.to(nabla::f32);  // a float tensor again, but with no path to x
  EXPECT_FALSE(back.requires_grad());
}

TEST(Core, ItemConvertsAsPytorch) {
  Tensor b = nabla::tensor({1}, nabla::bool_);
  EXPECT_EQ(b.item<float>(), 1.0f);
  EXPECT_TRUE(b.item<bool>());
  EXPECT_EQ(nabla::scalar_tensor(0.25).item<bool>(), true);
  EXPECT_EQ(nabla::scalar_tensor(3, nabla::i64).item<double>(), 3.0);
  EXPECT_EQ(nabla::scalar_tensor(200, nabla::u8).item<std::uint8_t>(), 200);
  EXPECT_EQ(nabla::scalar_tensor(-7, nabla::i32).item<std::int64_t>(), -7);
  EXPECT_THAT([] { nabla::scalar_tensor(-7, nabla::i32).item<std::uint8_t>(); },
              ::testing::ThrowsMessage<std::invalid_argument>(
                  HasSubstr("the value -7 does not fit in a 8-bit unsigned integer")));
  EXPECT_THROW(nabla::scalar_tensor(std::nan("")).item<int>(), std::invalid_argument);
  EXPECT_THROW(nabla::scalar_tensor(3e9).item<std::int32_t>(), std::invalid_argument);
}

TEST(Core, OnlyFloatingTensorsRequireGrad) {
  for (const Dtype d : {nabla::i64, nabla::i32, nabla::u8, nabla::bool_}) {
    Tensor t = nabla::zeros({2}, d);
    EXPECT_THAT([&] { t.requires_grad_(); },
                ::testing::ThrowsMessage<std::invalid_argument>(
                    HasSubstr(std::string("nabla::Tensor::requires_grad_: a ") +
                              std::string(nabla::dtype_name(d)) + " tensor cannot require grad")));
    t.requires_grad_(false);  // turning it off is always fine
    EXPECT_FALSE(t.requires_grad());
  }
}

TEST(Core, FloatOnlyFactoriesAndOpsNameTheDtype) {
  nabla::Generator gen(1);
  EXPECT_THAT([&] { nabla::randn({2}, gen, nabla::i64); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr(
                  "nabla::randn: dtype is int64, but randn works on floating-point tensors")));
  EXPECT_THROW(nabla::rand({2}, gen, nabla::bool_), std::invalid_argument);
  Tensor i = nabla::tensor({1, 2}, nabla::i64);
  EXPECT_THAT([&] { nabla::exp(i); },
              ::testing::ThrowsMessage<std::invalid_argument>(
                  HasSubstr("nabla::exp: input is int64, but exp works on floating-point")));
  EXPECT_THAT(
      [&] {
        nabla::matmul(i.reshape({1, 2}), i.reshape({2, 1}));
      },
      ::testing::ThrowsMessage<std::invalid_argument>(
          HasSubstr("nabla::matmul: a is int64, but matmul works on floating-point")));
}

TEST(Core, RandintDrawsEveryValueInItsRangeAndNothingElse) {
  nabla::Generator gen(7);
  Tensor r = nabla::randint(-2, 3, {2000}, gen);
  EXPECT_EQ(r.dtype(), nabla::i64);
  std::set<double> seen;
  for (double v : r.to_vector()) seen.insert(v);
  EXPECT_EQ(seen, (std::set<double>{-2, -1, 0, 1, 2}));
  nabla::Generator again(7);
  EXPECT_EQ(nabla::randint(-2, 3, {2000}, again).to_vector(), r.to_vector());
  EXPECT_EQ(nabla::randint(0, 256, {10}, gen, nabla::u8).dtype(), nabla::u8);
  EXPECT_THROW(nabla::randint(3, 3, {2}, gen), std::invalid_argument);
  EXPECT_THROW(nabla::randint(0, 300, {2}, gen, nabla::u8), std::invalid_argument);
  EXPECT_THROW(nabla::randint(0, 2, {2}, gen, nabla::bool_), std::invalid_argument);
}

TEST(Core, InPlaceUpdatesWorkOnIntegerTensors) {
  Tensor t = nabla::tensor({1, 2, 3}, nabla::i32);
  t.fill_(4);
  EXPECT_EQ(t.to_vector(), (std::vector<double>{4, 4, 4}));
  t.mul_(3);
  EXPECT_EQ(t.to_vector(), (std::vector<double>{12, 12, 12}));
  t.add_(nabla::tensor({1, 2, 3}, nabla::i32), 2);
  EXPECT_EQ(t.to_vector(), (std::vector<double>{14, 16, 18}));
  t.copy_(nabla::tensor({0.5, 1.5, -2.5}));  // converting, truncating
  EXPECT_EQ(t.to_vector(), (std::vector<double>{0, 1, -2}));
  EXPECT_THROW(t.fill_(1e12), std::invalid_argument);
  const std::uint64_t v = t.version();
  t.zero_();
  EXPECT_GT(t.version(), v);
}

TEST(Core, CopyBroadcastsAndHandlesItsOwnStorage) {
  Tensor t = nabla::zeros({2, 3});
  t.copy_(nabla::tensor({1, 2, 3}));
  EXPECT_EQ(t.to_vector(), (std::vector<double>{1, 2, 3, 1, 2, 3}));
  Tensor alias = t.detach();
  t.add_(alias);  // the same storage on both sides: as if read before any write
  EXPECT_EQ(t.to_vector(), (std::vector<double>{2, 4, 6, 2, 4, 6}));
}

TEST(Core, BinaryOpsPromoteAsPytorch) {
  Tensor f = nabla::tensor({1.5, 2.5});
  Tensor i = nabla::tensor({2, 3}, nabla::i64);
  Tensor b = nabla::tensor({1, 0}, nabla::bool_);
  EXPECT_EQ((f * i).dtype(), nabla::f32);
  EXPECT_EQ((f * i).to_vector(), (std::vector<double>{3, 7.5}));
  EXPECT_EQ((b * f).dtype(), nabla::f32);
  EXPECT_EQ((i + i).dtype(), nabla::i64);
  EXPECT_EQ((i + 1).dtype(), nabla::i64);
  EXPECT_EQ((i * 2.5).dtype(), nabla::f32);
  EXPECT_EQ((i * 2.5).to_vector(), (std::vector<double>{5, 7.5}));
  EXPECT_EQ((i / i).dtype(), nabla::f32);  // true division
  EXPECT_EQ((b + b).dtype(), nabla::bool_);
  EXPECT_EQ((b + 1).dtype(), nabla::i64);
  EXPECT_EQ((nabla::tensor({3}, nabla::i32) + nabla::tensor({4}, nabla::u8)).dtype(), nabla::i32);
  EXPECT_THROW(b - b, std::invalid_argument);
  EXPECT_THROW(f + nabla::tensor({1.0, 2.0}, nabla::f64), std::invalid_argument);
  EXPECT_THROW(nabla::tensor({1}, nabla::u8) + 300, std::invalid_argument);
}

TEST(Core, GradientsFlowThroughPromotedOps) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  Tensor k = nabla::tensor({3, 4}, nabla::i64);
  (x * k).sum().backward();
  EXPECT_EQ(x.grad().dtype(), nabla::f64);
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{3, 4}));
}

}  // namespace
