// Tests of ops/outer.cpp: the outer product of two vectors.

#include "ops/linalg_test_util.hpp"

namespace test_outer {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

const nabla::Function kOuter = [](const std::vector<Tensor>& in) {
  return nabla::outer(in[0], in[1]);
};

// Recorded from PyTorch 1.13 (python3-torch), with pat and run of linalg_test_util.hpp:
//   run(torch.outer, pat((3,)), pat((4,), 5, 13))
TEST(Outer, ValuesAndGradientsMatchPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::outer(pattern({3}, 7, 11, d), pattern_b({4}, d)), {3, 4},
                  {1.875, 0.3125, -1.25, 1.25, -0.75, -0.125, 0.5, -0.5, 0.75, 0.125, -0.5, 0.5},
                  d);
  }
  const auto g = pattern_grads(kOuter, {pattern({3}), pattern_b({4})});
  expect_tensor(g[0], {3}, {-1.375, -3.125, -4.4375}, nabla::f64);
  expect_tensor(g[1], {4}, {-1.3125, -3.125, -3.1875, -2.8125}, nabla::f64);
}

TEST(Outer, GradientsOfFirstAndSecondOrderMatchFiniteDifferences) {
  expect_gradients_match(kOuter, {normal({3}, 1), normal({5}, 2)});
  expect_nonzero_gradient(kOuter, {normal({3}, 1), normal({5}, 2)});
}

TEST(Outer, TakesStridedVectors) {
  // a column of a matrix (stride 4) and every second element of a vector
  const Tensor m = normal({3, 4}, 3);
  const Tensor v = normal({8}, 4);
  const Tensor col = nabla::select(m, 1, 2);
  const Tensor stepped = nabla::slice(v, 0, 1, std::nullopt, 2);
  expect_same_values(nabla::outer(col, stepped),
                     nabla::outer(nabla::contiguous(col), nabla::contiguous(stepped)));
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::outer(nabla::select(in[0], 1, 2), nabla::slice(in[1], 0, 1, std::nullopt, 2));
      },
      {m, v});
}

TEST(Outer, PromotesAsMul) {
  // Recorded from PyTorch 1.13: torch.outer(torch.tensor([1, 2]), torch.tensor([0.5, 1.5]))
  //   → tensor([[0.5, 1.5], [1.0, 3.0]]) (float32)
  const Tensor i = nabla::tensor(std::vector<double>{1, 2}, {2}, nabla::i64);
  const Tensor f = nabla::tensor(std::vector<double>{0.5, 1.5}, {2}, nabla::f32);
  expect_tensor(nabla::outer(i, f), {2, 2}, {0.5, 1.5, 1.0, 3.0}, nabla::f32);
}

TEST(Outer, RejectsOperandsThatAreNotVectors) {
  EXPECT_THAT(
      message_of([] {
        nabla::outer(nabla::ones({3, 1}), nabla::ones({2}));
      }),
      AllOf(HasSubstr("nabla::outer"), HasSubstr("1-d"), HasSubstr("[3, 1]"), HasSubstr("[2]")));
  EXPECT_THAT(message_of([] { nabla::outer(nabla::ones({3}), nabla::scalar_tensor(1.0)); }),
              AllOf(HasSubstr("nabla::outer"), HasSubstr("[3]"), HasSubstr("[]")));
  EXPECT_THAT(message_of([] { nabla::outer(Tensor(), nabla::ones({2})); }),
              AllOf(HasSubstr("nabla::outer"), HasSubstr("undefined")));
}

TEST(Outer, RejectsFloat32WithFloat64) {
  EXPECT_THAT(
      message_of([] { nabla::outer(nabla::ones({2}, nabla::f32), nabla::ones({2}, nabla::f64)); }),
      AllOf(HasSubstr("nabla::outer"), HasSubstr("float32"), HasSubstr("float64")));
}

}  // namespace
}  // namespace test_outer
