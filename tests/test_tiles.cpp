// The tiled walk of transposed layouts (core/strided.hpp, for_each_tile_in): contiguous()
// and copy_ of a transpose, and the elementwise kernels fed one, give the values written
// out by hand, for sizes that leave partial tiles on both axes (37×129), a single row or
// column, several whole tiles, a batch of transposes (rank 3), and every dtype. The
// elementwise results are compared with the same op on a contiguous tensor of the same
// values, element for element (the vector kernels give a value the same result wherever
// it sits, so the two must agree exactly).

#include "ops/op_test_util.hpp"

#include <string>

namespace {

using namespace nabla_test;

// The value at (b, i, j) of the matrices under test: small whole numbers, so that they are
// exact in every dtype (and nonnegative, for uint8); for floating dtypes moved to
// [-11/8, 11/8] in steps of 1/8. `divisor` keeps them away from 0.
double value_at(std::int64_t b, std::int64_t i, std::int64_t j, Dtype d, bool divisor) {
  const auto k = static_cast<double>((b * 13 + i * 31 + j * 17 + 5) % 23);
  if (!nabla::is_floating_point(d)) return divisor ? k + 1.0 : k;
  return (k - 11.0) / 8.0 + (divisor ? 1.0 / 16.0 : 0.0);
}

// [batch, r, c] (or [r, c] when batch is 0) with value_at's values: `dense` contiguous, and
// `view` the same values as the transpose of the last two axes of a contiguous [.., c, r].
struct Pair {
  Tensor dense, view;
};
Pair transposed_pair(std::int64_t batch, std::int64_t r, std::int64_t c, Dtype d,
                     bool divisor = false) {
  const std::int64_t nb = std::max<std::int64_t>(batch, 1);
  std::vector<double> rows(static_cast<std::size_t>(nb * r * c)), cols(rows.size());
  for (std::int64_t b = 0; b < nb; ++b) {
    for (std::int64_t i = 0; i < r; ++i) {
      for (std::int64_t j = 0; j < c; ++j) {
        rows[static_cast<std::size_t>((b * r + i) * c + j)] = value_at(b, i, j, d, divisor);
        cols[static_cast<std::size_t>((b * c + j) * r + i)] = value_at(b, i, j, d, divisor);
      }
    }
  }
  if (batch == 0) return {nabla::tensor(rows, {r, c}, d), nabla::tensor(cols, {c, r}, d).t()};
  return {nabla::tensor(rows, {batch, r, c}, d),
          nabla::tensor(cols, {batch, c, r}, d).transpose(1, 2)};
}

// Bit-for-bit equality of two tensors of one shape and dtype (both read through to_vector,
// which is exact for the values used here).
void expect_identical(const Tensor& got, const Tensor& want, const std::string& what) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  ASSERT_EQ(got.dtype(), want.dtype()) << what;
  const auto g = got.to_vector(), w = want.to_vector();
  for (std::size_t i = 0; i < g.size(); ++i) ASSERT_EQ(g[i], w[i]) << what << " at " << i;
}

