// Tests of ops/reshape.cpp: the same values viewed with another shape (no copy).

#include "ops/op_test_util.hpp"

namespace test_reshape {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(Reshape, KeepsRowMajorOrder) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor x = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, d);  // [2,3]
    // the flat order 1..6 is kept: [[1,2],[3,4],[5,6]]
    expect_tensor(nabla::reshape(x, {3, 2}), {3, 2}, {1, 2, 3, 4, 5, 6}, d);
    expect_tensor(x.reshape({6}), {6}, {1, 2, 3, 4, 5, 6}, d);
    expect_tensor(nabla::reshape(x, {1, 6, 1}), {1, 6, 1}, {1, 2, 3, 4, 5, 6}, d);
  }
}

TEST(Reshape, InfersOneExtent) {
  const Tensor x = nabla::arange(0.0, 12.0, 1.0, nabla::f64);  // [12]
  // 12 / 2 = 6, 12 / (2·3) = 2
  expect_tensor(nabla::reshape(x, {-1, 2}), {6, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
                nabla::f64);
  EXPECT_EQ(nabla::reshape(x, {2, -1, 3}).shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(nabla::reshape(x, {-1}).shape(), (Shape{12}));
}

TEST(Reshape, ToAndFromZeroDimensional) {
  const Tensor one = nabla::tensor({4.5}, nabla::f64);  // [1]
  expect_tensor(nabla::reshape(one, {}), {}, {4.5}, nabla::f64);
  expect_tensor(nabla::reshape(nabla::scalar_tensor(4.5, nabla::f64), {1, 1}), {1, 1}, {4.5},
                nabla::f64);
}

TEST(Reshape, SharesStorageWithItsInput) {
  // documented: no copy. A write through the input shows in the reshaped view.
  Tensor x = nabla::tensor({1.0, 2.0, 3.0, 4.0}, nabla::f64);
  const Tensor r = nabla::reshape(x, {2, 2});
  x.mutable_data<double>()[3] = 40.0;
  expect_tensor(r, {2, 2}, {1, 2, 3, 40}, nabla::f64);
}

TEST(Reshape, GradientIsReshapedBack) {
  Tensor x = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, nabla::f64).requires_grad_();
  // w [3,2] flat 10..60 lands on x in the same flat order
  nabla::reshape(x, {3, 2}).backward(
      nabla::tensor({{10.0, 20.0}, {30.0, 40.0}, {50.0, 60.0}}, nabla::f64));
  expect_tensor(x.grad(), {2, 3}, {10, 20, 30, 40, 50, 60}, nabla::f64);
}

struct ReshapeCase {
  std::string name;
  Shape from;
  Shape to;
};

class ReshapeGrad : public testing::TestWithParam<ReshapeCase> {};

TEST_P(ReshapeGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // reshape is linear: any values will do
  const std::vector<Tensor> inputs = {normal(p.from, 1)};
  const Shape to = p.to;
  const nabla::Function fn = [to](const std::vector<Tensor>& in) {
    return nabla::reshape(in[0], to);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ReshapeGrad,
    testing::Values(ReshapeCase{"Matrix_3x4_to_6x2", {3, 4}, {-1, 2}},
                    ReshapeCase{"Vector_6_to_2x3", {6}, {2, 3}},
                    ReshapeCase{"Scalar_to_1x1", {}, {1, 1}},
                    ReshapeCase{"OneElement_1_to_Scalar", {1}, {}},
                    ReshapeCase{"Rank3_2x3x4_to_4x6", {2, 3, 4}, {4, 6}},
                    ReshapeCase{"Matrix_3x4_to_Rank3_2x1x6", {3, 4}, {2, 1, 6}}),
    [](const testing::TestParamInfo<ReshapeCase>& param_info) { return param_info.param.name; });

TEST(Reshape, IdentityReshapeIsDifferentiable) {
  // the target equals the input shape: reshape returns its input, and the gradient of the
  // input with respect to itself is the output gradient
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::reshape(in[0], {3, 4});
      },
      {normal({3, 4}, 2)});
}

TEST(Reshape, RejectsWrongElementCount) {
  const Tensor x = nabla::ones({2, 3});
  EXPECT_THROW(nabla::reshape(x, {4}), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::reshape(x, {4}); }),
              AllOf(HasSubstr("nabla::reshape"), HasSubstr("[4]"), HasSubstr("[2, 3]")));
  // -1 cannot make 6 elements from extents multiplying to 4
  EXPECT_THROW(nabla::reshape(x, {4, -1}), std::invalid_argument);
  EXPECT_THAT(message_of([&] {
                nabla::reshape(x, {4, -1});
              }),
              AllOf(HasSubstr("nabla::reshape"), HasSubstr("[4, -1]"), HasSubstr("[2, 3]")));
}

TEST(Reshape, RejectsTwoInferredOrNegativeExtents) {
  const Tensor x = nabla::ones({2, 3});
  EXPECT_THROW(nabla::reshape(x, {-1, -1}), std::invalid_argument);
  EXPECT_THAT(message_of([&] {
                nabla::reshape(x, {-1, -1});
              }),
              AllOf(HasSubstr("nabla::reshape"), HasSubstr("[-1, -1]")));
  EXPECT_THROW(nabla::reshape(x, {-2, -3}), std::invalid_argument);
  EXPECT_THAT(message_of([&] {
                nabla::reshape(x, {-2, -3});
              }),
              AllOf(HasSubstr("nabla::reshape"), HasSubstr("-2")));
}

TEST(Reshape, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::reshape(Tensor(), {1}), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::reshape(Tensor(), {1}); }), HasSubstr("nabla::reshape"));
}

TEST(Reshape, NanAndInfinityAreKept) {
  expect_tensor(nabla::reshape(nabla::tensor({kNaN, kInf, -kInf, 1.0}, nabla::f32), {2, 2}), {2, 2},
                {kNaN, kInf, -kInf, 1}, nabla::f32);
}

}  // namespace

namespace {
using namespace nabla_test;

TEST(Reshape, ViewWhenTheStridesAllowElseACopy) {
  const Tensor x = nabla::arange(12, nabla::f64).reshape({3, 4});
  // a stepped slice of rows can still be split along its columns: a view
  const Tensor rows = x.slice(0, 0, std::nullopt, 2);  // rows 0 and 2
  const Tensor split = rows.reshape({2, 2, 2});
  EXPECT_TRUE(split.is_same_storage(x));
  expect_tensor(split, {2, 2, 2}, {0, 1, 2, 3, 8, 9, 10, 11}, nabla::f64);
  // the transpose cannot be flattened without a copy: reshape copies, in row-major order
  const Tensor flat = x.t().reshape({-1});
  EXPECT_FALSE(flat.is_same_storage(x));
  expect_tensor(flat, {12}, {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, nabla::f64);
}

TEST(Reshape, CopyOfAViewIsDifferentiable) {
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return in[0].t().reshape({2, 6}) * 2.0;
  };
  expect_gradients_match(fn, {normal({3, 4}, 5)});
  expect_nonzero_gradient(fn, {normal({3, 4}, 5)});
}
}  // namespace
}  // namespace test_reshape
