#pragma once
// Internal: forward kernels shared by the op files. Elementwise work is written as
// xtensor expressions over the raw buffers, so xtensor (with xsimd) vectorizes it.

#include <fmt/format.h>

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include <xtensor/xadapt.hpp>
#include <xtensor/xbroadcast.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xscalar.hpp>

#include "core/tensor_impl.hpp"
#include "kernels/reduction.hpp"
#include "kernels/runs.hpp"
#include "kernels/simd.hpp"

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

/// `n` dense values from `p` as a 1-d xtensor adaptor (no copy).
template <class T>
auto span(T* p, std::int64_t n) {
  const auto un = static_cast<std::size_t>(n);
  return xt::adapt(p, un, xt::no_ownership(), std::array<std::size_t, 1>{un});
}

/// Elementwise functions that have a vector kernel for every instruction set
/// (kernels/simd.hpp): pass one of these to unary_kernel / binary_kernel instead of a
/// lambda, and float32/float64 work runs through the kernel picked at run time. Each is
/// also callable on xtensor expressions, for the other dtypes.
template <UnaryFn F>
struct HotUnary {
  static constexpr UnaryFn fn = F;
  template <class E>
  auto operator()(E&& v) const {
    using T = typename std::decay_t<E>::value_type;
    if constexpr (F == UnaryFn::neg)
      return -v;
    else if constexpr (F == UnaryFn::exp)
      return xt::exp(v);
    else if constexpr (F == UnaryFn::log)
      return xt::log(v);
    else if constexpr (F == UnaryFn::sqrt)
      return xt::sqrt(v);
    else if constexpr (F == UnaryFn::tanh)
      return xt::tanh(v);
    else if constexpr (F == UnaryFn::sigmoid)
      return T(1) / (T(1) + xt::exp(-v));
    else
      return xt::where(v < T(0), T(0), v);
  }
};
template <BinaryFn F>
struct HotBinary {
  static constexpr BinaryFn fn = F;
  template <class X, class Y>
  auto operator()(X&& x, Y&& y) const {
    if constexpr (F == BinaryFn::add)
      return x + y;
    else if constexpr (F == BinaryFn::sub)
      return x - y;
    else if constexpr (F == BinaryFn::mul)
      return x * y;
    else
      return x / y;
  }
};
inline constexpr HotUnary<UnaryFn::neg> kNeg{};
inline constexpr HotUnary<UnaryFn::exp> kExp{};
inline constexpr HotUnary<UnaryFn::log> kLog{};
inline constexpr HotUnary<UnaryFn::sqrt> kSqrt{};
inline constexpr HotUnary<UnaryFn::tanh> kTanh{};
inline constexpr HotUnary<UnaryFn::sigmoid> kSigmoid{};
inline constexpr HotUnary<UnaryFn::relu> kRelu{};
inline constexpr HotBinary<BinaryFn::add> kAdd{};
inline constexpr HotBinary<BinaryFn::sub> kSub{};
inline constexpr HotBinary<BinaryFn::mul> kMul{};
inline constexpr HotBinary<BinaryFn::div> kDiv{};

template <class F>
concept HasUnarySimd = requires {
  { std::decay_t<F>::fn } -> std::convertible_to<UnaryFn>;
};
template <class F>
concept HasBinarySimd = requires {
  { std::decay_t<F>::fn } -> std::convertible_to<BinaryFn>;
};
// The kernel id of a hot function object, looked up through the element type T so that
// the lookup depends on it: in a discarded `if constexpr` branch of a generic lambda, a
// plain `F::fn` (not dependent on the lambda's parameter) is still checked by clang.
template <class F, class T>
constexpr auto hot_fn() {
  return std::decay_t<F>::fn;
}

