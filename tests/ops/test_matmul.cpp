// Tests of ops/matmul.cpp: matmul (1-d and 2-d operands, and batched with broadcasting) and
// mm (2-d with transpose flags), both on OpenBLAS gemm.

#include "ops/linalg_test_util.hpp"

namespace test_matmul {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

TEST(Matmul, ForwardSquareByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, d);
    const Tensor b = nabla::tensor({{5.0, 6.0}, {7.0, 8.0}}, d);
    // [1·5+2·7, 1·6+2·8], [3·5+4·7, 3·6+4·8]
    expect_tensor(nabla::matmul(a, b), {2, 2}, {19, 22, 43, 50}, d);
    // [5·1+6·3, 5·2+6·4], [7·1+8·3, 7·2+8·4]: not commutative
    expect_tensor(nabla::matmul(b, a), {2, 2}, {23, 34, 31, 46}, d);
  }
}

TEST(Matmul, ForwardRectangularByHand) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, d);       // [2,3]
    const Tensor b = nabla::tensor({{7.0, 8.0}, {9.0, 10.0}, {11.0, 12.0}}, d);  // [3,2]
    // [7+18+33, 8+20+36], [28+45+66, 32+50+72]
    expect_tensor(nabla::matmul(a, b), {2, 2}, {58, 64, 139, 154}, d);
    // [3,2]·[2,3]: row i of b times columns of a
    // [7+32, 14+40, 21+48], [9+40, 18+50, 27+60], [11+48, 22+60, 33+72]
    expect_tensor(nabla::matmul(b, a), {3, 3}, {39, 54, 69, 49, 68, 87, 59, 82, 105}, d);
  }
}

TEST(Matmul, ForwardVectorOnTheLeft) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor v = nabla::tensor({1.0, 2.0}, d);                          // [2]
    const Tensor m = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, d);  // [2,3]
    // row vector · m: [1+8, 2+10, 3+12], shape [3]
    expect_tensor(nabla::matmul(v, m), {3}, {9, 12, 15}, d);
  }
}

TEST(Matmul, ForwardVectorOnTheRight) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor m = nabla::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, d);  // [2,3]
    const Tensor v = nabla::tensor({1.0, 0.0, -1.0}, d);                    // [3]
    // m · column vector: [1-3, 4-6], shape [2]
    expect_tensor(nabla::matmul(m, v), {2}, {-2, -2}, d);
  }
}

TEST(Matmul, ForwardDotProductIsZeroDimensional) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    // 1·4 + 2·5 + 3·6 = 32
    expect_tensor(
        nabla::matmul(nabla::tensor({1.0, 2.0, 3.0}, d), nabla::tensor({4.0, 5.0, 6.0}, d)), {},
        {32}, d);
  }
}

TEST(Matmul, ForwardOuterProductOfColumnAndRow) {
  // [3,1]·[1,2]: inner extent 1
  const Tensor col = nabla::tensor({{1.0}, {2.0}, {3.0}}, nabla::f64);
  const Tensor row = nabla::tensor({{10.0, -1.0}}, nabla::f64);
  expect_tensor(nabla::matmul(col, row), {3, 2}, {10, -1, 20, -2, 30, -3}, nabla::f64);
}

TEST(Matmul, ForwardEmptyInnerExtentGivesZeros) {
  // [2,0]·[0,3]: every entry is an empty sum, 0
  expect_tensor(nabla::matmul(nabla::ones({2, 0}, nabla::f64), nabla::ones({0, 3}, nabla::f64)),
                {2, 3}, {0, 0, 0, 0, 0, 0}, nabla::f64);
}

// A [3,2] and B [3,2] (or [2,3]) so that every flag combination has distinct shapes.
const std::vector<double> kA = {1, 2, 3, 4, 5, 6};  // [[1,2],[3,4],[5,6]]

TEST(Matmul, MmWithoutFlagsIsMatmul) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, d);
    const Tensor b = nabla::tensor({{5.0, 6.0}, {7.0, 8.0}}, d);
    expect_tensor(nabla::mm(a, b), {2, 2}, {19, 22, 43, 50}, d);
  }
}

TEST(Matmul, MmTransposedLeft) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor(kA, {3, 2}, d);  // aᵀ = [[1,3,5],[2,4,6]]
    const Tensor b = nabla::tensor({{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}}, d);  // [3,2]
    // aᵀ·b = [[1+5, 3+5], [2+6, 4+6]]
    expect_tensor(nabla::mm(a, b, true, false), {2, 2}, {6, 8, 8, 10}, d);
  }
}

