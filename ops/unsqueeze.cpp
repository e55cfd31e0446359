// unsqueeze: inserts an axis of extent 1 at `dim` (a view).
//   forward : result.shape = x.shape with 1 inserted before axis dim
//   backward: grad_x = reshape(grad_out, x.shape)
//   saves   : nothing
//   shapes  : dim in [−(rank+1), rank] (negative counts from the end of the result), else
//             std::out_of_range

#include "ops/view_common.hpp"

namespace nabla {

Tensor unsqueeze(const Tensor& x, std::int64_t dim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("unsqueeze", x);
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim() + 1, "unsqueeze"));
  Shape shape = x.shape();
  detail::Strides strides = x.impl()->strides;
  // The stride of the new axis never matters (its only index is 0); choose the one a
  // contiguous tensor would have, so unsqueeze keeps a contiguous tensor contiguous.
  const std::int64_t stride = d < shape.size() ? shape[d] * strides[d] : 1;
  shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(d), 1);
  strides.insert(strides.begin() + static_cast<std::ptrdiff_t>(d), stride);
  return detail::shape_view("unsqueeze", x, shape, strides);
}

Tensor Tensor::unsqueeze(std::int64_t dim) const {
  return nabla::unsqueeze(*this, dim);
}

namespace detail {
void register_unsqueeze(OpRegistry& r) {
  r.add(
      {.name = "unsqueeze",
       .formula = "x.unsqueeze(1)",
       .arity = 1,
       .fn =
           [](const std::vector<Tensor>& in) { return unsqueeze(in[0], in[0].dim() == 0 ? 0 : 1); },
       .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); },
       .bad_samples = nullptr});
}
}  // namespace detail
}  // namespace nabla
