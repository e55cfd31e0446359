// Integer and bool dtypes end to end: the promotion table against PyTorch, integer
// arithmetic values, the Python-number rule, float-only ops refusing integers, item() on
// bool, and printing.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nabla/nabla.hpp>

#include "ops/op_test_util.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace {

using nabla::Dtype;
using nabla::Tensor;
using testing::HasSubstr;

constexpr std::array<Dtype, 6> kAll = {nabla::f32, nabla::i64,   nabla::i32,
                                       nabla::u8,  nabla::bool_, nabla::f64};

using nabla_test::message_of;

// result dtype of torch.ones(2, dtype=A) + torch.ones(2, dtype=B), recorded with torch
// 1.13.1 (python3-torch of Debian) by
//   ds = [float32, float64, int64, int32, uint8, bool]
//   for a in ds: print([(torch.ones(2, dtype=a) + torch.ones(2, dtype=b)).dtype for b in ds])
// Rows are A, columns B, in the order of kTorchOrder. PyTorch promotes float32 with float64
// to float64; nabla refuses that pair (see promote_types in dtype.hpp).
constexpr std::array<Dtype, 6> kTorchOrder = {nabla::f32, nabla::f64, nabla::i64,
                                              nabla::i32, nabla::u8,  nabla::bool_};
constexpr Dtype F32 = nabla::f32, F64 = nabla::f64, I64 = nabla::i64, I32 = nabla::i32,
                U8 = nabla::u8, B = nabla::bool_;
constexpr std::array<std::array<Dtype, 6>, 6> kTorchAdd = {{
    {F32, F64, F32, F32, F32, F32},
    {F64, F64, F64, F64, F64, F64},
    {F32, F64, I64, I64, I64, I64},
    {F32, F64, I64, I32, I32, I32},
    {F32, F64, I64, I32, U8, U8},
    {F32, F64, I64, I32, U8, B},
}};
// The same for a / b (true division), recorded the same way with `/`.
constexpr std::array<std::array<Dtype, 6>, 6> kTorchDiv = {{
    {F32, F64, F32, F32, F32, F32},
    {F64, F64, F64, F64, F64, F64},
    {F32, F64, F32, F32, F32, F32},
    {F32, F64, F32, F32, F32, F32},
    {F32, F64, F32, F32, F32, F32},
    {F32, F64, F32, F32, F32, F32},
}};

bool float32_with_float64(Dtype a, Dtype b) {
  return (a == F32 && b == F64) || (a == F64 && b == F32);
}

TEST(Dtypes, PromotionTableMatchesPyTorch) {
  int checked = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    for (std::size_t j = 0; j < 6; ++j) {
      const Dtype a = kTorchOrder[i], b = kTorchOrder[j];
      SCOPED_TRACE(fmt::format("{} + {}", nabla::dtype_name(a), nabla::dtype_name(b)));
      const Tensor x = nabla::ones({2}, a), y = nabla::ones({2}, b);
      if (float32_with_float64(a, b)) {
        EXPECT_FALSE(nabla::promote_types(a, b).has_value());
        EXPECT_THAT(message_of([&] { (void)(x + y); }), HasSubstr("nabla::add: dtype mismatch"));
        EXPECT_THAT(message_of([&] { (void)(x / y); }), HasSubstr("nabla::div: dtype mismatch"));
        continue;
      }
      ASSERT_TRUE(nabla::promote_types(a, b).has_value());
      EXPECT_EQ(*nabla::promote_types(a, b), kTorchAdd[i][j]);
      EXPECT_EQ((x + y).dtype(), kTorchAdd[i][j]);
      EXPECT_EQ((x * y).dtype(), kTorchAdd[i][j]);
      EXPECT_EQ((x / y).dtype(), kTorchDiv[i][j]);
      // comparisons compute in the promoted dtype and return bool
      EXPECT_EQ((x == y).dtype(), nabla::bool_);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 34);  // 36 pairs, less float32 with float64 both ways
}

