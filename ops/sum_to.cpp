// sum_to: sums x down to `shape`, undoing a broadcast. The engine calls it on every
// gradient whose shape differs from its input's: broadcasting is undone here, once.
//   forward : result = x summed over the leading axes it has beyond `shape` and over the
//             axes where `shape` has extent 1
//   backward: grad_x = broadcast_to(grad_out, x.shape)
//   saves   : nothing
//   shapes  : `shape` must broadcast to x.shape

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct SumToNode final : Node {
  SumToNode() : Node("sum_to") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {broadcast_to(grad_out, input_shape(0))};
  }
};
}  // namespace

Tensor sum_to(const Tensor& x, const Shape& shape, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("sum_to", x);
  if (!broadcastable_to(shape, x.shape())) {
    throw std::invalid_argument(fmt::format(
        "nabla::sum_to: cannot sum shape {} down to {}: {} does not broadcast to {}",
        shape_str(x.shape()), shape_str(shape), shape_str(shape), shape_str(x.shape())));
  }
  if (x.shape() == shape) return x;
  const std::size_t lead = x.shape().size() - shape.size();
  std::vector<std::size_t> axes;
  for (std::size_t i = 0; i < x.shape().size(); ++i) {
    if (i < lead || (shape[i - lead] == 1 && x.shape()[i] != 1)) axes.push_back(i);
  }
  Tensor result = detail::sum_kernel(x, axes, shape);
  record<SumToNode>(result, {x});
  return result;
}

namespace detail {
void register_sum_to(OpRegistry& r) {
  r.add({.name = "sum_to",
         .formula = "x summed down to [3,1]",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return sum_to(in[0], {3, 1});
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                   {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}},
                   {"leading only [2,3,1]", {sample_tensor({2, 3, 1}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"[3] to [3,1]", {sample_tensor({3}, g, d)}},
                                            {"[4,4] to [3,1]", {sample_tensor({4, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
