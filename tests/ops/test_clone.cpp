// Tests of ops/clone.cpp: a copy with its own storage that keeps the autograd history.

#include "ops/op_test_util.hpp"

namespace test_clone {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

TEST(Clone, CopiesValuesShapeAndDtype) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{1.0, -2.5}, {0.125, 4.0}}, d);
    expect_tensor(nabla::clone(x), {2, 2}, {1, -2.5, 0.125, 4}, d);
    expect_tensor(x.clone(), {2, 2}, {1, -2.5, 0.125, 4}, d);
    expect_tensor(nabla::clone(nabla::scalar_tensor(3.0, d)), {}, {3}, d);
  }
}

TEST(Clone, HasItsOwnStorage) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64);
  Tensor y = nabla::clone(x);
  x.mutable_data<double>()[0] = 10.0;
  y.mutable_data<double>()[1] = 20.0;
  expect_tensor(y, {2}, {1, 20}, nabla::f64);
  expect_tensor(x, {2}, {10, 2}, nabla::f64);
}

TEST(Clone, KeepsTheHistory) {
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  const Tensor y = nabla::clone(x);
  EXPECT_TRUE(y.requires_grad());
  EXPECT_FALSE(y.is_leaf());
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "clone");
  y.backward(nabla::tensor({3.0, -4.0}, nabla::f64));
  // the identity's gradient
  expect_tensor(x.grad(), {2}, {3, -4}, nabla::f64);
}

class CloneGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(CloneGrad, MatchesFiniteDifferences) {
  // clone is the identity: any values will do
  const std::vector<Tensor> inputs = {normal(GetParam().shape, 1)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::clone(in[0]); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, CloneGrad, testing::ValuesIn(unary_shape_cases()),
                         unary_case_name);

TEST(Clone, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::clone(Tensor()), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::clone(Tensor()); }), HasSubstr("nabla::clone"));
}

TEST(Clone, NanAndInfinityAreCopied) {
  expect_tensor(nabla::clone(nabla::tensor({kNaN, kInf, -kInf}, nabla::f32)), {3},
                {kNaN, kInf, -kInf}, nabla::f32);
}

}  // namespace
}  // namespace test_clone