TEST(Dtypes, IntegerArithmeticValues) {
  const Tensor a = nabla::tensor({7, -7, 3}, nabla::i64);
  const Tensor b = nabla::tensor({2, 2, -4}, nabla::i64);
  EXPECT_EQ((a + b).dtype(), nabla::i64);
  EXPECT_EQ((a + b).to_vector(), (std::vector<double>{9, -5, -1}));
  EXPECT_EQ((a - b).to_vector(), (std::vector<double>{5, -9, 7}));
  EXPECT_EQ((a * b).to_vector(), (std::vector<double>{14, -14, -12}));
  // true division, as PyTorch's `/`: int64 / int64 is float32
  const Tensor q = a / b;
  EXPECT_EQ(q.dtype(), nabla::f32);
  EXPECT_EQ(q.to_vector(), (std::vector<double>{3.5, -3.5, -0.75}));
  // int32 + int64 → int64, exact beyond int32's range
  const Tensor big =
      nabla::full({1}, 2147483647.0, nabla::i32) + nabla::full({1}, 10.0, nabla::i64);
  EXPECT_EQ(big.dtype(), nabla::i64);
  EXPECT_EQ(big.item<std::int64_t>(), std::int64_t{2147483657});
  // uint8 * bool → uint8: the bool is 0 or 1
  const Tensor m = nabla::tensor({200, 5}, nabla::u8) * nabla::tensor({1, 0}, nabla::bool_);
  EXPECT_EQ(m.dtype(), nabla::u8);
  EXPECT_EQ(m.to_vector(), (std::vector<double>{200, 0}));
  // uint8 + uint8 wraps modulo 256
  EXPECT_EQ((nabla::tensor({200}, nabla::u8) + nabla::tensor({100}, nabla::u8)).item<int>(), 44);
  // bool + float32 → float32 (mask * x)
  const Tensor f = nabla::tensor({1, 0}, nabla::bool_) + nabla::tensor({0.5, 0.5});
  EXPECT_EQ(f.dtype(), nabla::f32);
  EXPECT_EQ(f.to_vector(), (std::vector<double>{1.5, 0.5}));
  // bool + bool stays bool ("or"), bool * bool ("and")
  const Tensor t = nabla::tensor({1, 1, 0}, nabla::bool_),
               u = nabla::tensor({1, 0, 0}, nabla::bool_);
  EXPECT_EQ((t + u).dtype(), nabla::bool_);
  EXPECT_EQ((t + u).to_vector(), (std::vector<double>{1, 1, 0}));
  EXPECT_EQ((t * u).to_vector(), (std::vector<double>{1, 0, 0}));
}

TEST(Dtypes, PythonNumberRule) {
  const Tensor a = nabla::tensor({1, 2}, nabla::i64);
  // a whole number keeps the integer dtype
  EXPECT_EQ((a + 1).dtype(), nabla::i64);
  EXPECT_EQ((a + 1).to_vector(), (std::vector<double>{2, 3}));
  EXPECT_EQ((nabla::tensor({1, 2}, nabla::i32) * 3).dtype(), nabla::i32);
  EXPECT_EQ((nabla::tensor({1, 2}, nabla::u8) - 1).dtype(), nabla::u8);
  // a fraction gives float32
  const Tensor f = a * 2.5;
  EXPECT_EQ(f.dtype(), nabla::f32);
  EXPECT_EQ(f.to_vector(), (std::vector<double>{2.5, 5.0}));
  // a whole number with a bool tensor gives int64 (as torch.tensor([True]) + 1)
  EXPECT_EQ((nabla::tensor({1, 0}, nabla::bool_) + 1).dtype(), nabla::i64);
  // a floating tensor keeps its dtype
  EXPECT_EQ((nabla::ones({2}, nabla::f64) + 1).dtype(), nabla::f64);
}

