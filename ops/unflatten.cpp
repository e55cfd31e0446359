// unflatten: splits axis `dim` into `sizes` (a view: splitting one axis never needs a copy).
//   forward : result.shape = x.shape[:dim] + sizes + x.shape[dim+1:]
//   backward: grad_x = reshape(grad_out, x.shape)
//   saves   : nothing
//   shapes  : Π sizes = x.shape[dim] (one entry may be -1, inferred); empty sizes, two
//             -1s or a product that differs → std::invalid_argument; a bad dim →
//             std::out_of_range

#include "ops/view_common.hpp"

namespace nabla {

Tensor unflatten(const Tensor& x, std::int64_t dim, const Shape& sizes, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("unflatten", x);
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "unflatten"));
  if (sizes.empty()) {
    throw std::invalid_argument(
        fmt::format("nabla::unflatten: sizes is empty; it must split dim {} of shape {}", dim,
                    shape_str(x.shape())));
  }
  // The axis alone, as a 1-d tensor of its extent, decides the -1 and the product.
  const Shape split = detail::infer_shape("unflatten", zeros({x.shape()[d]}), sizes);
  Shape shape(x.shape().begin(), x.shape().begin() + static_cast<std::ptrdiff_t>(d));
  const detail::Strides& from = x.impl()->strides;
  detail::Strides strides(from.begin(), from.begin() + static_cast<std::ptrdiff_t>(d));
  detail::Strides inner = detail::contiguous_strides(split);
  for (std::int64_t& s : inner) s *= from[d];
  shape.insert(shape.end(), split.begin(), split.end());
  strides.insert(strides.end(), inner.begin(), inner.end());
  shape.insert(shape.end(), x.shape().begin() + static_cast<std::ptrdiff_t>(d) + 1,
               x.shape().end());
  strides.insert(strides.end(), from.begin() + static_cast<std::ptrdiff_t>(d) + 1, from.end());
  return detail::shape_view("unflatten", x, shape, strides);
}

Tensor Tensor::unflatten(std::int64_t dim, const Shape& sizes) const {
  return nabla::unflatten(*this, dim, sizes);
}

namespace detail {
void register_unflatten(OpRegistry& r) {
  r.add({.name = "unflatten",
         .formula = "x.unflatten(0, {2, -1}): the first axis split in two rows",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return unflatten(in[0], 0, {2, -1});
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [4,3]", {sample_tensor({4, 3}, g, d)}},
                                            {"vector [6]", {sample_tensor({6}, g, d)}},
                                            {"rank 3 [2,3,2]", {sample_tensor({2, 3, 2}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"odd first axis [3,2]", {sample_tensor({3, 2}, g, d)}},
                                            {"scalar []", {sample_tensor({}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