TEST(Matmul, MmTransposedRight) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor(kA, {3, 2}, d);
    const Tensor b = nabla::tensor({{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}}, d);  // bᵀ is [2,3]
    // (a·bᵀ)[i][j] = a row i · b row j; a rows (1,2),(3,4),(5,6); b rows (1,0),(0,1),(1,1)
    expect_tensor(nabla::mm(a, b, false, true), {3, 3}, {1, 2, 3, 3, 4, 7, 5, 6, 11}, d);
  }
}

TEST(Matmul, MmTransposedBoth) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor(kA, {3, 2}, d);                          // aᵀ [2,3]
    const Tensor b = nabla::tensor({{1.0, 0.0, 1.0}, {0.0, 1.0, 1.0}}, d);  // bᵀ [3,2]
    // aᵀ·bᵀ = [[1,3,5],[2,4,6]]·[[1,0],[0,1],[1,1]] = [[1+5, 3+5], [2+6, 4+6]]
    expect_tensor(nabla::mm(a, b, true, true), {2, 2}, {6, 8, 8, 10}, d);
  }
}

TEST(Matmul, GradientsByHand) {
  Tensor a = nabla::tensor({{1.0, 2.0}, {3.0, 4.0}}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor({{5.0, 6.0}, {7.0, 8.0}}, nabla::f64).requires_grad_();
  nabla::sum(nabla::matmul(a, b)).backward();
  // grad_a = 1·bᵀ: grad_a[i][k] = Σ_j b[k][j] = [11, 15] in each row
  expect_tensor(a.grad(), {2, 2}, {11, 15, 11, 15}, nabla::f64);
  // grad_b = aᵀ·1: grad_b[k][j] = Σ_i a[i][k] = 4 (k = 0), 6 (k = 1)
  expect_tensor(b.grad(), {2, 2}, {4, 4, 6, 6}, nabla::f64);
}

TEST(Matmul, DotGradientIsTheOtherVector) {
  Tensor u = nabla::tensor({1.0, 2.0, 3.0}, nabla::f64).requires_grad_();
  Tensor v = nabla::tensor({4.0, 5.0, 6.0}, nabla::f64).requires_grad_();
  nabla::matmul(u, v).backward();
  expect_tensor(u.grad(), {3}, {4, 5, 6}, nabla::f64);
  expect_tensor(v.grad(), {3}, {1, 2, 3}, nabla::f64);
}

TEST(Matmul, MmTransposedLeftGradientByHand) {
  Tensor a = nabla::tensor(kA, {3, 2}, nabla::f64).requires_grad_();
  Tensor b = nabla::tensor({{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}}, nabla::f64).requires_grad_();
  nabla::sum(nabla::mm(a, b, true, false)).backward();
  // C[m][n] = Σ_k a[k][m] b[k][n]: ∂ΣC/∂a[k][m] = Σ_n b[k][n] = 1, 1, 2 (per row k)
  expect_tensor(a.grad(), {3, 2}, {1, 1, 1, 1, 2, 2}, nabla::f64);
  // ∂ΣC/∂b[k][n] = Σ_m a[k][m] = 3, 7, 11 (per row k)
  expect_tensor(b.grad(), {3, 2}, {3, 3, 7, 7, 11, 11}, nabla::f64);
}

struct MatmulShapes {
  std::string name;
  Shape a;
  Shape b;
};

class MatmulGrad : public testing::TestWithParam<MatmulShapes> {};

TEST_P(MatmulGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  // bilinear: any values will do
  const std::vector<Tensor> inputs = {normal(p.a, 1), normal(p.b, 2)};
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::matmul(in[0], in[1]);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

INSTANTIATE_TEST_SUITE_P(Shapes, MatmulGrad,
                         testing::Values(MatmulShapes{"Matrix_3x4_4x5", {3, 4}, {4, 5}},
                                         MatmulShapes{"RowVector_4_4x5", {4}, {4, 5}},
                                         MatmulShapes{"ColumnVector_3x4_4", {3, 4}, {4}},
                                         MatmulShapes{"Dot_4_4", {4}, {4}},
                                         MatmulShapes{"Outer_3x1_1x2", {3, 1}, {1, 2}},
                                         MatmulShapes{"OneByOne_1x1_1x1", {1, 1}, {1, 1}}),
                         [](const testing::TestParamInfo<MatmulShapes>& param_info) {
                           return param_info.param.name;
                         });

struct MmFlags {
  std::string name;
  bool ta;
  bool tb;
  Shape a;
  Shape b;
};

class MmGrad : public testing::TestWithParam<MmFlags> {};

TEST_P(MmGrad, MatchesFiniteDifferences) {
  const auto& p = GetParam();
  const std::vector<Tensor> inputs = {normal(p.a, 3), normal(p.b, 4)};
  const bool ta = p.ta, tb = p.tb;
  const nabla::Function fn = [ta, tb](const std::vector<Tensor>& in) {
    return nabla::mm(in[0], in[1], ta, tb);
  };
  expect_gradients_match(fn, inputs);
  expect_nonzero_gradient(fn, inputs);
}

// M = 3, K = 4, N = 5: every extent distinct, so a swapped flag changes a shape
INSTANTIATE_TEST_SUITE_P(Flags, MmGrad,
                         testing::Values(MmFlags{"NN_3x4_4x5", false, false, {3, 4}, {4, 5}},
                                         MmFlags{"NT_3x4_5x4", false, true, {3, 4}, {5, 4}},
                                         MmFlags{"TN_4x3_4x5", true, false, {4, 3}, {4, 5}},
                                         MmFlags{"TT_4x3_5x4", true, true, {4, 3}, {5, 4}}),
                         [](const testing::TestParamInfo<MmFlags>& param_info) {
                           return param_info.param.name;
                         });

TEST(Matmul, GradientToOneSideOnly) {
  // each operand is saved only when the other needs a gradient
  const Tensor a = nabla::tensor({{1.0, 2.0}}, nabla::f64);  // [1,2]
  Tensor b = nabla::tensor({{3.0}, {4.0}}, nabla::f64).requires_grad_();
  nabla::sum(nabla::matmul(a, b)).backward();
  expect_tensor(b.grad(), {2, 1}, {1, 2}, nabla::f64);
  Tensor c = nabla::tensor({{1.0, 2.0}}, nabla::f64).requires_grad_();
  const Tensor e = nabla::tensor({{3.0}, {4.0}}, nabla::f64);
  nabla::sum(nabla::matmul(c, e)).backward();
  expect_tensor(c.grad(), {1, 2}, {3, 4}, nabla::f64);
}

TEST(Matmul, RejectsInnerExtentMismatch) {
  const Tensor a = nabla::ones({3, 4});
  const Tensor b = nabla::ones({5, 2});
  EXPECT_THROW(nabla::matmul(a, b), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::matmul(a, b); }),
              AllOf(HasSubstr("nabla::matmul"), HasSubstr("[3, 4]"), HasSubstr("[5, 2]")));
  const Tensor v = nabla::ones({3});
  const Tensor m = nabla::ones({4, 2});
  EXPECT_THROW(nabla::matmul(v, m), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::matmul(v, m); }),
              AllOf(HasSubstr("nabla::matmul"), HasSubstr("[3]"), HasSubstr("[4, 2]")));
  EXPECT_THROW(nabla::matmul(nabla::ones({3}), nabla::ones({4})), std::invalid_argument);
}