TEST(Dtypes, NegOnIntegers) {
  const Tensor n = -nabla::tensor({3, -4, 0}, nabla::i64);
  EXPECT_EQ(n.dtype(), nabla::i64);
  EXPECT_EQ(n.to_vector(), (std::vector<double>{-3, 4, 0}));
  EXPECT_EQ((-nabla::tensor({5}, nabla::i32)).item<int>(), -5);
  // uint8 wraps modulo 256, as PyTorch: -1 is 255
  EXPECT_EQ((-nabla::tensor({1, 0}, nabla::u8)).to_vector(), (std::vector<double>{255, 0}));
  EXPECT_THAT(message_of([] { (void)(-nabla::tensor({1}, nabla::bool_)); }),
              HasSubstr("nabla::neg: input is bool [1]"));
}

TEST(Dtypes, BadMixesThrowNamingTheOp) {
  // bool - bool, as PyTorch
  EXPECT_THAT(message_of([] {
                (void)(nabla::tensor({1}, nabla::bool_) - nabla::tensor({0}, nabla::bool_));
              }),
              HasSubstr("nabla::sub: subtracting two bool tensors is not supported"));
  // float32 with float64
  EXPECT_THAT(message_of([] { (void)(nabla::ones({2}) + nabla::ones({2}, nabla::f64)); }),
              HasSubstr("nabla::add: dtype mismatch: float32 [2] and float64 [2]"));
  EXPECT_THAT(message_of([] { (void)(nabla::ones({2}) < nabla::ones({2}, nabla::f64)); }),
              HasSubstr("nabla::lt: dtype mismatch"));
}

TEST(Dtypes, FloatOnlyOpsRefuseIntegersNamingTheDtype) {
  const Tensor i = nabla::tensor({1, 2}, nabla::i64);
  EXPECT_THAT(
      message_of([&] { (void)nabla::exp(i); }),
      HasSubstr("nabla::exp: input is int64, but exp works on floating-point tensors only"));
  EXPECT_THAT(message_of([] { (void)nabla::log(nabla::tensor({1}, nabla::bool_)); }),
              HasSubstr("nabla::log: input is bool"));
  EXPECT_THAT(message_of([] { (void)nabla::sigmoid(nabla::tensor({1}, nabla::i32)); }),
              HasSubstr("nabla::sigmoid: input is int32"));
  EXPECT_THAT(message_of([] { (void)nabla::tanh(nabla::tensor({1}, nabla::u8)); }),
              HasSubstr("nabla::tanh: input is uint8"));
  EXPECT_THAT(message_of([] { (void)nabla::sqrt(nabla::tensor({4}, nabla::i64)); }),
              HasSubstr("nabla::sqrt: input is int64"));
}

TEST(Dtypes, ItemOnBoolConverts) {
  // As PyTorch (float(torch.tensor(True).item()) is 1.0): item<T>() of a bool tensor is 0
  // or 1 in any T, and item<bool>() of a number tensor is "nonzero"; nabla converts rather
  // than refusing.
  const Tensor t = nabla::tensor({1}, nabla::bool_);
  EXPECT_EQ(t.item<float>(), 1.0f);
  EXPECT_EQ(nabla::tensor({0}, nabla::bool_).item<double>(), 0.0);
  EXPECT_EQ(t.item<std::int64_t>(), 1);
  EXPECT_TRUE(nabla::tensor({-0.5}).item<bool>());
  EXPECT_TRUE((nabla::tensor({3}, nabla::i64) == 3.0).item<bool>());
}

TEST(Dtypes, AccuracyIdiom) {
  // the example: argmax == labels is bool, its float mean is the accuracy
  const Tensor labels = nabla::tensor({2, 0, 1}, nabla::i64);
  const Tensor logits = nabla::tensor({{0.0, 1.0, 5.0}, {3.0, 1.0, 0.0}, {2.0, 1.0, 0.0}});
  const Tensor hit = nabla::argmax(logits, 1) == labels;
  EXPECT_EQ(hit.dtype(), nabla::bool_);
  EXPECT_NEAR(hit.to(nabla::f32).mean().item<double>(), 2.0 / 3.0, 1e-7);  // float32 mean
}

