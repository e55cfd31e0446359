#pragma once
// Internal: forward kernels shared by the op files. Elementwise work is written as
// xtensor expressions over the raw buffers, so xtensor (with xsimd) vectorizes it.

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <vector>

#include <xtensor/xadapt.hpp>
#include <xtensor/xbroadcast.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xscalar.hpp>

#include "core/tensor_impl.hpp"

namespace nabla::detail {

inline std::vector<std::size_t> xshape(const Shape& s) {
  return std::vector<std::size_t>(s.begin(), s.end());
}

/// The values of `t` as a flat 1-d xtensor adaptor (no copy).
template <class T>
auto flat(const Tensor& t) {
  const auto n = static_cast<std::size_t>(t.numel());
  return xt::adapt(data_ptr<T>(t), n, xt::no_ownership(), std::array<std::size_t, 1>{n});
}

/// The values of `t` as an n-d xtensor adaptor with its shape (no copy).
template <class T>
auto nd(const Tensor& t) {
  const auto n = static_cast<std::size_t>(t.numel());
  return xt::adapt(data_ptr<T>(t), n, xt::no_ownership(), xshape(t.shape()));
}

/// A row-major shape seen around one axis: `outer` blocks before it, `n` entries along it,
/// `inner` contiguous values after it; element (i, k, j) is at (i·n + k)·inner + j.
struct AxisSplit {
  std::int64_t outer = 1, n = 1, inner = 1;
};
inline AxisSplit split_at_axis(const Shape& shape, std::size_t axis) {
  AxisSplit s;
  for (std::size_t i = 0; i < axis; ++i) s.outer *= shape[i];
  s.n = shape[axis];
  for (std::size_t i = axis + 1; i < shape.size(); ++i) s.inner *= shape[i];
  return s;
}

/// `n` values of `t` from flat index `start`, as a 1-d adaptor (no copy).
template <class T>
auto flat_range(const Tensor& t, std::int64_t start, std::int64_t n) {
  const auto un = static_cast<std::size_t>(n);
  return xt::adapt(data_ptr<T>(t) + start, un, xt::no_ownership(), std::array<std::size_t, 1>{un});
}

/// When `t` broadcast to `shape` only repeats along leading axes (t's shape, without
/// leading 1s, is a suffix of `shape`), the number of values in one repeat; else 0.
inline std::int64_t row_broadcast(const Tensor& t, const Shape& shape) {
  const Shape& s = t.shape();
  std::size_t first = 0;
  while (first < s.size() && s[first] == 1) ++first;
  const std::size_t n = s.size() - first;
  if (n == 0 || n > shape.size()) return 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (s[first + i] != shape[shape.size() - n + i]) return 0;
  }
  return t.numel();
}

/// result = f(x) elementwise for a floating x (else std::invalid_argument naming `op`);
/// f maps an xtensor expression to an expression.
template <class F>
Tensor unary_kernel(const char* op, const Tensor& x_in, F&& f) {
  const Tensor x = dense(x_in);
  Tensor out = make_tensor(x.shape(), x.dtype(), op);
  dispatch_floating(op, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    auto o = flat<T>(out);
    xt::noalias(o) = f(flat<T>(x));
  });
  return out;
}

/// The dtype a binary op computes in: promote_types(a, b) (see dtype.hpp), raised to
/// float32 when `floating_only` and the promoted dtype is integer or bool (true division,
/// PyTorch's `/`). Throws std::invalid_argument naming `op` for float32 with float64.
Dtype binary_result_dtype(const char* op, const Tensor& a, const Tensor& b,
                          bool floating_only = false);

/// `v` as a 0-d tensor to combine with `t` in a binary op, with PyTorch's rules for a
/// Python number: t's dtype when t is floating, or when t is an integer and v a whole
/// number (v must then fit t's dtype, else std::invalid_argument naming `op`); int64 for
/// a whole number with a bool tensor; float32 for a fraction with an integer or bool t.
Tensor scalar_operand(const char* op, double v, const Tensor& t);

