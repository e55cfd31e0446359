// median: the lower median of all elements, or along one dim with its index (torch.median).
//   forward : the element at position ⌊(n − 1)/2⌋ of the values in stable sorted order; a
//             NaN anywhere gives NaN (along a dim: with the index of the line's first NaN);
//             the median of an empty floating x is NaN
//   backward: median(x): grad_x = grad_out ⊙ mask / Σ mask, mask = (x = result) (the NaNs
//             when it is NaN), split evenly among ties as PyTorch; median(x, dim): grad_x =
//             index_along_backward(grad_out, dim, indices, n); indices never require grad
//   saves   : median(x): the weights (no history); median(x, dim): the indices
//   shapes  : median(x) → []; median(x, dim) → x without dim (kept as 1 with keepdim), two
//             outputs of one node. dim outside the rank → std::out_of_range; an empty dim
//             (or an empty integer x) → std::invalid_argument
//   dtypes  : any but bool (as PyTorch); values keep x's dtype, indices are int64

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct MedianNode final : Node {
  explicit MedianNode(Shape kept) : Node("median"), kept_(std::move(kept)) {}
  Shape kept_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {mul(reshape(grad_out, kept_), saved(0))};  // [..] = [1..] ⊙ [..]
  }
};

// The position, within a line of n values `stride` apart, of its lower median: the first
// NaN if there is one, else the element at ⌊(n − 1)/2⌋ of a stable sort.
template <class T>
std::int64_t median_position(const T* line, std::int64_t n, std::int64_t stride,
                             std::vector<std::int64_t>& order) {
  for (std::int64_t k = 0; k < n; ++k)
    if (is_nan_value(line[k * stride])) return k;
  order.resize(static_cast<std::size_t>(n));
  for (std::int64_t k = 0; k < n; ++k) order[static_cast<std::size_t>(k)] = k;
  const auto mid = order.begin() + (n - 1) / 2;
  std::nth_element(order.begin(), mid, order.end(), [&](std::int64_t u, std::int64_t v) {
    const T a = line[u * stride], b = line[v * stride];
    return a < b || (!(b < a) && u < v);  // a stable sort's order
  });
  return *mid;
}
}  // namespace
}  // namespace detail

Tensor median(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("median", x);
  detail::check_not_bool("median", x);
  if (x.numel() == 0 && !is_floating_point(x.dtype())) {
    throw std::invalid_argument(fmt::format("nabla::median: x {} {} is empty: no median",
                                            dtype_name(x.dtype()), shape_str(x.shape())));
  }
  const Tensor flat = detail::dense(x);
  Tensor result = detail::make_tensor({}, x.dtype(), "median");
  std::vector<std::int64_t> order;
  detail::dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      if (x.numel() == 0) {
        *detail::data_ptr<T>(result) = std::numeric_limits<T>::quiet_NaN();
        return;
      }
    }
    const T* p = detail::data_ptr<T>(flat);
    *detail::data_ptr<T>(result) = p[detail::median_position(p, x.numel(), 1, order)];
  });
  const auto axes = detail::reduction_axes("median", x, {});
  const Shape kept = detail::reduced_shape(x.shape(), axes, true);
  if (auto node = record<detail::MedianNode>(result, {x}, kept)) {
    node->save(detail::tie_weights(x, reshape(result.detach(), kept), {}, true));
  }
  return result;
}

ValuesIndices median(const Tensor& x, std::int64_t dim, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  const detail::AlongDim a = detail::along_dim("median", x, dim);
  detail::check_not_bool("median", x);
  detail::check_nonempty_axes("median", x, {a.dim}, "median");
  const Shape kept = detail::reduced_shape(x.shape(), {a.dim}, true);
  Tensor values = detail::make_tensor(kept, x.dtype(), "median");
  Tensor index = detail::make_tensor(kept, Dtype::i64, "median");
  std::int64_t* ip = detail::data_ptr<std::int64_t>(index);
  std::vector<std::int64_t> order;
  detail::dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = detail::data_ptr<T>(a.values);
    T* o = detail::data_ptr<T>(values);
    for (std::int64_t i = 0; i < a.outer; ++i)
      for (std::int64_t j = 0; j < a.inner; ++j) {
        const T* line = p + i * a.n * a.inner + j;
        const std::int64_t at = detail::median_position(line, a.n, a.inner, order);
        o[i * a.inner + j] = line[at * a.inner];
        ip[i * a.inner + j] = at;
      }
  });
  const Shape out_shape = detail::reduced_shape(x.shape(), {a.dim}, keepdim);
  Tensor indices =
      keepdim ? index : detail::make_view(index, out_shape, detail::contiguous_strides(out_shape), 0);
  if (!keepdim)
    values = detail::make_view(values, out_shape, detail::contiguous_strides(out_shape), 0);
  return detail::record_selection("median", x, values, indices, index, a.dim, keepdim);
}

namespace detail {
std::vector<OpSample> extreme_samples(Generator& g, Dtype d);      // ops/amax.cpp
std::vector<OpSample> select_bad_samples(Generator& g, Dtype d);  // ops/max.cpp

void register_median(OpRegistry& r) {
  // standard normal samples: no ties (where the median jumps to another element); the
  // expanded layout's ties are copies of one stored value, which move together
  r.add({.name = "median",
         .formula = "median of every element",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return median(in[0]); },
         .samples = extreme_samples});
  r.add({.name = "median_dim",
         .formula = "median(x, -1).values",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return median(in[0], -1).values; },
         .samples = extreme_samples,
         .bad_samples = select_bad_samples});
}
}  // namespace detail
}  // namespace nabla