/// result = f(x) elementwise for a floating x (else std::invalid_argument naming `op`), x
/// with any strides (read in place, never copied whole); the result is contiguous. f maps
/// an xtensor expression to an expression, or is one of the kernels above. Large inputs
/// are split over the kernel threads.
template <class F>
Tensor unary_kernel(const char* op, const Tensor& x, F&& f) {
  check_defined(op, x);
  Tensor out = make_tensor(x.shape(), x.dtype(), op);
  dispatch_floating(op, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* o = base_ptr<T>(out);
    const T* p = base_ptr<T>(x);
    auto apply = [&](const T* in, T* dst, std::int64_t n) {
      if constexpr (HasUnarySimd<F>) {
        unary_simd<T>(hot_fn<F, T>())(in, dst, n);
      } else {
        auto d = span(dst, n);
        xt::noalias(d) = f(span(in, n));
      }
    };
    if (x.impl()->contiguous) {  // the common case: one dense range, no layout to walk
      parallel_for(x.numel(),
                   [&](std::int64_t lo, std::int64_t hi) { apply(p + lo, o + lo, hi - lo); });
      return;
    }
    const Strides& os = out.impl()->strides;
    parallel_walk<2>(
        x.shape(), {&os, &x.impl()->strides}, x.numel(),
        [&](const auto& off, std::int64_t n, const auto& inner) {
          gathered(p + off[1], inner[1], n, [&](const T* in, std::int64_t j, std::int64_t m) {
            apply(in, o + off[0] + j, m);
          });
        },
        // A transposed x: a tile of it made dense, then a row of the result at a time (the
        // result is contiguous, so its columns are 1 apart).
        [&](const auto& off, std::int64_t rows, std::int64_t cols, const auto& rs, const auto& cs) {
          T buf[kTile * kTile];
          gather_tile(p + off[1], rs[1], cs[1], rows, cols, buf);
          for (std::int64_t r = 0; r < rows; ++r)
            apply(buf + r * kTile, o + off[0] + r * rs[0], cols);
        });
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

/// The length of t's rows when t, dense, broadcasts to `shape` by repeating along leading
/// axes only (t's shape, leading 1s dropped, is a proper suffix of `shape`, more than one
/// value): a bias added to every row. Else 0.
inline std::int64_t row_broadcast(const Tensor& t, const Shape& shape) {
  const Shape& ts = t.shape();
  std::size_t lead = 0;
  while (lead < ts.size() && ts[lead] == 1) ++lead;
  const std::size_t rank = ts.size() - lead;
  if (!t.impl()->contiguous || rank == 0 || rank >= shape.size() || t.numel() < 2) return 0;
  for (std::size_t d = 0; d < rank; ++d)
    if (ts[lead + d] != shape[shape.size() - rank + d]) return 0;
  return t.numel();
}

/// result = f(a, b) elementwise with NumPy broadcasting, in the promoted dtype
/// (binary_result_dtype); a and b may have any strides (broadcast operands are read through
/// stride-0 views, never copied). f takes two xtensor expressions or an expression and a
/// scalar of the element type, or is one of the kernels above.
///
/// FloatingOnly (binary_kernel_floating): f is instantiated for float32 and float64 only
/// (a lambda is otherwise compiled for every dtype, which makes a long expression slow to
/// compile), and an integer or bool operand throws naming `op`.
template <bool FloatingOnly = false, class F>
Tensor binary_kernel(const char* op, const Tensor& a_in, const Tensor& b_in, F&& f,
                     bool floating_only = false) {
  check_defined(op, a_in, "first operand");
  check_defined(op, b_in, "second operand");
  if constexpr (FloatingOnly) {
    check_floating(op, a_in, "first operand");
    check_floating(op, b_in, "second operand");
  }
  const Dtype dtype = binary_result_dtype(op, a_in, b_in, floating_only);
  if constexpr (!FloatingOnly) {
    if (dtype == Dtype::bool_) {
      // Arithmetic on bools as PyTorch: computed as integers, nonzero is true (+ is "or",
      // * is "and").
      return converted(
          binary_kernel(op, converted(a_in, Dtype::u8), converted(b_in, Dtype::u8), f),
          Dtype::bool_);
    }
  }
  const Shape shape = broadcast_shapes(a_in.shape(), b_in.shape(), op);
  Tensor a_conv, b_conv;  // conversions, only when an operand's dtype differs
  if (a_in.dtype() != dtype) a_conv = converted(a_in, dtype);
  if (b_in.dtype() != dtype) b_conv = converted(b_in, dtype);
  const Tensor& ac = a_conv.defined() ? a_conv : a_in;
  const Tensor& bc = b_conv.defined() ? b_conv : b_in;
  Tensor out = make_tensor(shape, dtype, op);
  if constexpr (HasBinarySimd<F>) {
    // One value with one value (the scalar chain of a small model): no layout, no table.
    // The four hot ops are exactly rounded, so the result equals the vector kernel's.
    if (out.numel() == 1 && ac.numel() == 1 && bc.numel() == 1 && is_floating_point(dtype)) {
      dispatch_floating(op, dtype, [&](auto tag) {
        using T = decltype(tag);
        *base_ptr<T>(out) = std::decay_t<F>{}(*base_ptr<T>(ac), *base_ptr<T>(bc));
      });
      return out;
    }
  }
  // The common cases without a layout walk (or the views it needs): dense operands of the
  // result's shape, or one of them a single value.
  const auto dense_full = [&](const Tensor& t) {
    return t.impl()->contiguous && t.shape() == shape;
  };
  const auto single = [&](const Tensor& t) { return t.numel() == 1; };
  const bool fast = (dense_full(ac) || single(ac)) && (dense_full(bc) || single(bc)) &&
                    (dense_full(ac) || dense_full(bc) || out.numel() == 1);
  // One dense operand of the result's shape and one dense operand repeated along leading
  // axes (a bias added to each row): row by row, no views.
  const std::int64_t row_b = !fast && dense_full(ac) ? row_broadcast(bc, shape) : 0;
  const std::int64_t row_a = !fast && !row_b && dense_full(bc) ? row_broadcast(ac, shape) : 0;
  const bool by_rows = row_a || row_b;
  const Tensor a = fast || by_rows ? ac : expand_view(ac, shape);
  const Tensor b = fast || by_rows ? bc : expand_view(bc, shape);
  const auto body = [&](auto tag) {
    using T = std::conditional_t<std::is_same_v<decltype(tag), bool>, std::uint8_t, decltype(tag)>;
    T* o = base_ptr<T>(out);
    const T* pa = base_ptr<T>(a);
    const T* pb = base_ptr<T>(b);
    // dst[i] = f(x[i·sx], y[i·sy]), sx and sy each 0 (a repeated value) or 1.
    auto apply = [&](const T* x, std::int64_t sx, const T* y, std::int64_t sy, T* dst,
                     std::int64_t n) {
      if constexpr (HasBinarySimd<F> && std::is_floating_point_v<T>) {
        if (n <= 16) {
          // A few values (a small layer's rows): a plain loop beats the call through the
          // kernel table, and + − × ÷ round the same either way.
          const auto fn = std::decay_t<F>{};
          for (std::int64_t i = 0; i < n; ++i) dst[i] = fn(x[i * sx], y[i * sy]);
          return;
        }
        binary_simd<T>(hot_fn<F, T>())(x, sx, y, sy, dst, n);
      } else {
        auto d = span(dst, n);
        if (sx && sy) {
          xt::noalias(d) = f(span(x, n), span(y, n));
        } else if (sx) {
          xt::noalias(d) = f(span(x, n), xt::xscalar<T>(*y));
        } else {
          xt::noalias(d) = f(xt::xscalar<T>(*x), span(y, n));
        }
      }
    };
    if (fast) {
      const std::int64_t sx = a.numel() == out.numel() ? 1 : 0;
      const std::int64_t sy = b.numel() == out.numel() && (sx == 0 || out.numel() > 1) ? 1 : 0;
      parallel_for(out.numel(), [&](std::int64_t lo, std::int64_t hi) {
        apply(pa + lo * sx, sx, pb + lo * sy, sy, o + lo, hi - lo);
      });
      return;
    }
    if (by_rows) {
      const std::int64_t inner = row_a ? row_a : row_b;
      const std::int64_t sa = row_a ? 0 : 1, sb = row_b ? 0 : 1;  // 0: the repeated row
      const std::int64_t row_count = out.numel() / inner;
      parallel_for(row_count, [&](std::int64_t lo, std::int64_t hi) {
        for (std::int64_t r = lo; r < hi; ++r)
          apply(pa + r * inner * sa, 1, pb + r * inner * sb, 1, o + r * inner, inner);
      }, std::max<std::int64_t>(1, kParallelGrain / inner));
      return;
    }
    const Strides& os = out.impl()->strides;
    // A transposed operand: a tile of it made dense, then a row of the result at a time (the
    // result is contiguous, so its columns are 1 apart). An operand whose columns are 1
    // or 0 apart is read in place; at least one is not, or the layout would not be tiled.
    const auto tile = [&](const auto& off, std::int64_t rows, std::int64_t cols, const auto& rs,
                          const auto& cs) {
      const bool dense_x = cs[1] == 0 || cs[1] == 1, dense_y = cs[2] == 0 || cs[2] == 1;
      if (!dense_x && !dense_y && rs[1] == 1 && rs[2] == 1) {
        // Both transposed alike (x.t() + y.t()): the tile computed along memory's rows,
        // a column of the result at a time, then written out transposed. One transpose
        // instead of one per operand.
        T tbuf[kTile * kTile];
        for (std::int64_t c = 0; c < cols; ++c)
          apply(pa + off[1] + c * cs[1], 1, pb + off[2] + c * cs[2], 1, tbuf + c * kTile, rows);
        transpose_block(tbuf, kTile, o + off[0], rs[0], cols, rows);
        return;
      }
      T xbuf[kTile * kTile], ybuf[kTile * kTile];  // only the gathered ones are written
      if (!dense_x) gather_tile(pa + off[1], rs[1], cs[1], rows, cols, xbuf);
      if (!dense_y) gather_tile(pb + off[2], rs[2], cs[2], rows, cols, ybuf);
      for (std::int64_t r = 0; r < rows; ++r) {
        const T* x = dense_x ? pa + off[1] + r * rs[1] : xbuf + r * kTile;
        const T* y = dense_y ? pb + off[2] + r * rs[2] : ybuf + r * kTile;
        apply(x, dense_x ? cs[1] : 1, y, dense_y ? cs[2] : 1, o + off[0] + r * rs[0], cols);
      }
    };
    parallel_walk<3>(
        shape, {&os, &a.impl()->strides, &b.impl()->strides}, out.numel(),
        [&](const auto& off, std::int64_t n, const auto& inner) {
          const T* x = pa + off[1];
          const T* y = pb + off[2];
          T* dst = o + off[0];
          const std::int64_t sx = inner[1], sy = inner[2];
          if ((sx == 0 || sx == 1) && (sy == 1 || (sy == 0 && sx == 1))) {
            apply(x, sx, y, sy, dst, n);
          } else if (sy == 0) {
            // x strided (or both repeated): gather x, y stays a scalar.
            gathered(x, sx, n, [&](const T* xd, std::int64_t j, std::int64_t m) {
              apply(xd, 1, y, 0, dst + j, m);
            });
          } else if (sx == 0) {
            gathered(y, sy, n, [&](const T* yd, std::int64_t j, std::int64_t m) {
              apply(x, 0, yd, 1, dst + j, m);
            });
          } else {
            gathered(x, sx, n, [&](const T* xd, std::int64_t j, std::int64_t m) {
              gathered(y + j * sy, sy, m, [&](const T* yd, std::int64_t k, std::int64_t r) {
                apply(xd + k, 1, yd, 1, dst + j + k, r);
              });
            });
          }
        },
        tile);
  };
  if constexpr (FloatingOnly) {
    dispatch_floating(op, dtype, body);
  } else {
    dispatch(dtype, body);
  }
  return out;
}

/// binary_kernel for an op on floating-point tensors only (see FloatingOnly above).
template <class F>
Tensor binary_kernel_floating(const char* op, const Tensor& a, const Tensor& b, F&& f) {
  return binary_kernel<true>(op, a, b, std::forward<F>(f));
}

/// C = op(A)·op(B) through OpenBLAS gemm, row-major. Shapes are checked by the caller.
void gemm(bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
          const Tensor& a, const Tensor& b, Tensor& c);

}  // namespace nabla::detail
