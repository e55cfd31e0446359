// Tests of ops/permute.cpp: reordering the axes.

#include "ops/op_test_util.hpp"

namespace test_permute {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(Permute, ForwardByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // x [1,2,3] holds x[0][j][k] = 3j + k
    const Tensor x = nabla::tensor({{{0.0, 1.0, 2.0}, {3.0, 4.0, 5.0}}}, d);
    // dims (2,0,1): result [3,1,2], result[k][0][j] = x[0][j][k] = 3j + k:
    // k = 0: [0, 3], k = 1: [1, 4], k = 2: [2, 5]
    expect_tensor(nabla::permute(x, {2, 0, 1}), {3, 1, 2}, {0, 3, 1, 4, 2, 5}, d);
    // negative entries count from the end: (-1, 0, 1) is (2, 0, 1)
    expect_tensor(nabla::permute(x, {-1, 0, 1}), {3, 1, 2}, {0, 3, 1, 4, 2, 5}, d);
  }
}

TEST(Permute, TwoDimensionalSwapIsTranspose) {
  const Tensor x = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, nabla::f64);
  expect_tensor(nabla::permute(x, {1, 0}), {3, 2}, {1, 4, 2, 5, 3, 6}, nabla::f64);
  // the identity permutation keeps everything
  expect_tensor(nabla::permute(x, {0, 1}), {2, 3}, {1, 2, 3, 4, 5, 6}, nabla::f64);
}

TEST(Permute, ZeroDimensionalWithNoDims) {
  // a 0-d tensor has the empty permutation only
  expect_tensor(nabla::permute(nabla::scalar_tensor(2.5, nabla::f64), {}), {}, {2.5}, nabla::f64);
}

TEST(Permute, Rank3MatchesTheDefinition) {
  // x[i][j][k] = 12i + 4j + k over [2,3,4]; dims (1,2,0): result[j][k][i] = x[i][j][k]
  const Tensor x = nabla::arange(0.0, 24.0, 1.0, nabla::f64).reshape({2, 3, 4});
  const Tensor r = nabla::permute(x, {1, 2, 0});
  ASSERT_EQ(r.shape(), (Shape{3, 4, 2}));
  const auto v = r.to_vector();
  for (int j = 0; j < 3; ++j) {
    for (int k = 0; k < 4; ++k) {
      for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(v[static_cast<std::size_t>(j * 8 + k * 2 + i)], 12 * i + 4 * j + k)
            << j << "," << k << "," << i;
      }
    }
  }
}

TEST(Permute, GradientIsPermutedBack) {
  // x [1,2,3]; dims (2,0,1) → [3,1,2]; w[k][0][j] = 2k + j (the values 0..5)
  Tensor x = nabla::zeros({1, 2, 3}, nabla::f64).requires_grad_();
  nabla::permute(x, {2, 0, 1})
      .backward(nabla::arange(0.0, 6.0, 1.0, nabla::f64).reshape({3, 1, 2}));
  // grad_x[0][j][k] = w[k][0][j] = 2k + j: j = 0: [0, 2, 4], j = 1: [1, 3, 5]
  expect_tensor(x.grad(), {1, 2, 3}, {0, 2, 4, 1, 3, 5}, nabla::f64);
}

struct PermuteCase {
  std::string name;
  Shape shape;
  std::vector<std::int64_t> dims;
};

class PermuteGrad : public testing::TestWithParam<PermuteCase> {};

TEST_P(PermuteGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // permute is linear: any values will do
  const std::vector<Tensor> inputs = {normal(p.shape, 1)};
  const auto dims = p.dims;
  const nabla::Function fn = [dims](const std::vector<Tensor>& in) {
    return nabla::permute(in[0], dims);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PermuteGrad,
    testing::Values(PermuteCase{"Rank3_2x3x4_Dims201", {2, 3, 4}, {2, 0, 1}},
                    PermuteCase{"Rank3_2x3x4_Dims120", {2, 3, 4}, {1, 2, 0}},
                    PermuteCase{"Rank3_2x3x4_Dims021", {2, 3, 4}, {0, 2, 1}},
                    PermuteCase{"UnitAxes_1x3x1_Dims201", {1, 3, 1}, {2, 0, 1}},
                    PermuteCase{"Matrix_3x4_Dims10", {3, 4}, {1, 0}},
                    PermuteCase{"Vector_5_Dims0", {5}, {0}},
                    PermuteCase{"Rank4_2x1x3x2_DimsMinus1_0_2_1", {2, 1, 3, 2}, {-1, 0, 2, 1}}),
    [](const testing::TestParamInfo<PermuteCase>& param_info) { return param_info.param.name; });

TEST(Permute, RejectsWrongNumberOfDims) {
  const Tensor x = nabla::ones({3, 4});
  EXPECT_THROW(nabla::permute(x, {2, 0, 1}), std::invalid_argument);
  EXPECT_THAT(message_of([&] {
                nabla::permute(x, {2, 0, 1});
              }),
              AllOf(HasSubstr("nabla::permute"), HasSubstr("[3, 4]"), HasSubstr("[2, 0, 1]")));
}

TEST(Permute, RejectsRepeatedAxis) {
  const Tensor x = nabla::ones({2, 3, 4});
  // 2 and -1 are the same axis of a rank-3 tensor
  EXPECT_THROW(nabla::permute(x, {2, 0, -1}), std::invalid_argument);
  EXPECT_THAT(message_of([&] {
                nabla::permute(x, {2, 0, -1});
              }),
              AllOf(HasSubstr("nabla::permute"), HasSubstr("twice")));
}

TEST(Permute, RejectsAxisOutOfRange) {
  const Tensor x = nabla::ones({3, 4});
  EXPECT_THROW(nabla::permute(x, {0, 5}), std::out_of_range);
  EXPECT_THAT(message_of([&] {
                nabla::permute(x, {0, 5});
              }),
              AllOf(HasSubstr("nabla::permute"), HasSubstr("5"), HasSubstr("rank 2")));
}

TEST(Permute, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::permute(Tensor(), {0}), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::permute(Tensor(), {0}); }), HasSubstr("nabla::permute"));
}

TEST(Permute, NanAndInfinityAreKept) {
  expect_tensor(nabla::permute(nabla::tensor({{kNaN, kInf}}, nabla::f32), {1, 0}), {2, 1},
                {kNaN, kInf}, nabla::f32);
}

}  // namespace

namespace {
using nabla_test::expect_tensor;

TEST(Permute, IsAViewWithPermutedStrides) {
  const Tensor x = nabla::arange(24, nabla::f64).reshape({2, 3, 4});
  const Tensor y = nabla::permute(x, {2, 0, 1});
  EXPECT_TRUE(y.is_same_storage(x));
  EXPECT_EQ(y.shape(), (nabla::Shape{4, 2, 3}));
  EXPECT_EQ(y.strides(), (nabla::Shape{1, 12, 4}));
  EXPECT_FALSE(y.is_contiguous());
  // permuting back gives x's layout again
  EXPECT_TRUE(nabla::permute(y, {1, 2, 0}).is_contiguous());
}
}  // namespace
}  // namespace test_permute