TEST(Matmul, RejectsScalarOperands) {
  const Tensor b = nabla::ones({4, 2});
  const Tensor s = nabla::scalar_tensor(2.0);
  EXPECT_THROW(nabla::matmul(s, b), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::matmul(s, b); }),
              AllOf(HasSubstr("nabla::matmul"), HasSubstr("at least 1 dimension"), HasSubstr("[]"),
                    HasSubstr("[4, 2]")));
  const Tensor a3 = nabla::ones({2, 3, 4});
  EXPECT_THAT(message_of([&] { nabla::matmul(a3, s); }),
              AllOf(HasSubstr("nabla::matmul"), HasSubstr("[2, 3, 4]"), HasSubstr("[]")));
}

TEST(Matmul, RejectsMixedDtypes) {
  const Tensor a = nabla::ones({2, 3}, nabla::f32);
  const Tensor b = nabla::ones({3, 2}, nabla::f64);
  EXPECT_THROW(nabla::matmul(a, b), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::matmul(a, b); }),
              AllOf(HasSubstr("nabla::matmul"), HasSubstr("float32"), HasSubstr("float64"),
                    HasSubstr("[2, 3]"), HasSubstr("[3, 2]")));
  EXPECT_THROW(nabla::mm(a, b), std::invalid_argument);
}

