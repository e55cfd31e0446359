// amax: maximum over given dims (every dim by default), values only.
//   forward : result = max x over the dims; a NaN is the maximum
//   backward: grad_x = reshape(grad_out, kept shape) ⊙ w, w = mask / Σ mask over the dims,
//             mask = (x = result): the gradient split evenly among ties, as PyTorch (a NaN
//             maximum matches nothing, and its gradient is NaN, as PyTorch's)
//   saves   : w, a constant without history (so ∂²/∂x² = 0)
//   shapes  : x → the reduced shape (dims kept as 1 with keepdim). dims may be negative;
//             outside the rank → std::out_of_range; repeated → std::invalid_argument; an
//             empty reduced dim → std::invalid_argument
//   dtypes  : any (bool: any element true); the result has x's dtype

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct ExtremeNode final : Node {
  ExtremeNode(const char* name, Shape kept) : Node(name), kept_(std::move(kept)) {}
  Shape kept_;  // the result's shape with the reduced dims kept as 1
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {mul(reshape(grad_out, kept_), saved(0))};  // [..] = [.., 1, ..] ⊙ [..]
  }
};
}  // namespace

Tensor extreme(const char* op, const Tensor& x, const std::vector<std::size_t>& axes,
               bool keepdim, bool largest, bool nan_aware) {
  check_nonempty_axes(op, x, axes, largest ? "maximum" : "minimum");
  const auto lines = reduction_lines(x, axes);
  Tensor result = make_tensor(reduced_shape(x.shape(), axes, keepdim), x.dtype(), op);
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = data_ptr<T>(lines.values);
    T* o = data_ptr<T>(result);
    for (std::int64_t r = 0; r < lines.lines; ++r) {
      const T* line = p + r * lines.n;
      T best = line[0];
      for (std::int64_t k = 1; k < lines.n && !is_nan_value(best); ++k) {
        const T v = line[k];
        if (is_nan_value(v) || (largest ? v > best : v < best)) best = v;
      }
      o[r] = best;
    }
  });
  const Shape kept = reduced_shape(x.shape(), axes, true);
  if (auto node = record<ExtremeNode>(result, {x}, op, kept)) {
    node->save(tie_weights(x, reshape(result.detach(), kept), signed_axes(axes), nan_aware));
  }
  return result;
}

std::vector<OpSample> extreme_samples(Generator& g, Dtype d) {
  return {{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
          {"vector [5]", {sample_tensor({5}, g, d)}},
          {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
}
}  // namespace detail

Tensor amax(const Tensor& x, const std::vector<std::int64_t>& dims, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("amax", x);
  return detail::extreme("amax", x, detail::reduction_axes("amax", x, dims), keepdim, true, false);
}

namespace detail {
void register_amax(OpRegistry& r) {
  // standard normal samples: ties (where the gradient jumps) have probability 0; ties the
  // expanded layout makes are copies of one stored value, which move together
  r.add({.name = "amax",
         .formula = "amax over dims (0, -1)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return amax(in[0], {0, -1}); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"scalar []", {sample_tensor({}, g, d)}},
                                            {"empty dim [2,0]", {sample_tensor({2, 0}, g, d)}}};
             }});
  r.add({.name = "amax_all_keepdim",
         .formula = "amax over every dim, keepdim",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return amax(in[0], {}, true); },
         .samples = extreme_samples,
         .bad_samples = [](Generator& g, Dtype d) {
           return std::vector<OpSample>{{"empty [0,3]", {sample_tensor({0, 3}, g, d)}}};
         }});
}
}  // namespace detail
}  // namespace nabla
