// Tests of ops/diagonal.cpp: a diagonal across two axes, as a view.

#include "ops/linalg_test_util.hpp"

namespace test_diagonal {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), with pat and run of linalg_test_util.hpp:
//   run(lambda x: torch.diagonal(x, 1, 0, -1), pat((3,2,4)))
//   run(lambda x: torch.diagonal(x, -1, 2, 0), pat((3,2,4)))   (the same diagonal)
//   run(lambda x: torch.diagonal(x), pat((3,4)))
TEST(Diagonal, ValuesAndGradientsMatchPyTorch) {
  const std::vector<double> value = {0.5, -0.25, -1.0, -0.75, 1.25, 0.5};
  const std::vector<double> grad = {0.0, 1.25, 0.0, 0.0, 0.0, 1.75, 0.0, 0.0,  0.0, 0.0, 2.0, 0.0,
                                    0.0, 0.0,  2.5, 0.0, 0.0, 0.0,  0.0, 2.75, 0.0, 0.0, 0.0, 1.5};
  for (const auto& [offset, d1, d2] : {std::tuple{1, 0, -1}, std::tuple{-1, 2, 0}}) {
    SCOPED_TRACE(::testing::Message() << "offset " << offset << ", dims " << d1 << ", " << d2);
    for (Dtype d : kDtypes) {
      expect_tensor(nabla::diagonal(pattern({3, 2, 4}, 7, 11, d), offset, d1, d2), {2, 3}, value,
                    d);
    }
    const auto g = pattern_grads(
        [=](const std::vector<Tensor>& in) { return nabla::diagonal(in[0], offset, d1, d2); },
        {pattern({3, 2, 4})});
    expect_tensor(g[0], {3, 2, 4}, grad, nabla::f64);
  }
  expect_tensor(nabla::diagonal(pattern({3, 4})), {3}, {-1.25, -0.75, -0.25}, nabla::f64);
  const auto g = pattern_grads([](const std::vector<Tensor>& in) { return nabla::diagonal(in[0]); },
                               {pattern({3, 4})});
  expect_tensor(g[0], {3, 4}, {1.25, 0, 0, 0, 0, 2.0, 0, 0, 0, 0, 2.75, 0}, nabla::f64);
}

TEST(Diagonal, IsAViewThatWritesThrough) {
  Tensor x = nabla::zeros({3, 3}, nabla::f64);
  Tensor d = nabla::diagonal(x, 1);
  EXPECT_TRUE(d.is_same_storage(x));
  EXPECT_EQ(d.shape(), (Shape{2}));
  d.fill_(5.0);
  expect_tensor(x, {3, 3}, {0, 5, 0, 0, 0, 5, 0, 0, 0}, nabla::f64);
}

TEST(Diagonal, OfViews) {
  // a transposed matrix and a stepped slice: the diagonal of the view is the view's
  const Tensor m = pattern({4, 6});
  const Tensor t = nabla::transpose(m);                     // [6,4]
  const Tensor s = nabla::slice(m, 1, 0, std::nullopt, 2);  // [4,3]
  expect_same_values(nabla::diagonal(t, -1), nabla::diagonal(nabla::contiguous(t), -1));
  expect_same_values(nabla::diagonal(s, 1), nabla::diagonal(nabla::contiguous(s), 1));
  // s[k][k+1] = m[k][2(k+1)] for k = 0, 1: flat 2 and 10
  const auto mv = m.to_vector();
  expect_tensor(nabla::diagonal(s, 1), {2}, {mv[2], mv[10]}, nabla::f64);
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::diagonal(nabla::slice(in[0], 1, 0, std::nullopt, 2), 1);
      },
      {normal({4, 6}, 1)});
}

TEST(Diagonal, OutsideTheMatrixIsEmpty) {
  // as PyTorch: torch.diagonal(torch.zeros(3, 4), 7).shape == (0,)
  EXPECT_EQ(nabla::diagonal(nabla::zeros({3, 4}), 7).shape(), (Shape{0}));
  EXPECT_EQ(nabla::diagonal(nabla::zeros({3, 4}), -3).shape(), (Shape{0}));
  EXPECT_EQ(nabla::diagonal(nabla::zeros({2, 3, 4}), 4, 1, 2).shape(), (Shape{2, 0}));
}

TEST(Diagonal, GradientsOfFirstAndSecondOrderMatchFiniteDifferences) {
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::diagonal(in[0], -1, 1, 2);
  };
  expect_gradients_match(fn, {normal({2, 4, 3}, 2)});
  expect_nonzero_gradient(fn, {normal({2, 4, 3}, 2)});
}

TEST(Diagonal, TakesAnyDtype) {
  const Tensor i = nabla::tensor(std::vector<double>{1, 2, 3, 4}, {2, 2}, nabla::i32);
  expect_tensor(nabla::diagonal(i), {2}, {1, 4}, nabla::i32);
}

TEST(Diagonal, RejectsRankBelowTwo) {
  EXPECT_THAT(message_of([] { nabla::diagonal(nabla::zeros({3})); }),
              AllOf(HasSubstr("nabla::diagonal"), HasSubstr("rank 2 or more"), HasSubstr("[3]")));
  EXPECT_THROW(nabla::diagonal(nabla::scalar_tensor(1.0)), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::diagonal(Tensor()); }), HasSubstr("undefined"));
}

TEST(Diagonal, RejectsDimsOutsideTheRankOrEqual) {
  const Tensor x = nabla::zeros({2, 3, 4});
  EXPECT_THROW(nabla::diagonal(x, 0, 3, 1), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::diagonal(x, 0, 0, -4); }),
              AllOf(HasSubstr("nabla::diagonal"), HasSubstr("axis -4")));
  EXPECT_THROW(nabla::diagonal(x, 0, 1, -2), std::invalid_argument);
  EXPECT_THAT(
      message_of([&] { nabla::diagonal(x, 0, 1, -2); }),
      AllOf(HasSubstr("nabla::diagonal"), HasSubstr("same axis 1"), HasSubstr("[2, 3, 4]")));
}

}  // namespace
}  // namespace test_diagonal