TEST(Matmul, MmRejectsNonMatricesAndInnerMismatch) {
  const Tensor v = nabla::ones({3});
  const Tensor m = nabla::ones({3, 2});
  EXPECT_THROW(nabla::mm(v, m), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::mm(v, m); }),
              AllOf(HasSubstr("nabla::mm"), HasSubstr("[3]"), HasSubstr("[3, 2]")));
  // [3,2]ᵀ·[3,2]ᵀ = [2,3]·[2,3]: inner extents 3 and 2 differ
  EXPECT_THROW(nabla::mm(m, m, true, true), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::mm(m, m, true, true); }),
              AllOf(HasSubstr("nabla::mm: inner dimensions differ"), HasSubstr("[3, 2]")));
  // [3,2]·[3,2] without flags: 2 vs 3
  EXPECT_THROW(nabla::mm(m, m), std::invalid_argument);
}

TEST(Matmul, RejectsUndefinedOperand) {
  EXPECT_THROW(nabla::matmul(Tensor(), nabla::ones({2, 2})), std::invalid_argument);
  EXPECT_THAT(message_of([] {
                nabla::mm(nabla::ones({2, 2}), Tensor());
              }),
              HasSubstr("nabla::matmul"));
}

TEST(Matmul, InfinityAndNanFlowThrough) {
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    const Tensor a = nabla::tensor({{kInf, 1.0}, {kNaN, 1.0}, {1.0, 2.0}}, d);  // [3,2]
    const Tensor b = nabla::tensor({{1.0}, {1.0}}, d);                          // [2,1]
    // inf + 1 = inf, NaN + 1 = NaN, 1 + 2 = 3
    expect_tensor(nabla::matmul(a, b), {3, 1}, {kInf, kNaN, 3}, d);
  }
}

TEST(Matmul, Float32AgreesWithFloat64) {
  // sums of 16 products of standard normals: a few float32 roundings each
  expect_f32_matches_f64([](const std::vector<Tensor>& in) { return nabla::matmul(in[0], in[1]); },
                         {normal({8, 16}, 11), normal({16, 8}, 12)});
  expect_f32_matches_f64(
      [](const std::vector<Tensor>& in) { return nabla::mm(in[0], in[1], true, true); },
      {normal({16, 8}, 13), normal({8, 16}, 14)});
}

TEST(Matmul, LargerProductMatchesANaiveLoop) {
  // gemm's blocking kicks in past small sizes: compare with the definition
  const Tensor a = normal({33, 17}, 21);
  const Tensor b = normal({17, 29}, 22);
  const auto av = a.to_vector();
  const auto bv = b.to_vector();
  const auto c = nabla::matmul(a, b).to_vector();
  for (std::size_t i = 0; i < 33; ++i) {
    for (std::size_t j = 0; j < 29; ++j) {
      double s = 0.0;
      for (std::size_t k = 0; k < 17; ++k) s += av[i * 17 + k] * bv[k * 29 + j];
      EXPECT_NEAR(c[i * 29 + j], s, 1e-12) << i << "," << j;
    }
  }
}

// ---- batched matmul ------------------------------------------------------------------

struct BatchedCase {
  std::string name;
  Shape a, b, c;
  std::vector<double> value, grad_a, grad_b;
};

