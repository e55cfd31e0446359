// Tests of ops/argmax.cpp: the index of the maximum along an axis, as int64, not
// differentiable.

#include "ops/op_test_util.hpp"

namespace test_argmax {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// [[1, 5, 5], [7, -2, 3]]: row 0 has a tie
Tensor with_tie(Dtype d) {
  return nabla::tensor({{1.0, 5.0, 5.0}, {7.0, -2.0, 3.0}}, d);
}

TEST(Argmax, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // ties go to the first index
    expect_tensor(nabla::argmax(with_tie(d), 1), {2}, {1, 0}, nabla::i64);
    expect_tensor(nabla::argmax(with_tie(d), -1, true), {2, 1}, {1, 0}, nabla::i64);
    expect_tensor(nabla::argmax(with_tie(d), 0), {3}, {1, 0, 0}, nabla::i64);
    expect_tensor(nabla::argmax(with_tie(d), 0, true), {1, 3}, {1, 0, 0}, nabla::i64);
    expect_tensor(nabla::argmax(nabla::tensor({-3.0, -1.0, -2.0}, d), 0), {}, {1}, nabla::i64);
    // a NaN is the maximum
    expect_tensor(nabla::argmax(nabla::tensor({1.0, 3.0, kNaN, 4.0}, d), 0), {}, {2}, nabla::i64);
  }
}

TEST(Argmax, Rank3) {
  // x[i][j][k] = 4i + 2j + k: along axis 2 the last index, along axis 0 the last
  const Tensor x = nabla::arange(0.0, 8.0, 1.0, nabla::f64).reshape({2, 2, 2});
  expect_tensor(nabla::argmax(x, 2), {2, 2}, {1, 1, 1, 1}, nabla::i64);
  expect_tensor(nabla::argmax(x, 0), {2, 2}, {1, 1, 1, 1}, nabla::i64);
  // reversed along axis 1: the first index
  expect_tensor(nabla::argmax(nabla::neg(x), 1), {2, 2}, {0, 0, 0, 0}, nabla::i64);
}

TEST(Argmax, ResultDoesNotRequireGrad) {
  Tensor x = with_tie(nabla::f64).requires_grad_();
  const Tensor i = nabla::argmax(x, 1);
  EXPECT_FALSE(i.requires_grad());
  EXPECT_EQ(i.grad_fn(), nullptr);
  expect_tensor(i, {2}, {1, 0}, nabla::i64);
}

TEST(Argmax, MatchesTheMaximum) {
  const Tensor x = normal({4, 6}, 5);
  const auto idx = nabla::argmax(x, 1).to_vector();
  const auto mx = nabla::max(x, 1).values.to_vector();
  const auto v = x.to_vector();
  for (std::size_t r = 0; r < 4; ++r) {
    EXPECT_EQ(v[r * 6 + static_cast<std::size_t>(idx[r])], mx[r]) << "row " << r;
  }
}

TEST(Argmax, RejectsAxisOutOfRange) {
  const Tensor x = nabla::ones({3, 4});
  EXPECT_THROW(nabla::argmax(x, 2), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::argmax(x, 2); }),
              AllOf(HasSubstr("nabla::argmax"), HasSubstr("axis 2"), HasSubstr("rank 2")));
  EXPECT_THROW(nabla::argmax(nabla::scalar_tensor(1.0), 0), std::out_of_range);
}

TEST(Argmax, IntegerInputs) {
  // [[3, 9, 9], [-4, 0, -1]] and the same as uint8 (+4): ties go to the first index
  for (Dtype d : {nabla::i64, nabla::i32}) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{3.0, 9.0, 9.0}, {-4.0, 0.0, -1.0}}, d);
    expect_tensor(nabla::argmax(x, 1), {2}, {1, 1}, nabla::i64);
    expect_tensor(nabla::argmax(x, 0), {3}, {0, 0, 0}, nabla::i64);
  }
  // 250 > 7 as uint8 (no sign)
  expect_tensor(nabla::argmax(nabla::tensor({7.0, 250.0, 3.0}, nabla::u8), 0), {}, {1}, nabla::i64);
  // an int64 past 2^53 still compares exactly
  const Tensor big = nabla::tensor({9007199254740993.0, 9007199254740992.0}, nabla::i64) +
                     nabla::tensor({0.0, 1.0}, nabla::i64);
  expect_tensor(nabla::argmax(big, 0), {}, {1}, nabla::i64);
}

TEST(Argmax, EqualsLabelsAsBool) {
  // the accuracy idiom: argmax(logits, 1) == labels, both int64
  const Tensor logits = nabla::tensor({{0.1, 2.0, -1.0}, {3.0, 0.0, 0.5}, {0.0, 0.0, 4.0}});
  const Tensor labels = nabla::tensor({1, 2, 2}, nabla::i64);
  const Tensor hit = nabla::argmax(logits, 1) == labels;
  expect_tensor(hit, {3}, {1, 0, 1}, nabla::bool_);
  EXPECT_NEAR(hit.to(nabla::f32).mean().item<double>(), 2.0 / 3.0, 1e-6);
}

TEST(Argmax, RejectsBool) {
  EXPECT_THAT(message_of([] {
                (void)nabla::argmax(nabla::tensor({1.0, 0.0}, nabla::bool_), 0);
              }),
              HasSubstr("nabla::argmax: input is bool [2]"));
}

TEST(Argmax, RejectsEmptyAxis) {
  EXPECT_THROW(nabla::argmax(nabla::zeros({0}), 0), std::invalid_argument);
  EXPECT_THAT(message_of([] {
                nabla::argmax(nabla::zeros({3, 0}), 1);
              }),
              AllOf(HasSubstr("nabla::argmax"), HasSubstr("[3, 0]")));
}

}  // namespace
}  // namespace test_argmax
