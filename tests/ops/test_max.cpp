// Tests of ops/max.cpp: max(x) of every element and max(x, dim) with its indices.

#include "ops/op_test_util.hpp"

namespace test_max {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

// [[1, 5, 5], [7, -2, 3]]: row 0 has a tie
Tensor max_with_tie(Dtype d) {
  return nabla::tensor({{1.0, 5.0, 5.0}, {7.0, -2.0, 3.0}}, d);
}

TEST(Max, ValuesAndIndicesAlongADim) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const auto [v, i] = nabla::max(max_with_tie(d), 1);
    expect_tensor(v, {2}, {5, 7}, d);
    expect_tensor(i, {2}, {1, 0}, nabla::i64);  // the tie: the first index
    const auto kept = nabla::max(max_with_tie(d), -1, true);
    expect_tensor(kept.values, {2, 1}, {5, 7}, d);
    expect_tensor(kept.indices, {2, 1}, {1, 0}, nabla::i64);
    expect_tensor(nabla::max(max_with_tie(d), 0).values, {3}, {7, 5, 5}, d);
    expect_tensor(nabla::max(nabla::tensor({-3.0, -1.0, -2.0}, d), 0).values, {}, {-1}, d);
    // a NaN along the dim is the maximum
    const auto nan = nabla::max(nabla::tensor({1.0, kNaN, 3.0}, d), 0);
    expect_tensor(nan.values, {}, {kNaN}, d);
    expect_tensor(nan.indices, {}, {1}, nabla::i64);
  }
}

TEST(Max, Rank3AlongTheMiddleDim) {
  // x[i][j][k] = 4i + 2j + k, and j = 1 is larger: the maximum is x[i][1][k]
  const Tensor x = nabla::arange(0.0, 8.0, 1.0, nabla::f64).reshape({2, 2, 2});
  expect_tensor(nabla::max(x, 1).values, {2, 2}, {2, 3, 6, 7}, nabla::f64);
  expect_tensor(nabla::max(x, 1).indices, {2, 2}, {1, 1, 1, 1}, nabla::i64);
}

// Recorded from PyTorch 1.13 (python3-torch):
//   x = torch.tensor([[1.,5.,5.],[7.,-2.,3.]], dtype=torch.float64, requires_grad=True)
//   v, i = torch.max(x, 1); v.sum().backward(); x.grad  → [[0,1,0],[1,0,0]]
//   t = torch.tensor([[4.,1.,1.],[1.,4.,4.]], ...); torch.max(t).backward(); t.grad
//   → [[1/3,0,0],[0,1/3,1/3]]
TEST(Max, GradientsMatchPyTorch) {
  Tensor x = max_with_tie(nabla::f64).requires_grad_();
  nabla::max(x, 1).values.backward(nabla::tensor({2.0, 3.0}, nabla::f64));
  expect_tensor(x.grad(), {2, 3}, {0, 2, 0, 3, 0, 0}, nabla::f64);  // the tie: the first 5
  Tensor y = max_with_tie(nabla::f64).requires_grad_();
  nabla::max(y, 0, true).values.backward(nabla::tensor({{1.0, 2.0, 3.0}}, nabla::f64));
  expect_tensor(y.grad(), {2, 3}, {0, 2, 3, 1, 0, 0}, nabla::f64);
  Tensor t = nabla::tensor({{4.0, 1.0, 1.0}, {1.0, 4.0, 4.0}}, nabla::f64).requires_grad_();
  nabla::max(t).backward();
  const double third = 1.0 / 3.0;
  expect_tensor(t.grad(), {2, 3}, {third, 0, 0, 0, third, third}, nabla::f64);
}

TEST(Max, OneNodeWithTwoOutputsAndIndicesWithoutGrad) {
  Tensor x = max_with_tie(nabla::f64).requires_grad_();
  auto [v, i] = nabla::max(x, 1);
  ASSERT_NE(v.grad_fn(), nullptr);
  EXPECT_EQ(v.grad_fn()->name(), "max");
  EXPECT_EQ(v.grad_fn()->num_outputs(), 2u);
  EXPECT_EQ(v.grad_fn()->output_dtype(1), nabla::i64);
  EXPECT_FALSE(i.requires_grad());
  EXPECT_EQ(i.grad_fn(), nullptr);
  EXPECT_EQ(nabla::max(x).grad_fn()->name(), "max");
}

// max of every element: NaN wins, and its gradient is split among the NaNs (PyTorch:
// y = torch.tensor([1., nan, nan], requires_grad=True); torch.max(y).backward() → [0, .5, .5])
TEST(Max, OfEveryElementWithNaN) {
  Tensor y = nabla::tensor({1.0, kNaN, kNaN}, nabla::f64).requires_grad_();
  const Tensor m = nabla::max(y);
  expect_tensor(m, {}, {kNaN}, nabla::f64);
  m.backward();
  expect_tensor(y.grad(), {3}, {0, 0.5, 0.5}, nabla::f64);
  expect_tensor(nabla::max(nabla::scalar_tensor(2.5, nabla::f64)), {}, {2.5}, nabla::f64);
}

