// glu: gated linear unit along one axis.
//   forward : a, b = the first and second halves of x along dim; result = a ⊙ σ(b)
//   backward: grad_a = grad_out ⊙ σ(b)
//             grad_b = sigmoid_backward(grad_out ⊙ a, σ(b)) = grad_out ⊙ a ⊙ σ(b)(1 − σ(b))
//             grad_x = the two halves put back in place (slice_backward of each, summed)
//   saves   : x
//   shapes  : x [.., 2n, ..] → [.., n, ..]; the axis must have even size, else
//             std::invalid_argument naming it; a 0-d x throws. float32/float64 only

#include "ops/view_common.hpp"

namespace nabla {
namespace {
struct GluNode final : Node {
  GluNode(detail::Subscript a, detail::Subscript b) : Node("glu"), a_(a), b_(b) {}
  detail::Subscript a_, b_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor x = saved(0);
    const Tensor a = detail::subscript(x, a_);
    const Tensor s = sigmoid(detail::subscript(x, b_));
    const Tensor grad_a = mul(grad_out, s);
    const Tensor grad_b = sigmoid_backward(mul(grad_out, a), s);
    return {add(detail::slice_backward(grad_a, x.shape(), a_),
                detail::slice_backward(grad_b, x.shape(), b_))};
  }
};
}  // namespace

Tensor glu(const Tensor& x, std::int64_t dim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("glu", x);
  detail::check_floating("glu", x);
  if (x.dim() == 0) {
    throw std::invalid_argument(
        "nabla::glu: a 0-d input cannot be halved (glu splits an axis of even size)");
  }
  const auto axis = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "glu"));
  const std::int64_t n = x.shape()[axis];
  if (n % 2 != 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::glu: the halved axis must have even size, but axis {} of input {} has size {}", dim,
        shape_str(x.shape()), n));
  }
  const detail::Subscript first{"narrow", axis, 0, 1, n / 2, false};
  const detail::Subscript second{"narrow", axis, n / 2, 1, n / 2, false};
  Tensor result = detail::dispatch_floating("glu", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    return detail::binary_kernel_floating("glu", detail::subscript_view(x, first),
                                 detail::subscript_view(x, second),
                                 [](auto&& av, auto&& bv) { return av / (T(1) + xt::exp(-bv)); });
  });
  if (auto node = record<GluNode>(result, {x}, first, second)) node->save(x);
  return result;
}

namespace detail {
void register_glu(OpRegistry& r) {
  r.add({.name = "glu",
         .formula = "a * sigmoid(b), [a, b] = x split along the last axis",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return glu(in[0]); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"rank 3 [2,3,2]", {sample_tensor({2, 3, 2}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"odd axis [2,3]", {sample_tensor({2, 3}, g, d)}},
                                            {"0-d", {sample_tensor({}, g, d)}}};
             }});
  r.add({.name = "glu_dim0",
         .formula = "a * sigmoid(b), [a, b] = x split along axis 0",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return glu(in[0], 0); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [4,3]", {sample_tensor({4, 3}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