// Recorded from PyTorch 1.13 (python3-torch), with pat and run of linalg_test_util.hpp:
//   for sa, sb in [((2,1,2,3),(3,3,2)), ((2,2,3),(3,2)), ((2,2,3),(3,)), ((3,),(2,3,2)),
//                  ((2,3),(2,3,2)), ((2,3,4),(2,4,2))]:
//       run(torch.matmul, pat(sa), pat(sb, 5, 13))
const std::vector<BatchedCase> kBatchedCases = {
    {"Broadcast_2x1x2x3_3x3x2",
     {2, 1, 2, 3},
     {3, 3, 2},
     {2, 3, 2, 2},
     {2.25,  -0.9375, -1.8125, -1.6875, -0.625, -0.5625, -1.875,  1.5,
      -0.25, 2.25,    1.3125,  -1.8125, -1.75,  -1.75,   -1.6875, -1.8125,
      -1.75, 1.5,     -1.625,  1.5,     1.5,    -1.75,   1.6875,  -1.6875},
     {-5.625, -1.625, 4.0, -7.625, 0.25, 4.0625, -3.625, -3.5, 3.9375, -5.625, -1.625, 4.0},
     {4.3125, 3.4375, 1.0, 0.9375, -5.75, -7.0625, 4.3125, 2.5625, 1.1875, 0.6875, -8.8125, -5.3125,
      3.4375, 3.0, 0.9375, 1.3125, -7.0625, -7.9375}},
    {"Folded_2x2x3_3x2",
     {2, 2, 3},
     {3, 2},
     {2, 2, 2},
     {2.25, -0.9375, -1.8125, -1.6875, -1.75, -1.75, -1.6875, -1.8125},
     {-2.375, -0.75, 3.3125, -4.5625, 1.0, 3.3125, -4.125, 1.0, 2.875, -3.6875, 1.0, 2.4375},
     {6.0625, 2.125, 0.75, 1.125, -8.0, -5.375}},
    {"BatchTimesVector_2x2x3_3",
     {2, 2, 3},
     {3},
     {2, 2},
     {1.25, -2.6875, -2.5, -2.3125},
     {-1.875, -0.3125, 1.25, -3.0, -0.5, 2.0, -4.125, -0.6875, 2.75, -2.625, -0.4375, 1.75},
     {5.0, 0.6875, -7.0625}},
    {"VectorTimesBatch_3_2x3x2",
     {3},
     {2, 3, 2},
     {2, 2},
     {2.25, -0.9375, -0.625, -0.5625},
     {-2.4375, -4.1875, 5.4375},
     {-1.5625, -2.5, 0.625, 1.0, -0.625, -1.0, -3.4375, -2.1875, 1.375, 0.875, -1.375, -0.875}},
    {"MatrixTimesBatch_2x3_2x3x2",
     {2, 3},
     {2, 3, 2},
     {2, 2, 2},
     {2.25, -0.9375, -1.8125, -1.6875, -0.625, -0.5625, -1.875, 1.5},
     {-2.5, -3.875, 5.3125, -4.75, -1.8125, 5.1875},
     {1.875, -0.3125, 1.3125, 1.4375, -2.6875, -2.3125, -0.3125, -0.3125, 1.8125, 1.0625, -2.9375,
      -1.6875}},
    {"SameBatch_2x3x4_2x4x2",
     {2, 3, 4},
     {2, 4, 2},
     {2, 3, 2},
     {1.625, 0.0, -0.875, 2.1875, 2.8125, -1.8125, -0.6875, -1.25, 2.4375, -1.75, -2.0, 2.5625},
     {-2.375, -0.75,  3.3125, 0.875,  -4.5625, 1.0,    3.3125, -0.0625,
      -4.125, 1.0,    2.875,  -0.125, -2.8125, 1.875,  -0.75,  0.6875,
      -2.5,   0.4375, -3.125, 2.25,   -2.1875, 0.3125, -2.875, 2.0625},
     {-3.375, -3.5625, 0.4375, 0.8125, 1.5, 0.375, -1.5625, 0.625, 0.9375, 0.4375, 0.4375, 1.5,
      0.625, -1.5625, -0.5625, -1.1875}},
};

class MatmulBatched : public testing::TestWithParam<BatchedCase> {};

TEST_P(MatmulBatched, ValuesAndGradientsMatchPyTorch) {
  const BatchedCase& p = GetParam();
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::matmul(pattern(p.a, 7, 11, d), pattern_b(p.b, d)), p.c, p.value, d);
  }
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::matmul(in[0], in[1]);
  };
  const auto grads = pattern_grads(fn, {pattern(p.a), pattern_b(p.b)});
  expect_tensor(grads[0], p.a, p.grad_a, nabla::f64);
  expect_tensor(grads[1], p.b, p.grad_b, nabla::f64);
}

TEST_P(MatmulBatched, GradientsOfFirstAndSecondOrderMatchFiniteDifferences) {
  const BatchedCase& p = GetParam();
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::matmul(in[0], in[1]);
  };
  expect_gradients_match(fn, {normal(p.a, 31), normal(p.b, 32)});
  expect_nonzero_gradient(fn, {normal(p.a, 31), normal(p.b, 32)});
}

