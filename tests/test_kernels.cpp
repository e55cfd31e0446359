// The kernels over strides (src/kernels/): every kernel family fed transposed, stepped
// and expanded views (made with the internal detail::make_view, so this file includes
// src/ headers) gives exactly what it gives on a contiguous copy of the same values;
// every instruction set's vector kernels agree with the scalar definitions; large work
// split over threads gives the single-thread values.

#include <gtest/gtest.h>

#include <nabla/nabla.hpp>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "core/tensor_impl.hpp"
#include "kernels/simd.hpp"

namespace {

using nabla::Shape;
using nabla::Tensor;

// Values k/8 for small integers k: every sum of a few of them is exact in any order, so
// reductions over different layouts must agree bit for bit.
Tensor dyadic(const Shape& shape, nabla::Dtype dtype, double shift = 0.0, bool positive = false) {
  std::int64_t n = 1;
  for (auto e : shape) n *= e;
  std::vector<double> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const double k = static_cast<double>((i * 7 + 3) % 23) - 11.0;
    v[static_cast<std::size_t>(i)] = (positive ? std::fabs(k) + 1.0 : k) / 8.0 + shift;
  }
  return nabla::tensor(v, shape, dtype);
}

// The views under test, each of shape [r, c], with a contiguous copy of the same values.
struct View {
  std::string name;
  Tensor view;
};
std::vector<View> views_of_shape(std::int64_t r, std::int64_t c, nabla::Dtype dtype,
                                 bool positive = false) {
  using nabla::detail::make_view;
  std::vector<View> out;
  const Tensor base_t = dyadic({c, r}, dtype, 0.0, positive);
  out.push_back({"transposed", make_view(base_t, {r, c}, {1, r}, 0)});
  const Tensor wide = dyadic({r + 1, 3 * c}, dtype, 0.25, positive);
  out.push_back({"stepped slice", make_view(wide, {r, c}, {3 * c, 3}, 3 * c + 1)});
  const Tensor row = dyadic({c}, dtype, -0.5, positive);
  out.push_back({"expanded row", make_view(row, {r, c}, {0, 1}, 0)});
  const Tensor col = dyadic({r}, dtype, 0.5, positive);
  out.push_back({"expanded column", make_view(col, {r, c}, {1, 0}, 0)});
  const Tensor one = dyadic({1}, dtype, 0.0, positive);
  out.push_back({"expanded scalar", make_view(one, {r, c}, {0, 0}, 0)});
  return out;
}

template <class T>
std::vector<T> read_values(const Tensor& t) {
  const Tensor d = nabla::detail::copy_of(t);
  const T* p = d.data<T>();
  return std::vector<T>(p, p + d.numel());
}

void expect_same(const Tensor& got, const Tensor& want, const std::string& what) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  ASSERT_EQ(got.dtype(), want.dtype()) << what;
  nabla::detail::dispatch(got.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const auto g = read_values<T>(got), w = read_values<T>(want);
    for (std::size_t i = 0; i < g.size(); ++i) {
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(w[i])) {
          EXPECT_TRUE(std::isnan(g[i])) << what << " at " << i;
          continue;
        }
      }
      ASSERT_EQ(g[i], w[i]) << what << " at flat index " << i;
    }
  });
}

using Unary = std::function<Tensor(const Tensor&)>;

TEST(Kernels, UnaryOnViewsEqualsUnaryOnCopies) {
  const std::vector<std::pair<std::string, Unary>> ops = {
      {"exp", [](const Tensor& x) { return nabla::exp(x); }},
      {"log", [](const Tensor& x) { return nabla::log(x); }},
      {"sqrt", [](const Tensor& x) { return nabla::sqrt(x); }},
      {"tanh", [](const Tensor& x) { return nabla::tanh(x); }},
      {"sigmoid", [](const Tensor& x) { return nabla::sigmoid(x); }},
      {"relu", [](const Tensor& x) { return nabla::relu(x); }},
      {"abs", [](const Tensor& x) { return nabla::abs(x); }},
      {"neg", [](const Tensor& x) { return nabla::neg(x); }}};
  for (auto dtype : {nabla::f32, nabla::f64}) {
    // 37 columns: runs with a vector tail; 5x37 and 70x37 (long runs, many vectors).
    for (std::int64_t r : {5, 70}) {
      for (const auto& [name, op] : ops) {
        const bool positive = name == "log" || name == "sqrt";
        for (const auto& v : views_of_shape(r, 37, dtype, positive)) {
          ASSERT_FALSE(v.view.is_contiguous()) << v.name;
          expect_same(op(v.view), op(nabla::detail::copy_of(v.view)),
                      name + " of " + v.name + " " + std::string(nabla::dtype_name(dtype)));
        }
      }
    }
  }
}

