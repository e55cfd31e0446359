// broadcast_to: x repeated along broadcast dimensions (NumPy rules), as a view with
// stride 0 along the repeated axes (no values are copied).
//   forward : result = x expanded to `shape`
//   backward: grad_x = sum_to(grad_out, x.shape)
//   saves   : nothing
//   shapes  : x.shape must broadcast to `shape`

#include "ops/op_common.hpp"

namespace nabla {
namespace detail {
Tensor expanded(const char* op, const Tensor& x, const Shape& target);  // ops/expand.cpp
}  // namespace detail

Tensor broadcast_to(const Tensor& x, const Shape& shape, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("broadcast_to", x);
  if (!broadcastable_to(x.shape(), shape)) {
    throw std::invalid_argument(
        fmt::format("nabla::broadcast_to: shape {} does not broadcast to {}", shape_str(x.shape()),
                    shape_str(shape)));
  }
  return detail::expanded("broadcast_to", x, shape);
}

Tensor Tensor::broadcast_to(const Shape& shape) const {
  return nabla::broadcast_to(*this, shape);
}

namespace detail {
void register_broadcast_to(OpRegistry& r) {
  r.add({.name = "broadcast_to",
         .formula = "x expanded to [2,3,4]",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return broadcast_to(in[0], {2, 3, 4});
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"row [4]", {sample_tensor({4}, g, d)}},
                                            {"column [3,1]", {sample_tensor({3, 1}, g, d)}},
                                            {"both [2,1,4]", {sample_tensor({2, 1, 4}, g, d)}},
                                            {"scalar []", {sample_tensor({}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"[5] to [2,3,4]", {sample_tensor({5}, g, d)}},
                   {"[2,2,3,4] to [2,3,4]", {sample_tensor({2, 2, 3, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
