// flip: x reversed along the given axes (a copy).
//   forward : result[.., i, ..] = x[.., n − 1 − i, ..] along each axis of dims
//   backward: grad_x = flip(grad_out, dims)
//   saves   : nothing (the dims)
//   shapes  : any; result has x's shape; dims may be negative, none twice, none outside the
//             rank (a 0-d x takes dims {} or {0} / {-1}, as PyTorch)
//   dtypes  : any (result the same)
// This file also holds the axis-map copy that flip and roll share.

#include "ops/index_common.hpp"

namespace nabla {
namespace detail {

Tensor axis_map_kernel(const char* op, const Tensor& x,
                       const std::vector<std::vector<std::int64_t>>& maps,
                       const std::vector<bool>& identity) {
  const std::size_t rank = x.shape().size();
  Shape shape(rank);
  // offsets[d][i]: the storage offset of position maps[d][i] along axis d of x
  std::vector<std::vector<std::int64_t>> offsets(rank);
  for (std::size_t d = 0; d < rank; ++d) {
    const std::int64_t stride = x.impl()->strides[d];
    if (identity[d]) {
      shape[d] = x.shape()[d];
      for (std::int64_t i = 0; i < shape[d]; ++i) offsets[d].push_back(i * stride);
    } else {
      shape[d] = static_cast<std::int64_t>(maps[d].size());
      for (const std::int64_t m : maps[d]) offsets[d].push_back(m * stride);
    }
  }
  Tensor out = make_tensor(shape, x.dtype(), op);
  if (out.numel() == 0) return out;
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = base_ptr<T>(x);
    T* o = base_ptr<T>(out);
    if (rank == 0) {
      *o = *p;
      return;
    }
    // Odometer over the outer axes; the last axis runs through its table in one loop.
    std::vector<std::int64_t> idx(rank, 0);
    std::int64_t base = 0;
    for (std::size_t d = 0; d + 1 < rank; ++d) base += offsets[d][0];
    const std::vector<std::int64_t>& last = offsets[rank - 1];
    const std::int64_t n = shape[rank - 1];
    std::int64_t k = 0;
    while (true) {
      for (std::int64_t i = 0; i < n; ++i) o[k + i] = p[base + last[static_cast<std::size_t>(i)]];
      k += n;
      std::size_t d = rank - 1;
      while (true) {
        if (d == 0) return;
        --d;
        const auto& od = offsets[d];
        base -= od[static_cast<std::size_t>(idx[d])];
        if (++idx[d] < shape[d]) {
          base += od[static_cast<std::size_t>(idx[d])];
          break;
        }
        idx[d] = 0;
        base += od[0];
      }
    }
  });
  return out;
}

namespace {
struct FlipNode final : Node {
  explicit FlipNode(std::vector<std::int64_t> dims) : Node("flip"), dims_(std::move(dims)) {}
  std::vector<std::int64_t> dims_;
  std::vector<Tensor> backward(const Tensor& grad_out) override { return {flip(grad_out, dims_)}; }
};
}  // namespace
}  // namespace detail

Tensor flip(const Tensor& x, const std::vector<std::int64_t>& dims, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("flip", x);
  const std::size_t rank = x.shape().size();
  std::vector<bool> identity(rank, true);
  std::vector<std::vector<std::int64_t>> maps(rank);
  std::vector<std::int64_t> normalized;
  for (const std::int64_t dim : dims) {
    const auto d = static_cast<std::size_t>(
        normalize_axis(dim, std::max<std::int64_t>(x.dim(), 1), "flip"));
    if (std::find(normalized.begin(), normalized.end(), static_cast<std::int64_t>(d)) !=
        normalized.end()) {
      throw std::invalid_argument(fmt::format(
          "nabla::flip: dim {} appears more than once in dims [{}]", dim, fmt::join(dims, ", ")));
    }
    normalized.push_back(static_cast<std::int64_t>(d));
    if (rank == 0) continue;
    identity[d] = false;
    const std::int64_t n = x.shape()[d];
    for (std::int64_t i = 0; i < n; ++i) maps[d].push_back(n - 1 - i);
  }
  Tensor result = detail::axis_map_kernel("flip", x, maps, identity);
  record<detail::FlipNode>(result, {x}, normalized);
  return result;
}

namespace detail {
void register_flip(OpRegistry& r) {
  r.add({.name = "flip",
         .formula = "flip(x, {0, -1})",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return flip(in[0], {0, -1}); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                   {"rank 3 [2,3,2]", {sample_tensor({2, 3, 2}, g, d)}},
                   {"transposed [3,2]", {transpose(sample_tensor({2, 3}, g, d), 0, 1)}},
                   {"stepped [2,3] of [2,5]", {slice(sample_tensor({2, 5}, g, d), 1, 0, std::nullopt, 2)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"vector [3]: dims 0 and -1 are one", {sample_tensor({3}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