TEST(Kernels, BinaryOnViewsWithBroadcastingEqualsCopies) {
  using Binary = std::function<Tensor(const Tensor&, const Tensor&)>;
  const std::vector<std::pair<std::string, Binary>> ops = {
      {"add", [](const Tensor& a, const Tensor& b) { return nabla::add(a, b); }},
      {"sub", [](const Tensor& a, const Tensor& b) { return nabla::sub(a, b); }},
      {"mul", [](const Tensor& a, const Tensor& b) { return nabla::mul(a, b); }},
      {"div", [](const Tensor& a, const Tensor& b) { return nabla::div(a, b); }}};
  for (auto dtype : {nabla::f32, nabla::f64, nabla::i64}) {
    const auto va = views_of_shape(6, 19, dtype == nabla::i64 ? nabla::f64 : dtype);
    const auto vb = views_of_shape(6, 19, dtype == nabla::i64 ? nabla::f64 : dtype, true);
    for (const auto& [name, op] : ops) {
      for (const auto& a : va) {
        for (const auto& b : vb) {
          const Tensor av = dtype == nabla::i64 ? a.view.to(nabla::i64) : a.view;
          const Tensor bv = dtype == nabla::i64 ? b.view.to(nabla::i64) : b.view;
          const std::string what = name + "(" + a.name + ", " + b.name + ")";
          expect_same(op(av, bv), op(nabla::detail::copy_of(av), nabla::detail::copy_of(bv)), what);
        }
        // Broadcast against a plain row [19] and a column [6, 1], both ways round.
        const Tensor row = dyadic({19}, dtype, 0.0, true), col = dyadic({6, 1}, dtype, 0.0, true);
        const Tensor av = dtype == nabla::i64 ? a.view.to(nabla::i64) : a.view;
        const Tensor ac = nabla::detail::copy_of(av);
        expect_same(op(av, row), op(ac, row), name + "(" + a.name + ", row)");
        expect_same(op(col, av), op(col, ac), name + "(column, " + a.name + ")");
      }
    }
  }
}

TEST(Kernels, ReductionsOverEveryAxisSetOfViews) {
  using nabla::detail::make_view;
  for (auto dtype : {nabla::f32, nabla::f64, nabla::i32}) {
    const Tensor base = dyadic({4, 5, 6}, dtype == nabla::i32 ? nabla::f64 : dtype).to(dtype);
    const Tensor big = dyadic({6, 10, 4}, dtype == nabla::i32 ? nabla::f64 : dtype).to(dtype);
    const std::vector<std::pair<std::string, Tensor>> vs = {
        {"permuted", make_view(base, {6, 4, 5}, {1, 30, 6}, 0)},
        {"stepped", make_view(big, {4, 5, 6}, {1, 8, 40}, 0)},
        {"expanded", make_view(base, {4, 5, 6}, {30, 0, 1}, 6)}};
    const std::vector<std::vector<std::int64_t>> axis_sets = {{},     {0},    {1},    {2},
                                                              {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}};
    for (const auto& [name, v] : vs) {
      const Tensor c = nabla::detail::copy_of(v);
      for (const auto& axes : axis_sets) {
        for (bool keepdim : {false, true}) {
          const std::string what =
              "sum of " + name + " over " + std::to_string(axes.size()) + " axes";
          const Tensor s = nabla::sum(v, axes, keepdim);
          expect_same(s, nabla::sum(c, axes, keepdim), what);
          if (dtype == nabla::i32) {
            EXPECT_EQ(s.dtype(), nabla::i64) << "sum of int32 is int64, as PyTorch";
          } else {
            expect_same(nabla::mean(v, axes, keepdim), nabla::mean(c, axes, keepdim),
                        "mean: " + what);
          }
        }
      }
      if (dtype == nabla::i32) continue;
      for (std::int64_t axis : {0, 1, 2}) {
        const std::string what = name + " along axis " + std::to_string(axis);
        expect_same(nabla::logsumexp(v, axis), nabla::logsumexp(c, axis), "logsumexp of " + what);
        expect_same(nabla::softmax(v, axis), nabla::softmax(c, axis), "softmax of " + what);
        expect_same(nabla::log_softmax(v, axis), nabla::log_softmax(c, axis),
                    "log_softmax of " + what);
      }
    }
  }
}

