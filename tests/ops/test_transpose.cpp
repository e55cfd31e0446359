// Tests of ops/transpose.cpp: the transpose of a matrix.

#include "ops/op_test_util.hpp"

namespace test_transpose {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(Transpose, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, d);  // [2,3]
    // result[j][i] = x[i][j]: [[1,4],[2,5],[3,6]]
    expect_tensor(nabla::transpose(x), {3, 2}, {1, 4, 2, 5, 3, 6}, d);
    expect_tensor(x.t(), {3, 2}, {1, 4, 2, 5, 3, 6}, d);
  }
}

TEST(Transpose, RowBecomesColumnAndTwiceIsIdentity) {
  const Tensor row = nabla::tensor({{1.0, 2.0, 3.0}}, nabla::f64);  // [1,3]
  expect_tensor(nabla::transpose(row), {3, 1}, {1, 2, 3}, nabla::f64);
  const Tensor x = nabla::tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}, nabla::f64);
  expect_tensor(nabla::transpose(nabla::transpose(x)), {3, 2}, {1, 2, 3, 4, 5, 6}, nabla::f64);
}

TEST(Transpose, IsAViewOfTheSameStorage) {
  Tensor x = nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, nabla::f64);
  const Tensor t = nabla::transpose(x);
  EXPECT_TRUE(t.is_same_storage(x));
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_EQ(t.strides(), (Shape{1, 2}));
  x.mutable_data<double>()[1] = 20.0;
  // the write shows through the view: [[1,3],[20,4]]
  expect_tensor(t, {2, 2}, {1, 3, 20, 4}, nabla::f64);
}

TEST(Transpose, AnyTwoAxesForwardByHand) {
  const Tensor x = nabla::arange(24, nabla::f64).reshape({2, 3, 4});
  const Tensor y = x.transpose(0, -1);  // [4,3,2], y[k,j,i] = x[i,j,k] = 12i + 4j + k
  ASSERT_EQ(y.shape(), (Shape{4, 3, 2}));
  EXPECT_TRUE(y.is_same_storage(x));
  const auto v = y.to_vector();
  for (int k = 0; k < 4; ++k)
    for (int j = 0; j < 3; ++j)
      for (int i = 0; i < 2; ++i) EXPECT_EQ(v[(k * 3 + j) * 2 + i], 12 * i + 4 * j + k);
  expect_tensor(x.transpose(1, 1), {2, 3, 4}, x.to_vector(), nabla::f64);
}

TEST(Transpose, TOfVectorAndScalarIsTheSameTensor) {
  const Tensor v = nabla::ones({4});
  EXPECT_TRUE(v.t().is_same(v));
  const Tensor s = nabla::scalar_tensor(2.0);
  EXPECT_TRUE(s.t().is_same(s));
  EXPECT_THROW(nabla::ones({2, 3, 4}).t(), std::invalid_argument);
  EXPECT_THAT(message_of([] {
                nabla::ones({2, 3, 4}).t();
              }),
              AllOf(HasSubstr("nabla::t"), HasSubstr("[2, 3, 4]")));
}

TEST(Transpose, AnyTwoAxesGradients) {
  for (const Shape& s : {Shape{2, 3, 4}, Shape{3, 4}, Shape{1, 3, 1, 2}}) {
    SCOPED_TRACE(nabla::shape_str(s));
    const nabla::Function fn = [](const std::vector<Tensor>& in) {
      return nabla::transpose(in[0], 0, -1) * 1.5;
    };
    expect_gradients_match(fn, {normal(s, 3)});
    expect_nonzero_gradient(fn, {normal(s, 3)});
  }
}

TEST(Transpose, BadAxesThrowNamingTheOp) {
  EXPECT_THROW(nabla::ones({2, 3}).transpose(0, 2), std::out_of_range);
  EXPECT_THAT(message_of([] {
                nabla::ones({2, 3}).transpose(0, 2);
              }),
              HasSubstr("nabla::transpose"));
}

TEST(Transpose, GradientIsTheTransposedOutputGradient) {
  Tensor x = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, nabla::f64).requires_grad_();
  // w [3,2] = [[1,2],[3,4],[5,6]]; grad_x = wᵀ = [[1,3,5],[2,4,6]]
  nabla::transpose(x).backward(nabla::tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}, nabla::f64));
  expect_tensor(x.grad(), {2, 3}, {1, 3, 5, 2, 4, 6}, nabla::f64);
}

class TransposeGrad : public testing::TestWithParam<UnaryShape> {};

TEST_P(TransposeGrad, MatchesFiniteDifferences) {
  // transpose is linear: any values will do
  const std::vector<Tensor> inputs = {normal(GetParam().shape, 1)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) { return nabla::transpose(in[0]); };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

// transpose takes matrices only
INSTANTIATE_TEST_SUITE_P(Shapes, TransposeGrad,
                         testing::Values(UnaryShape{"Matrix_3x4", {3, 4}},
                                         UnaryShape{"Row_1x5", {1, 5}},
                                         UnaryShape{"Column_4x1", {4, 1}},
                                         UnaryShape{"OneByOne", {1, 1}}),
                         unary_case_name);

TEST(Transpose, RejectsOtherRanks) {
  const Tensor v = nabla::ones({4});
  EXPECT_THROW(nabla::transpose(v), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::transpose(v); }),
              AllOf(HasSubstr("nabla::transpose"), HasSubstr("[4]")));
  const Tensor r3 = nabla::ones({2, 3, 4});
  EXPECT_THROW(nabla::transpose(r3), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::transpose(r3); }),
              AllOf(HasSubstr("nabla::transpose"), HasSubstr("[2, 3, 4]")));
}

TEST(Transpose, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::transpose(Tensor()), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::transpose(Tensor()); }), HasSubstr("nabla::transpose"));
}

TEST(Transpose, NanAndInfinityAreKept) {
  expect_tensor(nabla::transpose(nabla::tensor({{kNaN, kInf}}, nabla::f32)), {2, 1}, {kNaN, kInf},
                nabla::f32);
}

}  // namespace
}  // namespace test_transpose
