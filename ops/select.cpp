// select: one position along an axis, the axis removed (a view).
//   forward : result[i₀.., i_{dim+1}..] = x[i₀.., index, i_{dim+1}..]
//   backward: grad_x = slice_backward(grad_out): zeros of x's shape, grad_out at `index`
//   saves   : nothing
//   shapes  : x [.., n, ..] → the shape without axis `dim`; dim and index may be negative
//             (from the end); outside the rank or [−n, n) → std::out_of_range

#include "ops/view_common.hpp"

namespace nabla {

Tensor select(const Tensor& x, std::int64_t dim, std::int64_t index, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("select", x);
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "select"));
  const std::int64_t n = x.shape()[d];
  if (index < -n || index >= n) {
    throw std::out_of_range(fmt::format(
        "nabla::select: index {} is out of range for dim {} of extent {} (shape {}; valid: {} "
        "to {})",
        index, dim, n, shape_str(x.shape()), -n, n - 1));
  }
  const std::int64_t i = index < 0 ? index + n : index;
  return detail::subscript(x, {"select", d, i, 1, 1, true});
}

Tensor Tensor::select(std::int64_t dim, std::int64_t index) const {
  return nabla::select(*this, dim, index);
}

namespace detail {
void register_select(OpRegistry& r) {
  r.add({.name = "select",
         .formula = "x.select(0, -1): the last position along axis 0",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return select(in[0], 0, -1); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"vector [5]", {sample_tensor({5}, g, d)}},
                                            {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}},
                                            {"unit axis [1,3]", {sample_tensor({1, 3}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"scalar []", {sample_tensor({}, g, d)}},
                                            {"empty axis [0,3]", {sample_tensor({0, 3}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