INSTANTIATE_TEST_SUITE_P(Shapes, MatmulBatched, testing::ValuesIn(kBatchedCases),
                         [](const testing::TestParamInfo<BatchedCase>& param_info) {
                           return param_info.param.name;
                         });

// The batched product of views, against the same product of contiguous copies: values,
// and gradients flowing back through the views to their bases.
void expect_matmul_of_views_matches(const std::function<Tensor(const Tensor&)>& view_a,
                                    const Tensor& base_a,
                                    const std::function<Tensor(const Tensor&)>& view_b,
                                    const Tensor& base_b) {
  const Tensor va = view_a(base_a), vb = view_b(base_b);
  expect_same_values(nabla::matmul(va, vb),
                     nabla::matmul(nabla::contiguous(va), nabla::contiguous(vb)));
  const nabla::Function through_views = [&](const std::vector<Tensor>& in) {
    return nabla::matmul(view_a(in[0]), view_b(in[1]));
  };
  const nabla::Function through_copies = [&](const std::vector<Tensor>& in) {
    return nabla::matmul(nabla::contiguous(view_a(in[0])), nabla::contiguous(view_b(in[1])));
  };
  const auto g_views = weighted_grads(through_views, {base_a, base_b});
  const auto g_copies = weighted_grads(through_copies, {base_a, base_b});
  expect_same_values(g_views[0], g_copies[0]);
  expect_same_values(g_views[1], g_copies[1]);
  expect_gradients_match(through_views, {base_a, base_b});
}

TEST(MatmulBatched, ReadsTransposedMatricesOfAStack) {
  // a: [2,4,3] with its last two axes swapped → [2,3,4]; b: [2,5,4] likewise → [2,4,5]
  const auto swap = [](const Tensor& t) { return nabla::transpose(t, 1, 2); };
  expect_matmul_of_views_matches(swap, normal({2, 4, 3}, 41), swap, normal({2, 5, 4}, 42));
}

TEST(MatmulBatched, ReadsABatchAxisThatIsNotOutermost) {
  // a: [3,2,4] permuted to [2,3,4] (batch stride 4, rows 8): cannot fold, one gemm per matrix
  const auto batch_inside = [](const Tensor& t) { return nabla::permute(t, {1, 0, 2}); };
  const auto same = [](const Tensor& t) { return t; };
  expect_matmul_of_views_matches(batch_inside, normal({3, 2, 4}, 43), same, normal({4, 5}, 44));
  expect_matmul_of_views_matches(batch_inside, normal({3, 2, 4}, 45), same, normal({2, 4, 5}, 46));
}

TEST(MatmulBatched, ReadsExpandedAndSteppedOperands) {
  // b broadcast along its batch by expand (stride 0), a a narrow of wider matrices
  const auto expanded = [](const Tensor& t) { return nabla::expand(t, {3, 4, 2}); };
  const auto narrowed = [](const Tensor& t) { return nabla::narrow(t, 2, 1, 4); };
  expect_matmul_of_views_matches(narrowed, normal({3, 2, 6}, 47), expanded, normal({1, 4, 2}, 48));
  // a stepped slice along the last axis: gemm cannot read it, so it is copied once
  const auto stepped = [](const Tensor& t) { return nabla::slice(t, 2, 0, std::nullopt, 2); };
  expect_matmul_of_views_matches(stepped, normal({3, 3, 8}, 49), expanded, normal({1, 4, 2}, 50));
}

TEST(MatmulBatched, FoldedAndPerMatrixProductsAgree) {
  // [2,3,4]·[4,5] folds into one [6,4]·[4,5] gemm; the same values through a permuted view
  // of a (which cannot fold) take one gemm per matrix
  const Tensor a = normal({2, 3, 4}, 51);
  const Tensor b = normal({4, 5}, 52);
  const Tensor a_view = nabla::permute(nabla::contiguous(nabla::permute(a, {1, 0, 2})), {1, 0, 2});
  EXPECT_FALSE(a_view.is_contiguous());
  expect_same_values(nabla::matmul(a_view, b), nabla::matmul(a, b));
  // b with batch extents of 1 folds too, the result keeping b's extra leading axis
  const Tensor r = nabla::matmul(a, nabla::reshape(b, {1, 1, 4, 5}));
  EXPECT_EQ(r.shape(), (Shape{1, 2, 3, 5}));
  expect_same_values(nabla::reshape(r, {2, 3, 5}), nabla::matmul(a, b));
}

