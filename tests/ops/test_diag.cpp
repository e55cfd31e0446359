// Tests of ops/diag.cpp: a vector to a diagonal matrix, a matrix's diagonal to a vector.

#include <limits>

#include "ops/linalg_test_util.hpp"

namespace test_diag {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), with pat and run of linalg_test_util.hpp:
//   run(lambda x: torch.diag(x, 1), pat((3,)));  run(lambda x: torch.diag(x, -2), pat((2,)))
TEST(Diag, VectorToMatrixMatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::diag(pattern({3}, 7, 11, d), 1), {4, 4},
                  {0, -1.25, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, -0.5, 0, 0, 0, 0}, d);
    expect_tensor(nabla::diag(pattern({2}, 7, 11, d), -2), {4, 4},
                  {0, 0, 0, 0, 0, 0, 0, 0, -1.25, 0, 0, 0, 0, 0.5, 0, 0}, d);
  }
  auto g = pattern_grads([](const std::vector<Tensor>& in) { return nabla::diag(in[0], 1); },
                         {pattern({3})});
  expect_tensor(g[0], {3}, {2.0, 2.25, 2.5}, nabla::f64);
  g = pattern_grads([](const std::vector<Tensor>& in) { return nabla::diag(in[0], -2); },
                    {pattern({2})});
  expect_tensor(g[0], {2}, {2.0, 2.25}, nabla::f64);
}

//   run(lambda x: torch.diag(x, 1), pat((3,4)));  run(lambda x: torch.diag(x, -1), pat((3,4)))
TEST(Diag, MatrixToVectorMatchesPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::diag(pattern({3, 4}, 7, 11, d), 1), {3}, {0.5, 1.0, -1.25}, d);
    expect_tensor(nabla::diag(pattern({3, 4}, 7, 11, d), -1), {2}, {0.25, 0.75}, d);
  }
  auto g = pattern_grads([](const std::vector<Tensor>& in) { return nabla::diag(in[0], 1); },
                         {pattern({3, 4})});
  expect_tensor(g[0], {3, 4}, {0, 1.25, 0, 0, 0, 0, 2.0, 0, 0, 0, 0, 2.75}, nabla::f64);
  g = pattern_grads([](const std::vector<Tensor>& in) { return nabla::diag(in[0], -1); },
                    {pattern({3, 4})});
  expect_tensor(g[0], {3, 4}, {0, 0, 0, 0, 1.25, 0, 0, 0, 0, 2.0, 0, 0}, nabla::f64);
}

TEST(Diag, MatrixDiagonalIsACopy) {
  // as PyTorch's diag (diagonal gives the view)
  Tensor x = nabla::zeros({2, 2}, nabla::f64);
  Tensor d = nabla::diag(x);
  EXPECT_FALSE(d.is_same_storage(x));
  d.fill_(1.0);
  expect_tensor(x, {2, 2}, {0, 0, 0, 0}, nabla::f64);
}

TEST(Diag, TakesViewsAndAnyDtype) {
  const Tensor v = normal({6}, 1);
  const Tensor stepped = nabla::slice(v, 0, 0, std::nullopt, 2);
  expect_same_values(nabla::diag(stepped, -1), nabla::diag(nabla::contiguous(stepped), -1));
  const Tensor m = normal({3, 5}, 2);
  expect_same_values(nabla::diag(nabla::transpose(m), 1),
                     nabla::diag(nabla::contiguous(nabla::transpose(m)), 1));
  const Tensor b = nabla::tensor(std::vector<double>{1, 0}, {2}, nabla::bool_);
  expect_tensor(nabla::diag(b), {2, 2}, {1, 0, 0, 0}, nabla::bool_);
}

TEST(Diag, DiagonalOutsideTheMatrixIsEmpty) {
  EXPECT_EQ(nabla::diag(nabla::zeros({3, 4}), 5).shape(), (Shape{0}));
  EXPECT_EQ(nabla::diag(nabla::zeros({3, 4}), -5).shape(), (Shape{0}));
}

TEST(Diag, GradientsOfFirstAndSecondOrderMatchFiniteDifferences) {
  for (std::int64_t k : {0, 2, -1}) {
    SCOPED_TRACE(k);
    const nabla::Function fn = [k](const std::vector<Tensor>& in) { return nabla::diag(in[0], k); };
    expect_gradients_match(fn, {normal({3}, 3)});
    expect_gradients_match(fn, {normal({3, 4}, 4)});
    expect_nonzero_gradient(fn, {normal({3, 4}, 4)});
  }
}

TEST(Diag, RejectsOtherRanks) {
  EXPECT_THAT(
      message_of([] {
        nabla::diag(nabla::zeros({2, 3, 4}));
      }),
      AllOf(HasSubstr("nabla::diag"), HasSubstr("1-d"), HasSubstr("2-d"), HasSubstr("[2, 3, 4]")));
  EXPECT_THAT(message_of([] { nabla::diag(nabla::scalar_tensor(1.0)); }),
              AllOf(HasSubstr("nabla::diag"), HasSubstr("[]")));
  EXPECT_THAT(message_of([] { nabla::diag(Tensor()); }), HasSubstr("undefined"));
}

TEST(Diag, RejectsADiagonalTooFarForTheMatrix) {
  EXPECT_THAT(message_of([] { nabla::diag(nabla::zeros({3}), std::int64_t{1} << 40); }),
              AllOf(HasSubstr("nabla::diag"), HasSubstr("1099511627776")));
  EXPECT_THAT(
      message_of([] { nabla::diag(nabla::zeros({3}), std::numeric_limits<std::int64_t>::min()); }),
      AllOf(HasSubstr("nabla::diag"), HasSubstr("too large")));
}

}  // namespace
}  // namespace test_diag
