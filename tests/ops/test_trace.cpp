// Tests of ops/trace.cpp: the sum of a matrix's main diagonal.

#include "ops/linalg_test_util.hpp"

namespace test_trace {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// Recorded from PyTorch 1.13 (python3-torch), with pat and run of linalg_test_util.hpp:
//   run(torch.trace, pat((3,4)))
TEST(Trace, ValueAndGradientMatchPyTorch) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::trace(pattern({3, 4}, 7, 11, d)), {}, {-2.25}, d);
  }
  const auto g = pattern_grads([](const std::vector<Tensor>& in) { return nabla::trace(in[0]); },
                               {pattern({3, 4})});
  expect_tensor(g[0], {3, 4}, {1.25, 0, 0, 0, 0, 1.25, 0, 0, 0, 0, 1.25, 0}, nabla::f64);
}

//   torch.trace(torch.arange(12).reshape(3, 4)) → tensor(15) (int64)
TEST(Trace, IntegerMatrixGivesInt64) {
  std::vector<double> v(12);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);
  expect_tensor(nabla::trace(nabla::tensor(v, {3, 4}, nabla::i32)), {}, {15}, nabla::i64);
}

TEST(Trace, OfViews) {
  const Tensor m = normal({4, 6}, 1);
  const Tensor t = nabla::transpose(m);
  const Tensor s = nabla::slice(m, 1, 1, std::nullopt, 2);  // [4,3]
  expect_same_values(nabla::trace(t), nabla::trace(nabla::contiguous(t)));
  expect_same_values(nabla::trace(s), nabla::trace(nabla::contiguous(s)));
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::trace(nabla::slice(in[0], 1, 1, std::nullopt, 2));
      },
      {m});
}

TEST(Trace, GradientsOfFirstAndSecondOrderMatchFiniteDifferences) {
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::trace(in[0]); };
  expect_gradients_match(fn, {normal({3, 3}, 2)});
  expect_nonzero_gradient(fn, {normal({3, 3}, 2)});
}

TEST(Trace, RejectsAnythingButAMatrix) {
  EXPECT_THAT(message_of([] {
                nabla::trace(nabla::zeros({2, 3, 3}));
              }),
              AllOf(HasSubstr("nabla::trace"), HasSubstr("2-d"), HasSubstr("[2, 3, 3]")));
  EXPECT_THAT(message_of([] { nabla::trace(nabla::zeros({3})); }),
              AllOf(HasSubstr("nabla::trace"), HasSubstr("[3]")));
  EXPECT_THAT(message_of([] { nabla::trace(Tensor()); }), HasSubstr("undefined"));
}

}  // namespace
}  // namespace test_trace
