// broadcast_to: repeats x along broadcast dimensions (NumPy rules; a copy).
//   forward : result = x expanded to `shape`
//   backward: grad_x = sum_to(grad_out, x.shape)
//   saves   : nothing
//   shapes  : x.shape must broadcast to `shape`

#include <xtensor/xbroadcast.hpp>

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct BroadcastToNode final : Node {
  BroadcastToNode() : Node("broadcast_to") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {sum_to(grad_out, input_shape(0))};
  }
};
}  // namespace

Tensor broadcast_to(const Tensor& x, const Shape& shape, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("broadcast_to", x);
  if (!broadcastable_to(x.shape(), shape)) {
    throw std::invalid_argument(
        fmt::format("nabla::broadcast_to: shape {} does not broadcast to {}", shape_str(x.shape()),
                    shape_str(shape)));
  }
  if (x.shape() == shape) return x;
  Tensor result = detail::make_tensor(shape, x.dtype(), "broadcast_to");
  detail::dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (x.numel() == 1) {
      std::fill_n(detail::data_ptr<T>(result), result.numel(), *detail::data_ptr<T>(x));
      return;
    }
    auto o = detail::nd<T>(result);
    xt::noalias(o) = xt::broadcast(detail::nd<T>(x), detail::xshape(shape));
  });
  record<BroadcastToNode>(result, {x});
  return result;
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