// ---- printing ------------------------------------------------------------------------

TEST(DtypesPrint, IntegersAsIntegers) {
  // int64 is the default integer dtype: not named, as PyTorch; the others are
  EXPECT_EQ(nabla::to_string(nabla::tensor({1, 2, 3}, nabla::i64)), "tensor([1, 2, 3], shape=[3])");
  // right-aligned columns, as PyTorch's tensor([[ 1, 20], [ 3, 4]])
  EXPECT_EQ(nabla::to_string(nabla::tensor({{1, 20}, {3, 4}}, nabla::i32)),
            "tensor([[ 1, 20],\n        [ 3,  4]], shape=[2, 2], dtype=int32)");
  EXPECT_EQ(nabla::to_string(nabla::tensor({-1, 2}, nabla::i32)),
            "tensor([-1,  2], shape=[2], dtype=int32)");
  EXPECT_EQ(nabla::to_string(nabla::tensor({255, 0}, nabla::u8)),
            "tensor([255,   0], shape=[2], dtype=uint8)");
  EXPECT_EQ(nabla::to_string(nabla::scalar_tensor(7, nabla::i64)), "tensor(7, shape=[])");
  // exact past 2^53, where a double would round
  const Tensor big = nabla::full({1}, 9007199254740992.0, nabla::i64) + 1;
  EXPECT_EQ(nabla::to_string(big), "tensor([9007199254740993], shape=[1])");
}

TEST(DtypesPrint, BoolsAsTrueFalse) {
  // True/False already say bool: the dtype is not named, as PyTorch
  EXPECT_EQ(nabla::to_string(nabla::tensor({1, 0}, nabla::bool_)),
            "tensor([ True, False], shape=[2])");
  EXPECT_EQ(nabla::to_string(nabla::tensor({1, 1}, nabla::bool_)),
            "tensor([True, True], shape=[2])");
  EXPECT_EQ(nabla::to_string(nabla::scalar_tensor(1, nabla::bool_)), "tensor(True, shape=[])");
}

TEST(DtypesPrint, OnlyNonDefaultDtypesAreNamed) {
  EXPECT_EQ(nabla::to_string(nabla::tensor({1.5, 2.0})), "tensor([1.5000, 2.0000], shape=[2])");
  EXPECT_EQ(nabla::to_string(nabla::tensor({1.5, 2.0}, nabla::f64)),
            "tensor([1.5000, 2.0000], shape=[2], dtype=float64)");
  EXPECT_EQ(nabla::to_string(nabla::ones({2}, nabla::f64).requires_grad_()),
            "tensor([1.0000, 1.0000], shape=[2], dtype=float64, requires_grad=true)");
  // an empty tensor has no values to tell int64 and bool by: only float32 goes unnamed
  EXPECT_EQ(nabla::to_string(nabla::zeros({0})), "tensor([], shape=[0])");
  EXPECT_EQ(nabla::to_string(nabla::zeros({0}, nabla::f64)),
            "tensor([], shape=[0], dtype=float64)");
  EXPECT_EQ(nabla::to_string(nabla::zeros({2, 0}, nabla::bool_)),
            "tensor([], shape=[2, 0], dtype=bool)");
}

TEST(DtypesPrint, LargeIntegerTensorsAreSummarized) {
  // as PyTorch (which pads the ellipsis too: "2,  ..., 1997"); nabla keeps its float format
  EXPECT_THAT(nabla::to_string(nabla::arange(2000.0, nabla::i64)),
              HasSubstr("tensor([   0,    1,    2, ..., 1997, 1998, 1999], shape=[2000]"));
  EXPECT_EQ(nabla::to_string(nabla::zeros({0}, nabla::i64)), "tensor([], shape=[0], dtype=int64)");
}

}  // namespace
