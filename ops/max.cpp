// max: the maximum of all elements, or along one dim with its index (torch.max).
//   forward : max(x): the largest element (a NaN is the maximum); max(x, dim): values[..] =
//             x[.., i, ..] and indices[..] = i, the first index of the maximum along dim
//   backward: max(x): grad_x = grad_out ⊙ mask / Σ mask, mask = (x = result), or the NaNs
//             of x when the result is NaN (split evenly among ties, as PyTorch);
//             max(x, dim): grad_x = index_along_backward(grad_out, dim, indices, n), the
//             whole gradient to the index; the indices get none and never require grad
//   saves   : max(x): the weights mask / Σ mask (no history); max(x, dim): the indices
//   shapes  : max(x) → []; max(x, dim) → x without dim (kept as 1 with keepdim), both
//             outputs of one node. dim outside the rank → std::out_of_range; an empty dim
//             (or an empty x for max(x)) → std::invalid_argument
//   dtypes  : any; values keep x's dtype, indices are int64

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
// max or min along dim, with indices, as one node named `op`.
ValuesIndices select_extreme(const char* op, const Tensor& x, std::int64_t dim, bool keepdim,
                             bool largest) {
  check_defined(op, x);
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), op));
  const Shape kept = reduced_shape(x.shape(), {d}, true);
  Tensor index = make_tensor(kept, Dtype::i64, op);
  arg_extreme_indices(op, x, d, largest, data_ptr<std::int64_t>(index));
  Tensor values;
  {
    NoGradGuard no_grad;  // the values' history is the node recorded below
    values = dispatch(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const Tensor xd = dense(x);
      const auto s = split_at_axis(x.shape(), d);
      Tensor v = make_tensor(kept, x.dtype(), op);
      const T* p = data_ptr<T>(xd);
      const std::int64_t* ip = data_ptr<std::int64_t>(index);
      T* o = data_ptr<T>(v);
      for (std::int64_t i = 0; i < s.outer; ++i)
        for (std::int64_t j = 0; j < s.inner; ++j)
          o[i * s.inner + j] = p[(i * s.n + ip[i * s.inner + j]) * s.inner + j];
      return v;
    });
  }
  const Shape out_shape = reduced_shape(x.shape(), {d}, keepdim);
  Tensor indices = keepdim ? index : make_view(index, out_shape, contiguous_strides(out_shape), 0);
  if (!keepdim) values = make_view(values, out_shape, contiguous_strides(out_shape), 0);
  return record_selection(op, x, values, indices, index, d, keepdim);
}

// max() or min() of every element.
Tensor extreme_of_all(const char* op, const Tensor& x, bool largest) {
  check_defined(op, x);
  if (x.numel() == 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: x {} is empty: no {} (reduce along a dim to get an empty result)", op,
        shape_str(x.shape()), largest ? "maximum" : "minimum"));
  }
  return extreme(op, x, reduction_axes(op, x, {}), false, largest, true);
}
}  // namespace detail

Tensor max(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  return detail::extreme_of_all("max", x, true);
}

ValuesIndices max(const Tensor& x, std::int64_t dim, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  return detail::select_extreme("max", x, dim, keepdim, true);
}

namespace detail {
std::vector<OpSample> axis_samples(Generator& g, Dtype d);      // ops/softmax.cpp
std::vector<OpSample> extreme_samples(Generator& g, Dtype d);  // ops/amax.cpp

std::vector<OpSample> select_bad_samples(Generator& g, Dtype d) {
  return {{"scalar [] has no dim", {sample_tensor({}, g, d)}},
          {"empty [0,0]", {sample_tensor({0, 0}, g, d)}}};
}

void register_max(OpRegistry& r) {
  // standard normal samples: ties (where the gradient jumps) have probability 0; the
  // expanded layout's ties are copies of one stored value, which move together
  r.add({.name = "max",
         .formula = "max(x, -1).values",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return max(in[0], -1).values; },
         .samples = axis_samples,
         .bad_samples = select_bad_samples});
  r.add({.name = "max_keepdim",
         .formula = "max(x, 0, keepdim).values",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return max(in[0], 0, true).values; },
         .samples = axis_samples,
         .bad_samples = select_bad_samples});
  r.add({.name = "max_all",
         .formula = "max(x), every element",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return max(in[0]); },
         .samples = extreme_samples,
         .bad_samples = [](Generator& g, Dtype d) {
           return std::vector<OpSample>{{"empty [0]", {sample_tensor({0}, g, d)}}};
         }});
}
}  // namespace detail
}  // namespace nabla