/// `t` with dtype `d` (a converted contiguous copy when it differs), no history.
Tensor converted(const Tensor& t, Dtype d);

/// result = f(a, b) elementwise with NumPy broadcasting, in the promoted dtype
/// (binary_result_dtype); f takes two xtensor expressions or an expression and a scalar
/// of the element type.
template <class F>
Tensor binary_kernel(const char* op, const Tensor& a_in, const Tensor& b_in, F&& f,
                     bool floating_only = false) {
  check_defined(op, a_in, "first operand");
  check_defined(op, b_in, "second operand");
  const Dtype dtype = binary_result_dtype(op, a_in, b_in, floating_only);
  if (dtype == Dtype::bool_) {
    // Arithmetic on bools as PyTorch: computed as integers, nonzero is true (+ is "or",
    // * is "and").
    return converted(binary_kernel(op, converted(a_in, Dtype::u8), converted(b_in, Dtype::u8), f),
                     Dtype::bool_);
  }
  const Tensor a = dense(converted(a_in, dtype));
  const Tensor b = dense(converted(b_in, dtype));
  Shape shape = broadcast_shapes(a.shape(), b.shape(), op);
  Tensor out = make_tensor(shape, dtype, op);
  dispatch(dtype, [&](auto tag) {
    using T = std::conditional_t<std::is_same_v<decltype(tag), bool>, std::uint8_t, decltype(tag)>;
    auto o = flat<T>(out);
    if (a.shape() == b.shape()) {
      xt::noalias(o) = f(flat<T>(a), flat<T>(b));
    } else if (b.numel() == 1 && a.shape() == shape) {
      xt::noalias(o) = f(flat<T>(a), xt::xscalar<T>(*data_ptr<T>(b)));
    } else if (a.numel() == 1 && b.shape() == shape) {
      xt::noalias(o) = f(xt::xscalar<T>(*data_ptr<T>(a)), flat<T>(b));
    } else if (const std::int64_t inner = row_broadcast(b, shape);
               inner > 0 && a.shape() == shape) {
      // b repeats along the leading axes (a bias over rows): one flat pass per row.
      for (std::int64_t r = 0; r < out.numel() / inner; ++r) {
        auto orow = flat_range<T>(out, r * inner, inner);
        xt::noalias(orow) = f(flat_range<T>(a, r * inner, inner), flat_range<T>(b, 0, inner));
      }
    } else if (const std::int64_t inner_a = row_broadcast(a, shape);
               inner_a > 0 && b.shape() == shape) {
      for (std::int64_t r = 0; r < out.numel() / inner_a; ++r) {
        auto orow = flat_range<T>(out, r * inner_a, inner_a);
        xt::noalias(orow) = f(flat_range<T>(a, 0, inner_a), flat_range<T>(b, r * inner_a, inner_a));
      }
    } else {
      auto on = nd<T>(out);
      xt::noalias(on) = xt::broadcast(f(nd<T>(a), nd<T>(b)), xshape(shape));
    }
  });
  return out;
}

/// Sums `x` over `axes` (already normalized, distinct, sorted) into a new tensor of
/// shape `out_shape` (the reduced shape, with or without the kept unit axes).
Tensor sum_kernel(const Tensor& x, const std::vector<std::size_t>& axes, Shape out_shape);

/// Validates and normalizes reduction axes (negative from the end, no repeats); empty
/// `axes` means every axis. Returns them sorted.
std::vector<std::size_t> reduction_axes(const char* op, const Tensor& x,
                                        const std::vector<std::int64_t>& axes);

/// The shape after reducing `axes` of `shape`, keeping them as 1 or dropping them.
Shape reduced_shape(const Shape& shape, const std::vector<std::size_t>& axes, bool keepdim);

/// C = op(A)·op(B) through OpenBLAS gemm, row-major. Shapes are checked by the caller.
void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
          const Tensor& a, const Tensor& b, Tensor& c);

}  // namespace nabla::detail