// Recorded from PyTorch: torch.max(torch.tensor([[3,9],[9,0]]), 1) → values [9, 9] (int64),
// indices [1, 0]; torch.max(torch.tensor([True, False]), 0) → (True, 0)
TEST(Max, IntegerAndBoolInputs) {
  const auto [v, i] = nabla::max(nabla::tensor({{3, 9}, {9, 0}}, nabla::i64), 1);
  expect_tensor(v, {2}, {9, 9}, nabla::i64);
  expect_tensor(i, {2}, {1, 0}, nabla::i64);
  expect_tensor(nabla::max(nabla::tensor({3, 9, 2}, nabla::i32)), {}, {9}, nabla::i32);
  const auto b = nabla::max(nabla::tensor({1, 0}, nabla::bool_), 0);
  expect_tensor(b.values, {}, {1}, nabla::bool_);
  expect_tensor(b.indices, {}, {0}, nabla::i64);
}

TEST(Max, ViewsAsInputs) {
  const Tensor base = normal({4, 6}, 3);
  const Tensor t = base.t();                       // [6,4], transposed
  const Tensor s = base.slice(1, 0, 6, 2);         // [4,3], every second column
  const auto [vt, it] = nabla::max(t, 0);
  const auto [vc, ic] = nabla::max(t.contiguous(), 0);
  expect_tensor(vt, {4}, vc.to_vector(), nabla::f64);
  expect_tensor(it, {4}, ic.to_vector(), nabla::i64);
  expect_tensor(nabla::max(s, 1).values, {4}, nabla::max(s.contiguous(), 1).values.to_vector(),
                nabla::f64);
  expect_tensor(nabla::max(s), {}, {nabla::max(s.contiguous()).item<double>()}, nabla::f64);
}

struct MaxDimCase {
  std::string name;
  Shape shape;
  std::int64_t dim;
  bool keepdim;
};

class MaxGrad : public testing::TestWithParam<MaxDimCase> {};

TEST_P(MaxGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // standard normal values: ties (where the gradient jumps) have probability 0, and with
  // a fixed seed the gaps are far wider than the finite-difference step
  const std::vector<Tensor> inputs = {normal(p.shape, 1)};
  const std::int64_t dim = p.dim;
  const bool keepdim = p.keepdim;
  const nabla::Function fn = [dim, keepdim](const std::vector<Tensor>& in) {
    return nabla::max(in[0], dim, keepdim).values;
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Cases, MaxGrad,
                         testing::Values(MaxDimCase{"Dim1_3x4", {3, 4}, 1, false},
                                         MaxDimCase{"Dim0Keepdim_3x4", {3, 4}, 0, true},
                                         MaxDimCase{"Vector_5", {5}, 0, false},
                                         MaxDimCase{"DimMinus1_Rank3_2x3x4", {2, 3, 4}, -1, false},
                                         MaxDimCase{"Dim1Keepdim_Rank3_2x3x4", {2, 3, 4}, 1, true}),
                         [](const testing::TestParamInfo<MaxDimCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(Max, RejectsDimOutOfRange) {
  const Tensor x = nabla::ones({3, 4});
  EXPECT_THROW(nabla::max(x, 2), std::out_of_range);
  EXPECT_THAT(message_of([&] { nabla::max(x, 2); }),
              AllOf(HasSubstr("nabla::max"), HasSubstr("axis 2"), HasSubstr("rank 2")));
  EXPECT_THROW(nabla::max(x, -3), std::out_of_range);
  EXPECT_THROW(nabla::max(nabla::scalar_tensor(1.0), 0), std::out_of_range);  // nabla: no dim
}

TEST(Max, RejectsEmptyInputs) {
  const Tensor x = nabla::zeros({2, 0});
  EXPECT_THROW(nabla::max(x, 1), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::max(x, 1); }),
              AllOf(HasSubstr("nabla::max"), HasSubstr("[2, 0]"), HasSubstr("empty")));
  EXPECT_EQ(nabla::max(x, 0).values.shape(), (Shape{0}));  // an empty result, as PyTorch
  EXPECT_THAT(message_of([&] { nabla::max(x); }),
              AllOf(HasSubstr("nabla::max"), HasSubstr("[2, 0]"), HasSubstr("empty")));
}

TEST(Max, RejectsUndefinedInput) {
  EXPECT_THROW(nabla::max(Tensor(), 0), std::invalid_argument);
  EXPECT_THAT(message_of([] { nabla::max(Tensor(), 0); }), HasSubstr("nabla::max"));
  EXPECT_THAT(message_of([] { nabla::max(Tensor()); }), HasSubstr("nabla::max"));
}

}  // namespace
}  // namespace test_max