TEST(Kernels, CopyOfAViewReadsEveryElementThroughItsStrides) {
  const Tensor base = nabla::arange(0, 24, 1, nabla::f64);  // element i has value i
  // [3, 4] over base with strides (1, 6) from offset 2: element (i, j) is base[2 + i + 6j].
  const Tensor v = nabla::detail::make_view(base, {3, 4}, {1, 6}, 2);
  const auto got = read_values<double>(v);
  for (std::int64_t i = 0; i < 3; ++i) {
    for (std::int64_t j = 0; j < 4; ++j)
      EXPECT_EQ(got[static_cast<std::size_t>(i * 4 + j)], 2 + i + 6 * j);
  }
  const Tensor e = nabla::detail::make_view(base, {2, 3}, {0, 5}, 1);
  EXPECT_EQ(read_values<double>(e), (std::vector<double>{1, 6, 11, 1, 6, 11}));
}

TEST(Kernels, SumOfIntegersAndBoolsIsInt64AndMeanOfIntegersThrows) {
  const Tensor b = nabla::tensor({1, 0, 1, 1}, nabla::bool_);
  EXPECT_EQ(nabla::sum(b).dtype(), nabla::i64);
  EXPECT_EQ(nabla::sum(b).item<std::int64_t>(), 3);
  const Tensor u = nabla::tensor({200, 100, 50}, nabla::u8);
  EXPECT_EQ(nabla::sum(u).item<std::int64_t>(), 350) << "no wrap at 255";
  try {
    (void)nabla::mean(nabla::tensor({1, 2}, nabla::i64));
    ADD_FAILURE() << "mean of int64 did not throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("nabla::mean"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("int64"), std::string::npos) << e.what();
  }
}