TEST(MatmulBatched, EmptyExtents) {
  // Recorded from PyTorch 1.13: torch.matmul(torch.ones(0,2,3), torch.ones(1,3,4)).shape and
  // torch.matmul(torch.ones(0,2,3), torch.ones(3,4)).shape are both (0, 2, 4)
  EXPECT_EQ(nabla::matmul(nabla::ones({0, 2, 3}), nabla::ones({1, 3, 4})).shape(),
            (Shape{0, 2, 4}));
  EXPECT_EQ(nabla::matmul(nabla::ones({0, 2, 3}), nabla::ones({3, 4})).shape(), (Shape{0, 2, 4}));
  // K = 0: every entry is an empty sum
  expect_tensor(
      nabla::matmul(nabla::ones({2, 1, 0}, nabla::f64), nabla::ones({2, 0, 2}, nabla::f64)),
      {2, 1, 2}, {0, 0, 0, 0}, nabla::f64);
}

TEST(MatmulBatched, RejectsBatchDimsThatDoNotBroadcast) {
  const Tensor a = nabla::ones({2, 3, 4});
  const Tensor b = nabla::ones({3, 4, 5});
  EXPECT_THROW(nabla::matmul(a, b), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::matmul(a, b); }),
              AllOf(HasSubstr("nabla::matmul"), HasSubstr("batch dimensions [2]"), HasSubstr("[3]"),
                    HasSubstr("do not broadcast"), HasSubstr("[2, 3, 4]"), HasSubstr("[3, 4, 5]")));
  EXPECT_THAT(message_of([] {
                nabla::matmul(nabla::ones({2, 2, 3, 4}), nabla::ones({3, 1, 4, 2}));
              }),
              AllOf(HasSubstr("batch dimensions [2, 2]"), HasSubstr("[3, 1]"),
                    HasSubstr("extents 2 and 3 at batch dim 0")));
}

TEST(MatmulBatched, RejectsInnerExtentMismatch) {
  EXPECT_THAT(message_of([] {
                nabla::matmul(nabla::ones({2, 3, 4}), nabla::ones({2, 5, 2}));
              }),
              AllOf(HasSubstr("nabla::matmul"), HasSubstr("[2, 3, 4]"), HasSubstr("[2, 5, 2]"),
                    HasSubstr("inner extents 4"), HasSubstr("and 5")));
  EXPECT_THAT(message_of([] {
                nabla::matmul(nabla::ones({2, 3, 4}), nabla::ones({5}));
              }),
              AllOf(HasSubstr("nabla::matmul"), HasSubstr("[2, 3, 4]"), HasSubstr("[5]")));
  EXPECT_THAT(message_of([] {
                nabla::matmul(nabla::ones({3}), nabla::ones({2, 4, 2}));
              }),
              AllOf(HasSubstr("nabla::matmul"), HasSubstr("[3]"), HasSubstr("[2, 4, 2]")));
}

TEST(MatmulBatched, RejectsMixedAndIntegerDtypes) {
  EXPECT_THAT(message_of([] {
                nabla::matmul(nabla::ones({2, 2, 3}, nabla::f32), nabla::ones({3, 2}, nabla::f64));
              }),
              AllOf(HasSubstr("nabla::matmul"), HasSubstr("float32"), HasSubstr("float64"),
                    HasSubstr("[2, 2, 3]")));
  EXPECT_THAT(message_of([] {
                nabla::matmul(nabla::ones({2, 2, 3}, nabla::i64), nabla::ones({3, 2}, nabla::i64));
              }),
              AllOf(HasSubstr("nabla::matmul"), HasSubstr("int64")));
}

TEST(MatmulBatched, BackwardOfBackwardThroughABroadcastBatch) {
  // d/da of Σ (∂L/∂b)², L = Σ w ⊙ (a·b): a second-order gradient through the batched rule
  // and the engine's sum over the broadcast batch of b [3,2]
  const nabla::Function fn = [](const std::vector<Tensor>& in) {
    return nabla::matmul(in[0], in[1]);
  };
  expect_gradients_match(fn, {normal({4, 2, 3}, 61), normal({1, 3, 2}, 62)});
  expect_gradients_match(fn, {normal({2, 3}, 63), normal({4, 3, 2}, 64)});
}

}  // namespace
}  // namespace test_matmul