// 1, 2, ..., 7, 1, 2, ... in shape `shape` (nonzero, and within uint8).
Tensor counting(const Shape& shape, Dtype d) {
  std::vector<double> v(static_cast<std::size_t>(nabla::shape_numel(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i % 7 + 1);
  return nabla::tensor(v, shape, d);
}

struct Size {
  std::int64_t batch, r, c;
};
const std::vector<Size> kSizes = {{0, 37, 129}, {0, 1, 200}, {0, 200, 1}, {0, 64, 64},
                                  {0, 65, 130}, {0, 3, 300}, {3, 37, 70}};

std::string name_of(const Size& s, Dtype d) {
  return (s.batch ? std::to_string(s.batch) + "x" : "") + std::to_string(s.r) + "x" +
         std::to_string(s.c) + " " + std::string(nabla::dtype_name(d));
}

const std::vector<Dtype> kAllDtypes = {nabla::f32, nabla::f64, nabla::i64,
                                       nabla::i32, nabla::u8,  nabla::bool_};

TEST(Tiles, ContiguousOfATransposeHasTheValuesWrittenOut) {
  for (const Dtype d : kAllDtypes) {
    for (const Size& s : kSizes) {
      const Pair p = transposed_pair(s.batch, s.r, s.c, d);
      const Tensor c = p.view.contiguous();
      EXPECT_TRUE(c.is_contiguous());
      expect_identical(c, p.dense, "contiguous of the transpose " + name_of(s, d));
      // and converted on the way (copy_values between dtypes)
      const Dtype to = d == nabla::f64 ? nabla::f32 : nabla::f64;
      expect_identical(p.view.to(to), p.dense.to(to), "to() of the transpose " + name_of(s, d));
    }
  }
}

TEST(Tiles, CopyIntoATransposedViewWritesEveryElement) {
  for (const Dtype d : kAllDtypes) {
    for (const Size& s : kSizes) {
      const Pair p = transposed_pair(s.batch, s.r, s.c, d);
      // target is [.., c, r]; its transpose, the destination, has the dense tensor's shape
      Tensor target = s.batch ? nabla::zeros({s.batch, s.c, s.r}, d) : nabla::zeros({s.c, s.r}, d);
      Tensor dst = s.batch ? target.transpose(1, 2) : target.t();
      dst.copy_(p.dense);
      expect_identical(dst.contiguous(), p.dense, "copy_ into a transpose " + name_of(s, d));
      // and a transpose into a transpose
      Tensor target2 = nabla::zeros_like(target);
      (s.batch ? target2.transpose(1, 2) : target2.t()).copy_(p.view);
      expect_identical(target2, s.batch ? p.view.transpose(1, 2) : p.view.t(),
                       "copy_ of a transpose into a transpose " + name_of(s, d));
    }
  }
}

TEST(Tiles, UnaryOfATransposeEqualsUnaryOfTheDenseValues) {
  using Unary = Tensor (*)(const Tensor&);
  const std::vector<std::pair<std::string, Unary>> ops = {
      {"exp", [](const Tensor& x) { return nabla::exp(x); }},
      {"neg", [](const Tensor& x) { return nabla::neg(x); }},
      {"sigmoid", [](const Tensor& x) { return nabla::sigmoid(x); }},
      {"relu", [](const Tensor& x) { return nabla::relu(x); }},
      {"abs", [](const Tensor& x) { return nabla::abs(x); }},  // a kernel without a table entry
      {"sqrt of abs", [](const Tensor& x) { return nabla::sqrt(nabla::abs(x)); }}};
  for (const Dtype d : kDtypes) {
    for (const Size& s : kSizes) {
      const Pair p = transposed_pair(s.batch, s.r, s.c, d);
      for (const auto& [name, op] : ops)
        expect_identical(op(p.view), op(p.dense), name + " of the transpose " + name_of(s, d));
    }
  }
}

TEST(Tiles, BinaryWithATransposedOperandEqualsTheDenseValues) {
  using Binary = Tensor (*)(const Tensor&, const Tensor&);
  const std::vector<std::pair<std::string, Binary>> ops = {
      {"add", [](const Tensor& a, const Tensor& b) { return nabla::add(a, b); }},
      {"sub", [](const Tensor& a, const Tensor& b) { return nabla::sub(a, b); }},
      {"mul", [](const Tensor& a, const Tensor& b) { return nabla::mul(a, b); }},
      {"div", [](const Tensor& a, const Tensor& b) { return nabla::div(a, b); }}};
  for (const Dtype d : {nabla::f32, nabla::f64, nabla::i64, nabla::u8}) {
    for (const Size& s : kSizes) {
      const Pair p = transposed_pair(s.batch, s.r, s.c, d);
      // The other operands: another transpose, a row and a column broadcast against it, and
      // a one-value tensor, all nonzero (divisors).
      const Pair q = transposed_pair(s.batch, s.r, s.c, d, true);
      const Tensor row = counting({s.c}, d), col = counting({s.r, 1}, d);
      const Tensor one = nabla::full({1}, 3.0, d);
      // q's values as the transpose of a narrowed wider matrix: its columns are further
      // apart than p.view's, so the two transposes do not share strides.
      const std::int64_t last = s.batch ? 2 : 1;
      Tensor wide = s.batch ? nabla::zeros({s.batch, s.c, s.r + 3}, d)
                            : nabla::zeros({s.c, s.r + 3}, d);
      const Tensor part = wide.narrow(last, 0, s.r);
      Tensor q_wide = s.batch ? part.transpose(1, 2) : part.t();
      q_wide.copy_(q.dense);
      for (const auto& [name, op] : ops) {
        const std::string what = name + " " + name_of(s, d);
        expect_identical(op(p.view, q.view), op(p.dense, q.dense), what + " (t, t)");
        expect_identical(op(p.view, q_wide), op(p.dense, q.dense), what + " (t, wider t)");
        expect_identical(op(q_wide, p.view), op(q.dense, p.dense), what + " (wider t, t)");
        expect_identical(op(p.view, q.dense), op(p.dense, q.dense), what + " (t, dense)");
        expect_identical(op(p.dense, q.view), op(p.dense, q.dense), what + " (dense, t)");
        expect_identical(op(p.view, row), op(p.dense, row), what + " (t, row)");
        expect_identical(op(col, p.view), op(col, p.dense), what + " (column, t)");
        expect_identical(op(p.view, one), op(p.dense, one), what + " (t, one value)");
        expect_identical(op(one, p.view), op(one, p.dense), what + " (one value, t)");
      }
    }
  }
}

}  // namespace