// Each instruction set's kernels, on every length up to a few vectors (all tail sizes),
// against the scalar definitions.
TEST(Kernels, EveryInstructionSetAgreesWithTheScalarDefinitions) {
  using nabla::detail::BinaryFn;
  using nabla::detail::UnaryFn;
  int count = 0;
  const nabla::detail::SimdTable* const* tables = nabla::detail::simd_tables(count);
  ASSERT_GE(count, 1);
  std::vector<double> x(70), y(70);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = std::sin(static_cast<double>(i) * 1.7) * 6.0;
    y[i] = 0.5 + std::fabs(std::cos(static_cast<double>(i))) * 3.0;
  }
  const std::vector<std::pair<UnaryFn, std::function<double(double)>>> unary = {
      {UnaryFn::neg, [](double v) { return -v; }},
      {UnaryFn::exp, [](double v) { return std::exp(v); }},
      {UnaryFn::log, [](double v) { return std::log(std::fabs(v) + 0.1); }},
      {UnaryFn::sqrt, [](double v) { return std::sqrt(std::fabs(v)); }},
      {UnaryFn::tanh, [](double v) { return std::tanh(v); }},
      {UnaryFn::sigmoid, [](double v) { return 1.0 / (1.0 + std::exp(-v)); }},
      {UnaryFn::relu, [](double v) { return v < 0 ? 0.0 : v; }}};
  for (int t = 0; t < count; ++t) {
    const auto& table = *tables[t];
    for (std::int64_t n = 0; n <= 70; ++n) {
      std::vector<float> xf(static_cast<std::size_t>(n)), of(xf.size());
      std::vector<double> xd(xf.size()), od(xf.size());
      for (const auto& [fn, ref] : unary) {
        for (std::size_t i = 0; i < xf.size(); ++i) {
          double v = x[i];
          if (fn == UnaryFn::log) v = std::fabs(v) + 0.1;
          if (fn == UnaryFn::sqrt) v = std::fabs(v);
          xd[i] = v;
          xf[i] = static_cast<float>(v);
        }
        table.unary_f32[static_cast<int>(fn)](xf.data(), of.data(), n);
        table.unary_f64[static_cast<int>(fn)](xd.data(), od.data(), n);
        for (std::size_t i = 0; i < xf.size(); ++i) {
          const double want = ref(x[i]);
          const double wf = ref(static_cast<double>(xf[i]) == xd[i] ? x[i] : x[i]);
          EXPECT_NEAR(od[i], want, 1e-14 * (1 + std::fabs(want)))
              << table.name << " f64 fn " << static_cast<int>(fn) << " n " << n;
          EXPECT_NEAR(of[i], wf, 4e-7 * (1 + std::fabs(wf)))
              << table.name << " f32 fn " << static_cast<int>(fn) << " n " << n;
        }
      }
      // Binary, each operand dense or a scalar.
      std::vector<double> yd(y.begin(), y.begin() + n);
      for (std::size_t i = 0; i < xd.size(); ++i) xd[i] = x[i];
      for (int f = 0; f < static_cast<int>(BinaryFn::count); ++f) {
        for (int sa = 0; sa <= 1; ++sa) {
          for (int sb = 0; sb <= 1; ++sb) {
            if (n == 0) continue;
            table.binary_f64[f](xd.data(), sa, yd.data(), sb, od.data(), n);
            for (std::int64_t i = 0; i < n; ++i) {
              const double a = xd[static_cast<std::size_t>(i * sa)],
                           b = yd[static_cast<std::size_t>(i * sb)];
              const double want = f == 0 ? a + b : f == 1 ? a - b : f == 2 ? a * b : a / b;
              ASSERT_EQ(od[static_cast<std::size_t>(i)], want)
                  << table.name << " binary " << f << " n " << n;
            }
          }
        }
      }
      double want = 0.0;
      for (std::int64_t i = 0; i < n; ++i)
        want += static_cast<double>(static_cast<float>(x[static_cast<std::size_t>(i)]));
      for (std::size_t i = 0; i < xf.size(); ++i) xf[i] = static_cast<float>(x[i]);
      EXPECT_NEAR(table.sum_f32(xf.data(), n), want, 1e-12) << table.name << " n " << n;
    }
  }
}

TEST(Kernels, ThreadsSplitLargeWorkWithoutChangingValues) {
  const int before = nabla::get_num_threads();
  EXPECT_GE(before, 1);
  const Tensor a = dyadic({700, 300}, nabla::f32), b = dyadic({300}, nabla::f32, 0.5, true);
  const Tensor at =
      nabla::detail::make_view(dyadic({300, 700}, nabla::f32), {700, 300}, {1, 700}, 0);
  nabla::set_num_threads(1);
  const Tensor s1 = nabla::add(a, b), e1 = nabla::exp(at), r1 = nabla::sum(a),
               m1 = nabla::mul(at, a);
  nabla::set_num_threads(2);
  EXPECT_EQ(nabla::get_num_threads(), 2);
  expect_same(nabla::add(a, b), s1, "add at 2 threads");
  expect_same(nabla::exp(at), e1, "exp of a transposed view at 2 threads");
  expect_same(nabla::sum(a), r1, "sum at 2 threads");
  expect_same(nabla::mul(at, a), m1, "mul at 2 threads");
  nabla::set_num_threads(before);
  EXPECT_THROW(nabla::set_num_threads(0), std::invalid_argument);
  EXPECT_EQ(nabla::get_num_threads(), before);
}

}  // namespace
