// Tests of ops/triu.cpp: the upper triangle of each matrix.

#include "ops/linalg_test_util.hpp"

namespace test_triu {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), with pat of linalg_test_util.hpp:
//   for k in [0, 1, -1, 5, -5]: torch.triu(pat((3,4)), k).flatten().tolist()
TEST(Triu, ValuesMatchPyTorch) {
  const std::vector<std::pair<std::int64_t, std::vector<double>>> cases = {
      {0, {-1.25, 0.5, -0.5, 1.25, 0, -0.75, 1.0, 0, 0, 0, -0.25, -1.25}},
      {1, {0, 0.5, -0.5, 1.25, 0, 0, 1.0, 0, 0, 0, 0, -1.25}},
      {-1, {-1.25, 0.5, -0.5, 1.25, 0.25, -0.75, 1.0, 0, 0, 0.75, -0.25, -1.25}},
      {5, std::vector<double>(12, 0.0)},
      {-5, {-1.25, 0.5, -0.5, 1.25, 0.25, -0.75, 1.0, 0, -1.0, 0.75, -0.25, -1.25}}};
  for (const auto& [k, expected] : cases) {
    SCOPED_TRACE(k);
    for (Dtype d : kDtypes)
      expect_tensor(nabla::triu(pattern({3, 4}, 7, 11, d), k), {3, 4}, expected, d);
  }
}

TEST(Triu, BatchedIsEachMatrixsTriangle) {
  const Tensor x = normal({3, 2, 4}, 1);
  const Tensor r = nabla::triu(x, 1);
  for (std::int64_t i = 0; i < 3; ++i) {
    expect_same_values(nabla::select(r, 0, i), nabla::triu(nabla::select(x, 0, i), 1));
  }
}

TEST(Triu, GradientIsTheUpperTriangleOfTheOutputGradient) {
  const auto g = pattern_grads([](const std::vector<Tensor>& in) { return nabla::triu(in[0], -1); },
                               {pattern({3, 3})});
  const auto w = nabla::add(pattern({3, 3}, 3, 7), 2.0).to_vector();
  expect_tensor(g[0], {3, 3}, {w[0], w[1], w[2], w[3], w[4], w[5], 0, w[7], w[8]}, nabla::f64);
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::triu(in[0], 1); };
  expect_gradients_match(fn, {normal({2, 3, 4}, 2)});
  expect_nonzero_gradient(fn, {normal({2, 3, 4}, 2)});
}

TEST(Triu, TakesViewsAndAnyDtype) {
  const Tensor base = normal({2, 4, 3}, 3);
  const Tensor t = nabla::transpose(base, 1, 2);
  expect_same_values(nabla::triu(t, -1), nabla::triu(nabla::contiguous(t), -1));
  const Tensor s = nabla::slice(normal({3, 8}, 4), 1, 1, std::nullopt, 2);
  expect_same_values(nabla::triu(s), nabla::triu(nabla::contiguous(s)));
  const Tensor u = nabla::tensor(std::vector<double>{1, 2, 3, 4}, {2, 2}, nabla::u8);
  expect_tensor(nabla::triu(u), {2, 2}, {1, 2, 0, 4}, nabla::u8);
}

TEST(Triu, RejectsRankBelowTwo) {
  EXPECT_THAT(message_of([] { nabla::triu(nabla::zeros({4})); }),
              AllOf(HasSubstr("nabla::triu"), HasSubstr("rank 2 or more"), HasSubstr("[4]")));
  EXPECT_THAT(message_of([] { nabla::triu(Tensor()); }),
              AllOf(HasSubstr("nabla::triu"), HasSubstr("undefined")));
}

}  // namespace
}  // namespace test_triu
