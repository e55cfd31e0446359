// Tests of ops/dot.cpp: the dot product of two vectors.

#include "ops/linalg_test_util.hpp"

namespace test_dot {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

const nabla::Function kDot = [](const std::vector<Tensor>& in) { return nabla::dot(in[0], in[1]); };

// Recorded from PyTorch 1.13 (python3-torch), with pat and run of linalg_test_util.hpp:
//   run(torch.dot, pat((5,)), pat((5,), 5, 13))
TEST(Dot, ValueAndGradientsMatchPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::dot(pattern({5}, 7, 11, d), pattern_b({5}, d)), {}, {0.0625}, d);
  }
  const auto g = pattern_grads(kDot, {pattern({5}), pattern_b({5})});
  // the weight of a 0-d result is pat((), 3, 7) + 2 = 1.25
  expect_tensor(g[0], {5}, {-1.875, -0.3125, 1.25, -1.25, 0.3125}, nabla::f64);
  expect_tensor(g[1], {5}, {-1.5625, 0.625, -0.625, 1.5625, 0.3125}, nabla::f64);
}

TEST(Dot, GradientsOfFirstAndSecondOrderMatchFiniteDifferences) {
  expect_gradients_match(kDot, {normal({6}, 1), normal({6}, 2)});
  expect_nonzero_gradient(kDot, {normal({6}, 1), normal({6}, 2)});
}

TEST(Dot, TakesStridedVectors) {
  // a row of a transposed matrix (stride 3) and every third element of a vector
  const Tensor m = normal({4, 3}, 3);
  const Tensor v = normal({12}, 4);
  const Tensor row = nabla::select(nabla::transpose(m), 0, 1);
  const Tensor stepped = nabla::slice(v, 0, 0, std::nullopt, 3);
  expect_same_values(nabla::dot(row, stepped),
                     nabla::dot(nabla::contiguous(row), nabla::contiguous(stepped)));
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::dot(nabla::select(nabla::transpose(in[0]), 0, 1),
                          nabla::slice(in[1], 0, 0, std::nullopt, 3));
      },
      {m, v});
}

TEST(Dot, EmptyVectorsGiveZero) {
  expect_tensor(nabla::dot(nabla::ones({0}, nabla::f64), nabla::ones({0}, nabla::f64)), {}, {0},
                nabla::f64);
}

TEST(Dot, RejectsOperandsThatAreNotVectors) {
  EXPECT_THAT(
      message_of([] {
        nabla::dot(nabla::ones({3, 1}), nabla::ones({3}));
      }),
      AllOf(HasSubstr("nabla::dot"), HasSubstr("1-d"), HasSubstr("[3, 1]"), HasSubstr("[3]")));
  EXPECT_THAT(message_of([] { nabla::dot(nabla::ones({1}), nabla::scalar_tensor(1.0)); }),
              AllOf(HasSubstr("nabla::dot"), HasSubstr("[1]"), HasSubstr("[]")));
  EXPECT_THAT(message_of([] { nabla::dot(nabla::ones({1}), Tensor()); }),
              AllOf(HasSubstr("nabla::dot"), HasSubstr("b is an undefined tensor")));
}

TEST(Dot, RejectsDifferentLengths) {
  EXPECT_THAT(message_of([] { nabla::dot(nabla::ones({3}), nabla::ones({4})); }),
              AllOf(HasSubstr("nabla::dot"), HasSubstr("lengths differ: 3 and 4")));
}

TEST(Dot, RejectsMixedAndIntegerDtypes) {
  EXPECT_THAT(
      message_of([] { nabla::dot(nabla::ones({2}, nabla::f32), nabla::ones({2}, nabla::f64)); }),
      AllOf(HasSubstr("nabla::dot"), HasSubstr("float32"), HasSubstr("float64")));
  EXPECT_THAT(
      message_of([] { nabla::dot(nabla::ones({2}, nabla::i64), nabla::ones({2}, nabla::i64)); }),
      AllOf(HasSubstr("nabla::dot"), HasSubstr("int64")));
}

}  // namespace
}  // namespace test_dot
