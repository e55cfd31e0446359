// Tests of the comparison ops, ops/eq.cpp, ne.cpp, lt.cpp, le.cpp, gt.cpp and ge.cpp:
// each elementwise comparison as a bool tensor, with broadcasting, dtype promotion, the
// scalar forms and its operator. One parameterized suite; each op brings its expected
// values for the shared inputs.

#include "ops/op_test_util.hpp"

namespace test_comparisons {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::HasSubstr;

// One comparison op: its forms and what it gives on the inputs every test shares.
struct Comparison {
  std::string name;    // "eq": the op's name in messages and test names
  std::string symbol;  // "==": its operator, for traces
  Tensor (*fn)(const Tensor&, const Tensor&);
  Tensor (*fn_scalar)(const Tensor&, double);
  Tensor (*fn_scalar_lhs)(double, const Tensor&);
  Tensor (*op)(const Tensor&, const Tensor&);
  Tensor (*op_scalar)(const Tensor&, double);
  Tensor (*op_scalar_lhs)(double, const Tensor&);
  std::vector<double> vs_two;   // [1, 2, 3] ⊙ [2, 2, 2] (and ⊙ 2)
  std::vector<double> two_vs;   // 2 ⊙ [1, 2, 3]
  std::vector<double> rows_vs;  // [[1], [2]] ⊙ [1, 2, 3]: result[i][j] = a[i] ⊙ b[j]
  std::vector<double> vs_2_5;   // [1, 2, 3] ⊙ 2.5
  double nan_vs_nan;            // NaN ⊙ NaN, as IEEE says
};

void PrintTo(const Comparison& c, std::ostream* os) {
  *os << c.name << " (" << c.symbol << ")";
}

// The name, operator, function forms and operator forms of the comparison `fn`.
// clang-format off
#define NABLA_COMPARISON_FORMS(fn, sym)                                  \
  #fn, #sym,                                                             \
  [](const Tensor& a, const Tensor& b) { return nabla::fn(a, b); },      \
  [](const Tensor& a, double b) { return nabla::fn(a, b); },             \
  [](double a, const Tensor& b) { return nabla::fn(a, b); },             \
  [](const Tensor& a, const Tensor& b) { return a sym b; },              \
  [](const Tensor& a, double b) { return a sym b; },                     \
  [](double a, const Tensor& b) { return a sym b; }
// clang-format on

const std::vector<Comparison> kComparisons = {
    {NABLA_COMPARISON_FORMS(eq, ==), {0, 1, 0}, {0, 1, 0}, {1, 0, 0, 0, 1, 0}, {0, 0, 0}, 0},
    {NABLA_COMPARISON_FORMS(ne, !=), {1, 0, 1}, {1, 0, 1}, {0, 1, 1, 1, 0, 1}, {1, 1, 1}, 1},
    {NABLA_COMPARISON_FORMS(lt, <), {1, 0, 0}, {0, 0, 1}, {0, 1, 1, 0, 0, 1}, {1, 1, 0}, 0},
    {NABLA_COMPARISON_FORMS(le, <=), {1, 1, 0}, {0, 1, 1}, {1, 1, 1, 0, 1, 1}, {1, 1, 0}, 0},
    {NABLA_COMPARISON_FORMS(gt, >), {0, 0, 1}, {1, 0, 0}, {0, 0, 0, 1, 0, 0}, {0, 0, 1}, 0},
    {NABLA_COMPARISON_FORMS(ge, >=), {0, 1, 1}, {1, 1, 0}, {1, 0, 0, 1, 1, 0}, {0, 0, 1}, 0},
};

#undef NABLA_COMPARISON_FORMS

class Comparisons : public testing::TestWithParam<Comparison> {};

TEST_P(Comparisons, ForwardByHandInEveryDtype) {
  const Comparison& c = GetParam();
  for (Dtype d : {nabla::f32, nabla::f64, nabla::i64, nabla::i32, nabla::u8}) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({1.0, 2.0, 3.0}, d);
    const Tensor b = nabla::tensor({2.0, 2.0, 2.0}, d);
    expect_tensor(c.fn(a, b), {3}, c.vs_two, nabla::bool_);
    expect_tensor(c.op(a, b), {3}, c.vs_two, nabla::bool_);
  }
}

