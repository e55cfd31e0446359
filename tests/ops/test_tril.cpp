// Tests of ops/tril.cpp: the lower triangle of each matrix.

#include <limits>

#include "ops/linalg_test_util.hpp"

namespace test_tril {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), with pat of linalg_test_util.hpp:
//   for k in [0, 1, -1, 5, -5]: torch.tril(pat((2,3,3)), k).flatten().tolist()
TEST(Tril, BatchedValuesMatchPyTorch) {
  const std::vector<std::pair<std::int64_t, std::vector<double>>> cases = {
      {0, {-1.25, 0, 0, 1.25, 0.25, 0, 1.0, 0, -1.0, 0.75, 0, 0, 0.5, -0.5, 0, 0.25, -0.75, 1.0}},
      {1,
       {-1.25, 0.5, 0, 1.25, 0.25, -0.75, 1.0, 0, -1.0, 0.75, -0.25, 0, 0.5, -0.5, 1.25, 0.25,
        -0.75, 1.0}},
      {-1, {0, 0, 0, 1.25, 0, 0, 1.0, 0, 0, 0, 0, 0, 0.5, 0, 0, 0.25, -0.75, 0}},
      {5,
       {-1.25, 0.5, -0.5, 1.25, 0.25, -0.75, 1.0, 0, -1.0, 0.75, -0.25, -1.25, 0.5, -0.5, 1.25,
        0.25, -0.75, 1.0}},
      {-5, std::vector<double>(18, 0.0)}};
  for (const auto& [k, expected] : cases) {
    SCOPED_TRACE(k);
    for (Dtype d : kDtypes)
      expect_tensor(nabla::tril(pattern({2, 3, 3}, 7, 11, d), k), {2, 3, 3}, expected, d);
  }
}

TEST(Tril, GradientIsTheLowerTriangleOfTheOutputGradient) {
  // the recordings' weights pat((3,4), 3, 7) + 2 masked the same way
  const auto g = pattern_grads([](const std::vector<Tensor>& in) { return nabla::tril(in[0], 1); },
                               {pattern({3, 4})});
  const auto w = nabla::add(pattern({3, 4}, 3, 7), 2.0).to_vector();
  expect_tensor(g[0], {3, 4}, {w[0], w[1], 0, 0, w[4], w[5], w[6], 0, w[8], w[9], w[10], w[11]},
                nabla::f64);
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::tril(in[0], -1); };
  expect_gradients_match(fn, {normal({2, 3, 4}, 1)});
  expect_nonzero_gradient(fn, {normal({2, 3, 4}, 1)});
}

TEST(Tril, TakesViewsAndAnyDtype) {
  const Tensor base = normal({2, 4, 3}, 2);
  const Tensor t = nabla::transpose(base, 1, 2);  // [2,3,4]
  expect_same_values(nabla::tril(t), nabla::tril(nabla::contiguous(t)));
  const Tensor s = nabla::slice(normal({3, 8}, 3), 1, 0, std::nullopt, 2);
  expect_same_values(nabla::tril(s, 1), nabla::tril(nabla::contiguous(s), 1));
  const Tensor e = nabla::expand(normal({1, 3}, 4), {3, 3});
  expect_same_values(nabla::tril(e), nabla::tril(nabla::contiguous(e)));
  const Tensor i = nabla::tensor(std::vector<double>{1, 2, 3, 4}, {2, 2}, nabla::i64);
  expect_tensor(nabla::tril(i), {2, 2}, {1, 0, 3, 4}, nabla::i64);
  const Tensor b = nabla::tensor(std::vector<double>{1, 1, 1, 1}, {2, 2}, nabla::bool_);
  expect_tensor(nabla::tril(b), {2, 2}, {1, 0, 1, 1}, nabla::bool_);
}

TEST(Tril, ExtremeDiagonalsKeepAllOrNothing) {
  const Tensor x = normal({2, 3}, 5);
  expect_same_values(nabla::tril(x, std::numeric_limits<std::int64_t>::max()), x);
  expect_same_values(nabla::tril(x, std::numeric_limits<std::int64_t>::min()),
                     nabla::zeros({2, 3}, nabla::f64));
  EXPECT_EQ(nabla::tril(nabla::zeros({0, 3})).shape(), (Shape{0, 3}));
}

TEST(Tril, RejectsRankBelowTwo) {
  EXPECT_THAT(message_of([] { nabla::tril(nabla::zeros({3})); }),
              AllOf(HasSubstr("nabla::tril"), HasSubstr("rank 2 or more"), HasSubstr("[3]")));
  EXPECT_THAT(message_of([] { nabla::tril(nabla::scalar_tensor(1.0)); }), HasSubstr("[]"));
  EXPECT_THAT(message_of([] { nabla::tril(Tensor()); }),
              AllOf(HasSubstr("nabla::tril"), HasSubstr("undefined")));
}

}  // namespace
}  // namespace test_tril
