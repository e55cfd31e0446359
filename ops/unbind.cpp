// unbind: the slices of x along an axis, each without that axis, as views recorded as one
// node with an output per slice.
//   forward : sliceᵢ = select(x, dim, i) for i in [0, n)
//   backward: grad_x = stack(grad_sliceᵢ, dim), zeros for slices that got no gradient
//   saves   : nothing
//   shapes  : x [.., n, ..] → n tensors [.., ..]; x must have at least one axis

#include "nabla/joining.hpp"

#include "ops/op_common.hpp"
#include "ops/view_common.hpp"

namespace nabla {
namespace {
struct UnbindNode final : MultiOutputNode {
  explicit UnbindNode(std::size_t dim) : MultiOutputNode("unbind"), dim_(dim) {}
  std::size_t dim_;
  std::vector<Tensor> backward(const std::vector<Tensor>& grad_outputs) override {
    std::vector<Tensor> slices(num_outputs());
    for (std::size_t i = 0; i < slices.size(); ++i) slices[i] = grad_or_zeros(grad_outputs, i);
    return {stack(slices, static_cast<std::int64_t>(dim_))};
  }
};
}  // namespace

std::vector<Tensor> unbind(const Tensor& x, std::int64_t dim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("unbind", x);
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "unbind"));
  std::vector<Tensor> slices;
  slices.reserve(static_cast<std::size_t>(x.shape()[d]));
  for (std::int64_t i = 0; i < x.shape()[d]; ++i)
    slices.push_back(detail::subscript_view(x, {"unbind", d, i, 1, 1, true}));
  // No slices (an axis of extent 0): nothing to record.
  if (!slices.empty()) record_outputs<UnbindNode>(slices, {x}, d);
  return slices;
}

namespace detail {
Tensor weighted_parts(const std::vector<Tensor>& parts);  // split.cpp

void register_unbind(OpRegistry& r) {
  r.add({.name = "unbind",
         .formula = "unbind(x, 1), slices scaled by 1, 2, … and joined",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return weighted_parts(unbind(in[0], 1)); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [2,3]", {sample_tensor({2, 3}, g, d)}},
                                            {"rank 3 [2,3,2]", {sample_tensor({2, 3, 2}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"vector [3] (no dim 1)", {sample_tensor({3}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
