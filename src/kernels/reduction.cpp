// The sum over axes, and the axis bookkeeping reductions share.

#include "kernels/reduction.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include "kernels/runs.hpp"
#include "kernels/simd.hpp"

namespace nabla::detail {

std::vector<std::size_t> reduction_axes(const char* op, const Tensor& x,
                                        const std::vector<std::int64_t>& axes) {
  std::vector<std::size_t> out;
  if (axes.empty()) {
    for (std::int64_t i = 0; i < x.dim(); ++i) out.push_back(static_cast<std::size_t>(i));
    return out;
  }
  for (auto a : axes) {
    const auto n = static_cast<std::size_t>(normalize_axis(a, x.dim(), op));
    if (std::find(out.begin(), out.end(), n) != out.end()) {
      throw std::invalid_argument(fmt::format("nabla::{}: axis {} appears twice in the axes [{}]",
                                              op, a, fmt::join(axes, ", ")));
    }
    out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Shape reduced_shape(const Shape& shape, const std::vector<std::size_t>& axes, bool keepdim) {
  Shape out;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const bool reduced = std::find(axes.begin(), axes.end(), i) != axes.end();
    if (!reduced) {
      out.push_back(shape[i]);
    } else if (keepdim) {
      out.push_back(1);
    }
  }
  return out;
}

namespace {
// Adds the values of one run (n values of x from p, stride s) into acc[0] when the run
// lies along reduced axes (as = 0), else acc[j·as] += p[j·s].
template <class T, class Acc>
void add_run(const T* p, std::int64_t s, std::int64_t n, Acc* acc, std::int64_t as) {
  if (as == 0) {
    if constexpr (std::is_floating_point_v<T>) {
      if (s == 1) {
        *acc += sum_simd<T>(p, n);
        return;
      }
    }
    Acc row = 0;
    for (std::int64_t j = 0; j < n; ++j) row += static_cast<Acc>(p[j * s]);
    *acc += row;
  } else {
    for (std::int64_t j = 0; j < n; ++j) acc[j * as] += static_cast<Acc>(p[j * s]);
  }
}

// The axis of a sum's layout (operand 0 the output, 0-strided along reduced axes) to
// split over the threads: a kept axis (merging never mixes kept and reduced ones), the
// outermost with an extent of at least the thread count, else the longest; l.ndim when
// every axis is reduced.
std::size_t split_axis(const RunLayout<2>& l) {
  std::size_t best = l.ndim;
  for (std::size_t d = 0; d < l.ndim; ++d) {
    if (l.stride[0][d] == 0) continue;
    if (l.extent[d] >= kernel_threads()) return d;
    if (best == l.ndim || l.extent[d] > l.extent[best]) best = d;
  }
  return best;
}
}  // namespace

namespace {
// The sum over the leading axes of a dense x of `rows` rows of `inner` values (a bias's
// gradient summed over the batch): each output value adds its column down the rows, in
// the same order as the general walk, so the result is the same to the bit.
template <class T, class Acc, class Out>
void sum_rows(const T* p, std::int64_t rows, std::int64_t inner, Out* o) {
  constexpr std::int64_t kBlock = 256;  // columns per pass: the accumulators stay in L1
  Acc acc[kBlock];
  for (std::int64_t c0 = 0; c0 < inner; c0 += kBlock) {
    const std::int64_t m = std::min(kBlock, inner - c0);
    std::fill_n(acc, m, Acc{0});
    for (std::int64_t r = 0; r < rows; ++r) {
      const T* row = p + r * inner + c0;
      for (std::int64_t j = 0; j < m; ++j) acc[j] += static_cast<Acc>(row[j]);
    }
    for (std::int64_t j = 0; j < m; ++j) o[c0 + j] = static_cast<Out>(acc[j]);
  }
}
}  // namespace

Tensor sum_kernel(const Tensor& x, const std::vector<std::size_t>& axes, Shape out_shape) {
  Tensor out = make_tensor(std::move(out_shape), sum_dtype(x.dtype()), "sum");
  // Leading axes of a dense x: rows summed column by column, no layout to walk.
  bool leading = x.impl()->contiguous && !axes.empty() && axes.size() < x.shape().size();
  for (std::size_t i = 0; leading && i < axes.size(); ++i) leading = axes[i] == i;
  // (One output value goes the general way: its pairwise vector sum rounds differently.)
  if (leading && out.numel() > 1) {
    dispatch(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      using Acc = std::conditional_t<std::is_floating_point_v<T>, double, std::uint64_t>;
      using Out = std::conditional_t<std::is_floating_point_v<T>, T, std::int64_t>;
      sum_rows<T, Acc>(base_ptr<T>(x), x.numel() / out.numel(), out.numel(), base_ptr<Out>(out));
    });
    return out;
  }
  const Shape& shape = x.shape();
  const std::size_t rank = shape.size();
  // The stride of each input axis in the output (0 on reduced axes): walking the input
  // adds every element into its output slot.
  Strides out_stride(rank, 0);
  std::int64_t s = 1;
  for (std::size_t i = rank; i-- > 0;) {
    if (std::find(axes.begin(), axes.end(), i) == axes.end()) {
      out_stride[i] = s;
      s *= shape[i];
    }
  }
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    // Integers wrap modulo 2⁶⁴ (unsigned: defined), as PyTorch's int64 sums.
    using Acc = std::conditional_t<std::is_floating_point_v<T>, double, std::uint64_t>;
    using Out = std::conditional_t<std::is_floating_point_v<T>, T, std::int64_t>;
    const T* p = base_ptr<T>(x);
    std::vector<Acc> acc(static_cast<std::size_t>(out.numel()), Acc{0});
    const std::array<const Strides*, 2> strides{&out_stride, &x.impl()->strides};
    const std::int64_t n = x.numel();
    if (out.numel() == 1 && n >= 2 * kParallelGrain) {
      // Everything into one value: each thread sums a piece, the pieces added in order.
      const RunLayout<2> l = merge_layout<2>(shape, strides);
      const std::int64_t pieces = std::min<std::int64_t>(kernel_threads(), n / kParallelGrain);
      std::vector<Acc> part(static_cast<std::size_t>(pieces), Acc{0});
      parallel_for(
          pieces,
          [&](std::int64_t lo, std::int64_t hi) {
            for (std::int64_t c = lo; c < hi; ++c) {
              for_each_run_in<2>(l, n * c / pieces, n * (c + 1) / pieces,
                                 [&](const auto& off, std::int64_t len, const auto& inner) {
                                   add_run(p + off[1], inner[1], len,
                                           &part[static_cast<std::size_t>(c)], inner[0]);
                                 });
            }
          },
          1);
      for (const Acc v : part) acc[0] += v;
    } else if (n > 0) {
      // Into many values: each thread takes a range of one kept axis and walks the layout
      // restricted to it, so each output value gets the same runs, in the same order, as
      // in a walk of the whole layout, from one thread.
      RunLayout<2> l = merge_layout<2>(shape, strides);
      const std::size_t d = split_axis(l);
      const std::int64_t extent = d == l.ndim ? 1 : l.extent[d];
      const std::int64_t grain = std::max<std::int64_t>(1, kParallelGrain / (n / extent));
      parallel_for(
          extent,
          [&](std::int64_t lo, std::int64_t hi) {
            RunLayout<2> piece = l;
            std::array<std::int64_t, 2> base{};
            if (d < l.ndim) {
              piece.extent[d] = hi - lo;
              for (std::size_t k = 0; k < 2; ++k) base[k] = lo * l.stride[k][d];
            }
            for_each_run_in<2>(piece, 0, n / extent * (hi - lo),
                               [&](const auto& off, std::int64_t len, const auto& inner) {
                                 add_run(p + base[1] + off[1], inner[1], len,
                                         acc.data() + base[0] + off[0], inner[0]);
                               });
          },
          grain);
    }
    Out* o = base_ptr<Out>(out);
    for (std::size_t i = 0; i < acc.size(); ++i) o[i] = static_cast<Out>(acc[i]);
  });
  return out;
}

}  // namespace nabla::detail
