// squeeze: drops axes of extent 1 (a view).
//   forward : squeeze(x) drops every axis of extent 1; squeeze(x, dim) drops axis dim when
//             its extent is 1 and returns x's shape unchanged otherwise (as PyTorch)
//   backward: grad_x = reshape(grad_out, x.shape)
//   saves   : nothing
//   shapes  : dim may be negative; outside the rank → std::out_of_range (a 0-d tensor
//             accepts dim 0 and -1, as PyTorch)

#include "ops/view_common.hpp"

namespace nabla {
namespace {
Tensor squeeze_axes(const Tensor& x, const std::vector<bool>& drop) {
  Shape shape;
  detail::Strides strides;
  for (std::size_t i = 0; i < x.shape().size(); ++i) {
    if (drop[i]) continue;
    shape.push_back(x.shape()[i]);
    strides.push_back(x.impl()->strides[i]);
  }
  return detail::shape_view("squeeze", x, shape, strides);
}
}  // namespace

Tensor squeeze(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("squeeze", x);
  std::vector<bool> drop(x.shape().size());
  for (std::size_t i = 0; i < drop.size(); ++i) drop[i] = x.shape()[i] == 1;
  return squeeze_axes(x, drop);
}

Tensor squeeze(const Tensor& x, std::int64_t dim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("squeeze", x);
  std::vector<bool> drop(x.shape().size(), false);
  if (x.dim() == 0) {
    if (dim != 0 && dim != -1) normalize_axis(dim, x.dim(), "squeeze");  // throws
  } else {
    const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "squeeze"));
    drop[d] = x.shape()[d] == 1;
  }
  return squeeze_axes(x, drop);
}

Tensor Tensor::squeeze() const {
  return nabla::squeeze(*this);
}
Tensor Tensor::squeeze(std::int64_t dim) const {
  return nabla::squeeze(*this, dim);
}

namespace detail {
void register_squeeze(OpRegistry& r) {
  r.add({.name = "squeeze",
         .formula = "x without its extent-1 axes",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return squeeze(in[0]); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"unit axes [1,3,1]", {sample_tensor({1, 3, 1}, g, d)}},
                                            {"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"column [4,1]", {sample_tensor({4, 1}, g, d)}},
                                            {"scalar []", {sample_tensor({}, g, d)}}};
             }});
  r.add({.name = "squeeze_dim",
         .formula = "x.squeeze(-1)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return squeeze(in[0], -1); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"column [4,1]", {sample_tensor({4, 1}, g, d)}},
                                            {"no-op [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"rank 3 [2,3,1]", {sample_tensor({2, 3, 1}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
