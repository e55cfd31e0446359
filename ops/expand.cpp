// expand: x repeated along axes of extent 1 and new leading axes, as a view with stride 0
// there (no values are copied).
//   forward : result[i₀..] = x[i₀..] with the index of each repeated axis taken as 0
//   backward: grad_x = sum_to(grad_out, x.shape)
//   saves   : nothing
//   shapes  : shape has at least x's rank; -1 keeps x's extent (not allowed on a new
//             leading axis); an axis of x whose extent is not 1 must keep it, else
//             std::invalid_argument naming both shapes

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct ExpandNode final : Node {
  explicit ExpandNode(const char* name) : Node(name) {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {sum_to(grad_out, input_shape(0))};
  }
};
}  // namespace

namespace detail {
/// x as `target` with stride 0 along the repeated axes and a node named `op`; `target`
/// has already been checked to be an expansion of x's shape.
Tensor expanded(const char* op, const Tensor& x, const Shape& target) {
  if (target == x.shape()) return x;
  const std::size_t lead = target.size() - x.shape().size();
  detail::Strides strides(target.size(), 0);
  for (std::size_t i = 0; i < x.shape().size(); ++i) {
    strides[lead + i] = x.shape()[i] == target[lead + i] ? x.impl()->strides[i] : 0;
  }
  Tensor result = make_view(x, target, std::move(strides), x.storage_offset());
  record<ExpandNode>(result, {x}, op);
  return result;
}
}  // namespace detail

Tensor expand(const Tensor& x, const Shape& shape, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("expand", x);
  const Shape& s = x.shape();
  if (shape.size() < s.size()) {
    throw std::invalid_argument(
        fmt::format("nabla::expand: shape {} has fewer axes than the tensor's shape {}",
                    shape_str(shape), shape_str(s)));
  }
  const std::size_t lead = shape.size() - s.size();
  Shape target = shape;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i < lead) {
      if (shape[i] < 0) {
        throw std::invalid_argument(fmt::format(
            "nabla::expand: extent {} of new leading axis {} in {} must be non-negative (-1 "
            "keeps an existing axis only; tensor shape {})",
            shape[i], i, shape_str(shape), shape_str(s)));
      }
      continue;
    }
    const std::int64_t have = s[i - lead];
    if (shape[i] == -1) {
      target[i] = have;
    } else if (shape[i] != have && have != 1) {
      throw std::invalid_argument(fmt::format(
          "nabla::expand: cannot expand shape {} to {}: axis {} has extent {}, not 1, and "
          "only extent-1 axes can be expanded (to {})",
          shape_str(s), shape_str(shape), i - lead, have, shape[i]));
    } else if (shape[i] < 0) {
      throw std::invalid_argument(
          fmt::format("nabla::expand: negative extent {} in shape {}", shape[i], shape_str(shape)));
    }
  }
  shape_numel(target, "expand");
  return detail::expanded("expand", x, target);
}

Tensor Tensor::expand(const Shape& shape) const {
  return nabla::expand(*this, shape);
}

namespace detail {
void register_expand(OpRegistry& r) {
  r.add({.name = "expand",
         .formula = "x expanded to [2, 3, 4] ([2, -1, 4] for rank 2 or more: axis 1 kept)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return expand(in[0], in[0].dim() >= 2 ? Shape{2, -1, 4} : Shape{2, 3, 4});
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"row [4]", {sample_tensor({4}, g, d)}},
                                            {"column [3,1]", {sample_tensor({3, 1}, g, d)}},
                                            {"both [2,1,4]", {sample_tensor({2, 1, 4}, g, d)}},
                                            {"unit [1,1,1]", {sample_tensor({1, 1, 1}, g, d)}},
                                            {"scalar []", {sample_tensor({}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"non-1 axis [3]", {sample_tensor({3}, g, d)}},
                   {"rank 4 [2,2,3,4]", {sample_tensor({2, 2, 3, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