TEST_P(Comparisons, BroadcastsBothSides) {
  const Comparison& c = GetParam();
  const Tensor a = nabla::tensor({{1.0}, {2.0}}, nabla::i64);
  const Tensor b = nabla::tensor({1.0, 2.0, 3.0}, nabla::i64);
  expect_tensor(c.op(a, b), {2, 3}, c.rows_vs, nabla::bool_);
}

TEST_P(Comparisons, PromotesMixedDtypes) {
  const Comparison& c = GetParam();
  // int64 [1, 2, 3] against float32 [2.0, 2.0, 2.0] compares as float32
  const Tensor a = nabla::tensor({1.0, 2.0, 3.0}, nabla::i64);
  expect_tensor(c.fn(a, nabla::tensor({2.0, 2.0, 2.0})), {3}, c.vs_two, nabla::bool_);
  // uint8 against int32 compares as int32
  expect_tensor(c.fn(a.to(nabla::u8), nabla::full({3}, 2.0, nabla::i32)), {3}, c.vs_two,
                nabla::bool_);
  // bool against int64: true is 1
  expect_tensor(c.fn(nabla::tensor({1.0, 1.0, 1.0}, nabla::bool_) +
                         nabla::tensor({0.0, 1.0, 2.0}, nabla::i64),
                     nabla::full({3}, 2.0, nabla::i64)),
                {3}, c.vs_two, nabla::bool_);
}

TEST_P(Comparisons, ScalarForms) {
  const Comparison& c = GetParam();
  const Tensor a = nabla::tensor({1.0, 2.0, 3.0}, nabla::i64);
  // a ⊙ 2 and 2 ⊙ a, as operators and as functions
  expect_tensor(c.op_scalar(a, 2.0), {3}, c.vs_two, nabla::bool_);
  expect_tensor(c.op_scalar_lhs(2.0, a), {3}, c.two_vs, nabla::bool_);
  expect_tensor(c.fn_scalar(a, 2.0), {3}, c.vs_two, nabla::bool_);
  expect_tensor(c.fn_scalar_lhs(2.0, a), {3}, c.two_vs, nabla::bool_);
  // a fraction compares an integer tensor as float32: [1, 2, 3] ⊙ 2.5
  expect_tensor(c.op_scalar(a, 2.5), {3}, c.vs_2_5, nabla::bool_);
}

TEST_P(Comparisons, NaNComparesAsIEEE) {
  const Comparison& c = GetParam();
  const Tensor x = nabla::tensor({kNaN}, nabla::f64);
  expect_tensor(c.op(x, x), {1}, {c.nan_vs_nan}, nabla::bool_);
}

TEST_P(Comparisons, ResultNeverRequiresGrad) {
  const Comparison& c = GetParam();
  Tensor x = nabla::tensor({1.0, 2.0}, nabla::f64).requires_grad_();
  const Tensor r = c.op_scalar(x, 1.5);
  EXPECT_FALSE(r.requires_grad());
  EXPECT_EQ(r.grad_fn(), nullptr);
}

TEST_P(Comparisons, RejectsShapesThatDoNotBroadcast) {
  const Comparison& c = GetParam();
  EXPECT_THROW(c.fn(nabla::zeros({3, 4}), nabla::zeros({3})), std::invalid_argument);
  EXPECT_THAT(message_of([&] {
                (void)c.fn(nabla::zeros({3, 4}), nabla::zeros({3}));
              }),
              HasSubstr("nabla::" + c.name));
}

TEST_P(Comparisons, RejectsFloat32WithFloat64) {
  const Comparison& c = GetParam();
  const std::string m =
      message_of([&] { (void)c.fn(nabla::zeros({2}), nabla::zeros({2}, nabla::f64)); });
  EXPECT_THAT(m, HasSubstr("nabla::" + c.name + ": dtype mismatch: float32 [2] and float64 [2]"));
}

std::string op_name(const testing::TestParamInfo<Comparison>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(EachOp, Comparisons, testing::ValuesIn(kComparisons), op_name);

}  // namespace
}  // namespace test_comparisons
