// Tests of ops/einsum.cpp: Einstein summation over one or two operands.

#include "ops/linalg_test_util.hpp"

namespace test_einsum {
namespace {

using namespace nabla_test;
using nabla::Tensor;
using testing::AllOf;
using testing::HasSubstr;

struct EinsumCase {
  std::string name;
  std::string equation;
  std::vector<Shape> shapes;
  Shape result;
  std::vector<double> value;
  std::vector<std::vector<double>> grads;
};

// Recorded from PyTorch 1.13 (python3-torch), with pat and run of linalg_test_util.hpp, the
// first operand pat(shape) and the second pat(shape, 5, 13):
//   for eq, shapes in [('bij,bjk->bik', [(2,2,3),(2,3,2)]), ('ik,jk', [(2,3),(4,3)]),
//       ('ii->i', [(3,3)]), ('ii', [(3,3)]), ('iij,jk->ik', [(2,2,3),(3,2)]),
//       ('...ij,...jk->...ik', [(2,1,2,3),(3,3,2)]), ('bi,bi->b', [(3,4),(1,4)]),
//       ('ijk->ki', [(2,3,4)]), ('i,j->ij', [(2,),(3,)]), ('Ba,bA', [(2,3),(4,1)]),
//       ('...ij->ij', [(2,2,3)]), ('ij,jk', [(2,1),(3,2)])]:
//       run(lambda *x: torch.einsum(eq, *x), *operands)
const std::vector<EinsumCase> kEinsumCases = {
    {"BatchedProduct",
     "bij,bjk->bik",
     {{2, 2, 3}, {2, 3, 2}},
     {2, 2, 2},
     {2.25, -0.9375, -1.8125, -1.6875, -1.75, 1.5, -1.625, 1.5},
     {{-2.375, -0.75, 3.3125, -4.5625, 1.0, 3.3125, -0.125, -3.125, 2.0, -0.1875, -2.8125, 1.875},
      {1.875, -0.3125, 1.3125, 1.4375, -2.6875, -2.3125, 4.1875, 2.4375, -0.5625, -0.3125, -5.3125,
       -3.0625}}},
    {"ImplicitTransposedProduct",
     "ik,jk",
     {{2, 3}, {4, 3}},
     {2, 4},
     {1.25, 0.625, 1.625, 1.0, -2.6875, -2.3125, 0.5, 0.875},
     {{-5.25, 4.4375, -0.5, -6.375, 3.0, 1.0},
      {1.5625, 1.25, -2.5, -0.625, 1.375, -2.125, -0.625, 1.9375, -3.0625, -0.625, 1.1875,
       -1.8125}}},
    {"Diagonal",
     "ii->i",
     {{3, 3}},
     {3},
     {-1.25, 0.25, -1.0},
     {{1.25, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 2.75}}},
    {"ImplicitTrace",
     "ii",
     {{3, 3}},
     {},
     {-2.0},
     {{1.25, 0.0, 0.0, 0.0, 1.25, 0.0, 0.0, 0.0, 1.25}}},
    {"DiagonalThenContraction",
     "iij,jk->ik",
     {{2, 2, 3}, {3, 2}},
     {2, 2},
     {2.25, -0.9375, -1.6875, -1.8125},
     {{-2.375, -0.75, 3.3125, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -4.5625, 1.0, 3.3125},
      {0.5, -1.1875, -0.0625, 0.5625, -4.0625, -3.1875}}},
    {"EllipsisBroadcast",
     "...ij,...jk->...ik",
     {{2, 1, 2, 3}, {3, 3, 2}},
     {2, 3, 2, 2},
     {2.25,  -0.9375, -1.8125, -1.6875, -0.625, -0.5625, -1.875,  1.5,
      -0.25, 2.25,    1.3125,  -1.8125, -1.75,  -1.75,   -1.6875, -1.8125,
      -1.75, 1.5,     -1.625,  1.5,     1.5,    -1.75,   1.6875,  -1.6875},
     {{-5.625, -1.625, 4.0, -7.625, 0.25, 4.0625, -3.625, -3.5, 3.9375, -5.625, -1.625, 4.0},
      {4.3125, 3.4375, 1.0, 0.9375, -5.75, -7.0625, 4.3125, 2.5625, 1.1875, 0.6875, -8.8125,
       -5.3125, 3.4375, 3.0, 0.9375, 1.3125, -7.0625, -7.9375}}},
    {"BatchOfDotsWithABroadcastRow",
     "bi,bi->b",
     {{3, 4}, {1, 4}},
     {3},
     {0.0, 0.8125, 2.3125},
     {{-1.875, -0.3125, 1.25, -1.25, -3.0, -0.5, 2.0, -2.0, -4.125, -0.6875, 2.75, -2.75},
      {-3.8125, 1.1875, 0.6875, -1.875}}},
    {"SumAndPermute",
     "ijk->ki",
     {{2, 3, 4}},
     {4, 2},
     {-2.0, 0.5, 0.5, 0.25, 0.25, 0.0, 0.0, -0.25},
     {{1.25, 2.75, 2.5, 2.25, 1.25, 2.75, 2.5, 2.25, 1.25, 2.75, 2.5, 2.25,
       2.0,  1.75, 1.5, 1.25, 2.0,  1.75, 1.5, 1.25, 2.0,  1.75, 1.5, 1.25}}},
    {"Outer",
     "i,j->ij",
     {{2}, {3}},
     {2, 3},
     {1.875, 0.3125, -1.25, -0.75, -0.125, 0.5},
     {{0.375, -1.75}, {-0.6875, -1.25, -2.6875}}},
    {"ImplicitOrderIsAscii",
     "Ba,bA",
     {{2, 3}, {4, 1}},
     {1, 2, 3, 4},
     {1.875,  0.3125,  -1.25, 1.25,  -0.75,  -0.125,  0.5,  -0.5,  0.75,  0.125,  -0.5,  0.5,
      -1.875, -0.3125, 1.25,  -1.25, -0.375, -0.0625, 0.25, -0.25, 1.125, 0.1875, -0.75, 0.75},
     {{-1.375, -3.125, -4.4375, -3.5625, -3.5625, -4.4375}, {-0.4375, -0.8125, -2.5, -2.0}}},
    {"EllipsisSummedWhenNotInOutput",
     "...ij->ij",
     {{2, 2, 3}},
     {2, 3},
     {-0.25, 0.5, -1.5, 2.0, 0.0, -2.0},
     {{1.25, 2.0, 2.75, 1.75, 2.5, 1.5, 1.25, 2.0, 2.75, 1.75, 2.5, 1.5}}},
    {"ContractedExtentOneBroadcasts",
     "ij,jk",
     {{2, 1}, {3, 2}},
     {2, 2},
     {0.3125, -0.3125, -0.125, 0.125},
     {{0.1875, -0.25}, {-0.1875, -1.625, -0.1875, -1.625, -0.1875, -1.625}}},
};

std::vector<Tensor> einsum_inputs(const EinsumCase& p, Dtype d = nabla::f64) {
  std::vector<Tensor> in;
  for (std::size_t k = 0; k < p.shapes.size(); ++k) {
    in.push_back(k == 0 ? pattern(p.shapes[k], 7, 11, d) : pattern_b(p.shapes[k], d));
  }
  return in;
}

class Einsum : public testing::TestWithParam<EinsumCase> {};

TEST_P(Einsum, ValuesAndGradientsMatchPyTorch) {
  const EinsumCase& p = GetParam();
  for (Dtype d : kDtypes) {
    SCOPED_TRACE(nabla::dtype_name(d));
    expect_tensor(nabla::einsum(p.equation, einsum_inputs(p, d)), p.result, p.value, d);
  }
  const std::string eq = p.equation;
  const nabla::Function fn = [eq](const std::vector<Tensor>& in) { return nabla::einsum(eq, in); };
  const auto g = pattern_grads(fn, einsum_inputs(p));
  for (std::size_t k = 0; k < p.grads.size(); ++k) {
    SCOPED_TRACE("operand " + std::to_string(k));
    expect_tensor(g[k], p.shapes[k], p.grads[k], nabla::f64);
  }
}

TEST_P(Einsum, GradientsOfFirstAndSecondOrderMatchFiniteDifferences) {
  const EinsumCase& p = GetParam();
  const std::string eq = p.equation;
  const nabla::Function fn = [eq](const std::vector<Tensor>& in) { return nabla::einsum(eq, in); };
  std::vector<Tensor> in;
  for (std::size_t k = 0; k < p.shapes.size(); ++k) in.push_back(normal(p.shapes[k], 10 + k));
  expect_gradients_match(fn, in);
  expect_nonzero_gradient(fn, in);
}

INSTANTIATE_TEST_SUITE_P(Equations, Einsum, testing::ValuesIn(kEinsumCases),
                         [](const testing::TestParamInfo<EinsumCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(Einsum, AgreesWithMatmulAndIgnoresSpaces) {
  const Tensor a = normal({3, 4}, 1), b = normal({4, 5}, 2);
  expect_same_values(nabla::einsum(" i j , j k -> i k ", {a, b}), nabla::matmul(a, b));
  // transposed output: the product of the transposes
  expect_same_values(nabla::einsum("ij,jk->ki", {a, b}), nabla::transpose(nabla::matmul(a, b)));
}

TEST(Einsum, TakesViewsAsOperands) {
  // a transposed stack, a stepped slice, and a stride-0 broadcast
  const Tensor base = normal({2, 4, 3}, 3);
  const Tensor a = nabla::transpose(base, 1, 2);  // [2,3,4]
  const Tensor wide = normal({2, 8, 5}, 4);
  const Tensor b = nabla::slice(wide, 1, 0, std::nullopt, 2);  // [2,4,5]
  const Tensor e = nabla::expand(normal({1, 4, 5}, 5), {2, 4, 5});
  for (const Tensor& rhs : {b, e}) {
    expect_same_values(
        nabla::einsum("bij,bjk->bik", {a, rhs}),
        nabla::einsum("bij,bjk->bik", {nabla::contiguous(a), nabla::contiguous(rhs)}));
  }
  expect_same_values(nabla::einsum("bii->bi", {nabla::narrow(a, 2, 0, 3)}),
                     nabla::einsum("bii->bi", {nabla::contiguous(nabla::narrow(a, 2, 0, 3))}));
  expect_gradients_match(
      [](const std::vector<Tensor>& in) {
        return nabla::einsum("bji,bjk->bik", {in[0], nabla::slice(in[1], 1, 0, std::nullopt, 2)});
      },
      {base, wide});
}

TEST(Einsum, OneOperandResultIsAView) {
  // as PyTorch: a permutation or a diagonal of one operand shares its storage
  const Tensor x = normal({3, 3}, 6);
  EXPECT_TRUE(nabla::einsum("ij->ji", {x}).is_same_storage(x));
  EXPECT_TRUE(nabla::einsum("ii->i", {x}).is_same_storage(x));
}

// ---- bad input: one test per kind of mistake --------------------------------------------

TEST(Einsum, RejectsOperandCounts) {
  const Tensor m = nabla::ones({2, 2});
  EXPECT_THAT(message_of([&] {
                nabla::einsum("ij,jk,kl->il", {m, m, m});
              }),
              AllOf(HasSubstr("nabla::einsum"), HasSubstr("\"ij,jk,kl->il\""),
                    HasSubstr("one or two operands, got 3")));
  EXPECT_THAT(message_of([&] { nabla::einsum("", {}); }), HasSubstr("got 0"));
  EXPECT_THAT(message_of([&] { nabla::einsum("ij,jk->ik", {m}); }),
              AllOf(HasSubstr("2 input terms but 1 operand was given")));
  EXPECT_THAT(message_of([&] {
                nabla::einsum("ij->ij", {m, m});
              }),
              AllOf(HasSubstr("1 input term but 2 operands were given")));
}

TEST(Einsum, RejectsCharactersOutsideTheSubscripts) {
  const Tensor m = nabla::ones({2, 2});
  EXPECT_THAT(message_of([&] { nabla::einsum("i1", {m}); }),
              AllOf(HasSubstr("nabla::einsum"), HasSubstr("invalid character '1' at index 1")));
  EXPECT_THAT(message_of([&] { nabla::einsum("ij-ij", {m}); }),
              HasSubstr("'-' at index 2 is not part of '->'"));
  EXPECT_THAT(message_of([&] { nabla::einsum("ij->i->j", {m}); }), HasSubstr("a second '->'"));
  EXPECT_THAT(message_of([&] { nabla::einsum("ij->i,j", {m}); }),
              HasSubstr("',' at index 5 is in the output"));
}

TEST(Einsum, RejectsMisplacedEllipsis) {
  const Tensor m = nabla::ones({2, 2});
  EXPECT_THAT(message_of([&] { nabla::einsum("i.j", {m}); }),
              HasSubstr("'.' at index 1 is not part of an ellipsis"));
  EXPECT_THAT(message_of([&] { nabla::einsum("...i...", {m}); }),
              HasSubstr("a second '...' in operand 0"));
}

TEST(Einsum, RejectsSubscriptCountsThatDoNotMatchTheRank) {
  EXPECT_THAT(
      message_of([] {
        nabla::einsum("ij->ij", {nabla::ones({2, 3, 4})});
      }),
      AllOf(HasSubstr("operand 0 has 2 subscripts but 3 dimensions"), HasSubstr("[2, 3, 4]")));
  EXPECT_THAT(message_of([] {
                nabla::einsum("ij,...ijk", {nabla::ones({2, 2}), nabla::ones({2, 2})});
              }),
              AllOf(HasSubstr("operand 1 has 3 subscripts besides '...' but 2 dimensions")));
}

TEST(Einsum, RejectsBadOutputSubscripts) {
  const Tensor m = nabla::ones({2, 3});
  EXPECT_THAT(message_of([&] { nabla::einsum("ij->kj", {m}); }),
              HasSubstr("output subscript k appears in no operand"));
  EXPECT_THAT(message_of([&] { nabla::einsum("ij->ii", {m}); }),
              HasSubstr("output subscript i appears more than once"));
}

TEST(Einsum, RejectsExtentsThatDoNotMatch) {
  EXPECT_THAT(message_of([] {
                nabla::einsum("ii->i", {nabla::ones({3, 4})});
              }),
              AllOf(HasSubstr("subscript i is repeated in operand 0"), HasSubstr("[3, 4]"),
                    HasSubstr("extents 3 and 4")));
  EXPECT_THAT(message_of([] {
                nabla::einsum("ij,jk->ik", {nabla::ones({3, 4}), nabla::ones({5, 2})});
              }),
              AllOf(HasSubstr("subscript j has extent 5 in operand 1"), HasSubstr("[5, 2]"),
                    HasSubstr("but 4 in operand 0")));
  EXPECT_THAT(message_of([] {
                nabla::einsum("...i,...i", {nabla::ones({2, 3}), nabla::ones({4, 3})});
              }),
              HasSubstr("subscript '...' dim 0 has extent 4 in operand 1"));
}

TEST(Einsum, RejectsMixedAndIntegerDtypes) {
  EXPECT_THAT(
      message_of([] {
        nabla::einsum("ij,jk", {nabla::ones({2, 2}, nabla::f32), nabla::ones({2, 2}, nabla::f64)});
      }),
      AllOf(HasSubstr("nabla::einsum"), HasSubstr("float32"), HasSubstr("float64")));
  EXPECT_THAT(message_of([] {
                nabla::einsum("ij", {nabla::ones({2, 2}, nabla::i64)});
              }),
              AllOf(HasSubstr("nabla::einsum"), HasSubstr("operand 0 is int64")));
  EXPECT_THAT(message_of([] { nabla::einsum("ij", {Tensor()}); }),
              HasSubstr("operand 0 is an undefined tensor"));
}

}  // namespace
}  // namespace test_einsum
