// permute: reorders the axes (a view: the strides are reordered, no values are copied).
//   forward : result.shape[i] = x.shape[dims[i]], result.strides[i] = x.strides[dims[i]]
//   backward: grad_x = permute(grad_out, inverse(dims))
//   saves   : nothing
//   shapes  : dims is a permutation of 0..rank-1 (negative entries count from the end)

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct PermuteNode final : Node {
  explicit PermuteNode(std::vector<std::int64_t> inverse)
      : Node("permute"), inverse_(std::move(inverse)) {}
  std::vector<std::int64_t> inverse_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {permute(grad_out, inverse_)};
  }
};
}  // namespace

Tensor permute(const Tensor& x, const std::vector<std::int64_t>& dims, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("permute", x);
  if (static_cast<std::int64_t>(dims.size()) != x.dim()) {
    throw std::invalid_argument(fmt::format(
        "nabla::permute: dims [{}] has {} entries but the tensor (shape {}) has rank {}",
        fmt::join(dims, ", "), dims.size(), shape_str(x.shape()), x.dim()));
  }
  Shape shape(dims.size());
  detail::Strides strides(dims.size());
  std::vector<std::int64_t> inverse(dims.size(), -1);
  for (std::size_t i = 0; i < dims.size(); ++i) {
    const auto d = static_cast<std::size_t>(normalize_axis(dims[i], x.dim(), "permute"));
    if (inverse[d] != -1) {
      throw std::invalid_argument(
          fmt::format("nabla::permute: dims [{}] is not a permutation: axis {} appears twice",
                      fmt::join(dims, ", "), d));
    }
    shape[i] = x.shape()[d];
    strides[i] = x.impl()->strides[d];
    inverse[d] = static_cast<std::int64_t>(i);
  }
  Tensor result = detail::make_view(x, std::move(shape), std::move(strides), x.storage_offset());
  record<PermuteNode>(result, {x}, std::move(inverse));
  return result;
}

Tensor Tensor::permute(const std::vector<std::int64_t>& dims) const {
  return nabla::permute(*this, dims);
}

namespace detail {
void register_permute(OpRegistry& r) {
  r.add({.name = "permute",
         .formula = "axes reordered as (2, 0, 1)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return permute(in[0], {2, 0, 1});
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}},
                   {"unit axes [1,3,1]", {sample_tensor({1, 3, 1}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"rank 2 [3,4]", {sample_tensor({3, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
