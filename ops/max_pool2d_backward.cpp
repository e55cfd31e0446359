// max_pool2d_backward: a max pool's gradient, each window's gradient added at its argmax
// (internal: the rule of max_pool2d and adaptive_max_pool2d).
//   forward : result = zeros [.., H, W]; result[.., p] += grad[.., i, j] at each plane's
//             flat index p = indices[.., i, j] (windows that share an argmax add)
//   backward: grad_grad = gather of grad_out at the indices: index_along(grad_out seen
//             [P, H·W], 1, indices seen [P, oH·oW]) seen [.., oH, oW] (the indices get
//             no gradient)
//   saves   : indices (int64, no history)
//   shapes  : grad and indices [.., oH, oW] (one shape) → [.., H, W] (the input's shape;
//             the leading extents agree), indices in [0, H·W)
//   dtypes  : float32, float64 grad; int64 indices

#include <atomic>

#include "ops/pool_common.hpp"
#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct MaxPool2dBackwardNode final : Node {
  MaxPool2dBackwardNode() : Node("max_pool2d_backward") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor indices = saved(0);
    const Shape& is = indices.shape();
    const std::int64_t h = grad_out.shape()[grad_out.dim() - 2];
    const std::int64_t w = grad_out.shape()[grad_out.dim() - 1];
    const std::int64_t planes = indices.numel() / (is[is.size() - 2] * is[is.size() - 1]);
    const Tensor flat = reshape(grad_out, {planes, h * w});
    const Tensor at = reshape(indices, {planes, indices.numel() / planes});
    return {reshape(index_along(flat, 1, at), is)};
  }
};
}  // namespace

Tensor max_pool2d_backward(const Tensor& grad, const Tensor& indices, const Shape& in_shape) {
  const char* op = "max_pool2d_backward";
  check_defined(op, grad);
  check_defined(op, indices, "indices");
  check_floating(op, grad);
  const Shape& gs = grad.shape();
  const std::size_t r = gs.size();
  if (indices.dtype() != Dtype::i64 || indices.shape() != gs || (r != 3 && r != 4) ||
      in_shape.size() != r || !std::equal(gs.begin(), gs.end() - 2, in_shape.begin())) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: grad {} and indices {} {} do not fit the input shape {}", op, shape_str(gs),
        dtype_name(indices.dtype()), shape_str(indices.shape()), shape_str(in_shape)));
  }
  const std::int64_t plane = in_shape[r - 2] * in_shape[r - 1];
  const std::int64_t per = gs[r - 2] * gs[r - 1];
  const std::int64_t planes = per == 0 ? 0 : grad.numel() / per;
  const Tensor gd = dense(grad);
  const Tensor id = dense(indices);
  Tensor result = make_tensor(in_shape, grad.dtype(), op);
  dispatch_floating(op, grad.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* g = data_ptr<T>(gd);
    const std::int64_t* ip = data_ptr<std::int64_t>(id);
    T* o = data_ptr<T>(result);
    std::fill(o, o + result.numel(), T(0));
    std::atomic<std::int64_t> bad{-1};  // an index out of range, reported after the loop
    parallel_for(
        planes,
        [&](std::int64_t lo, std::int64_t hi) {
          for (std::int64_t p = lo; p < hi; ++p) {
            T* dst = o + p * plane;
            const T* src = g + p * per;
            const std::int64_t* at = ip + p * per;
            for (std::int64_t k = 0; k < per; ++k) {
              const std::int64_t to = at[k];
              if (to < 0 || to >= plane) [[unlikely]] {
                bad.store(p * per + k, std::memory_order_relaxed);
                continue;
              }
              dst[to] += src[k];
            }
          }
        },
        plane_grain(plane));
    if (const std::int64_t at = bad.load(); at >= 0) {
      throw std::out_of_range(fmt::format("nabla::{}: index {} at position {} is outside [0, {})",
                                          op, ip[at], at, plane));
    }
  });
  if (auto node = record<MaxPool2dBackwardNode>(result, {grad})) node->save(id);
  return result;
}

void register_max_pool2d_backward(OpRegistry& r) {
  // The indices come from max_pool2d of fixed values (independent of the sample), with
  // overlapping windows (kernel 3, stride 1) so that some positions receive several.
  r.add({.name = "max_pool2d_backward",
         .formula = "scatter-add of grad to max_pool2d_with_indices(fixed x [.., 5, 5], 3, 1)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               Shape s = in[0].shape();
               if (s.size() != 3 && s.size() != 4)  // refused by the op, naming the shapes
                 return max_pool2d_backward(in[0], zeros(s, Dtype::i64), s);
               s[s.size() - 2] = 5;
               s[s.size() - 1] = 5;
               Tensor fixed;
               {
                 NoGradGuard no_grad;
                 Generator gen(11);
                 fixed = randn(s, gen, Dtype::f64);
               }
               const Tensor at = max_pool2d_with_indices(fixed, 3, 1).indices;
               return max_pool2d_backward(in[0], at, s);
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"batch grad [2,2,3,3]", {sample_tensor({2, 2, 3, 3}, g, d)}},
                   {"unbatched grad [3,3,3]", {sample_tensor({3, 3, 3}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"grad not of the indices' shape [2,3,4]",
                                             {sample_tensor({2, 3, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
