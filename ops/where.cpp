// where: elementwise selection by a bool condition, with broadcasting of all three.
//   forward : result = cond ? a : b, in promote_types(a, b) (float32 with float64 refused)
//   backward: grad_a = where(cond, grad_out, 0), grad_b = where(cond, 0, grad_out)
//             (the engine sums each to its input's shape); cond gets none
//   saves   : cond (bool, never requires grad)
//   shapes  : cond, a and b broadcast together; result has the broadcast shape.
//             cond must be bool, else std::invalid_argument naming its dtype

#include "kernels/compare.hpp"
#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct WhereNode final : Node {
  WhereNode() : Node("where") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor cond = saved(0);
    return {needs_input_grad(0) ? nabla::where(cond, grad_out, 0.0) : Tensor(),
            needs_input_grad(1) ? nabla::where(cond, 0.0, grad_out) : Tensor()};
  }
};
}  // namespace

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  Tensor result = detail::where_kernel("where", cond, a, b);
  if (auto node = record<WhereNode>(result, {a, b})) node->save(cond);
  return result;
}

Tensor where(const Tensor& cond, const Tensor& a, double b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("where", a, "second operand");
  return nabla::where(cond, a, detail::scalar_operand("where", b, a));
}

Tensor where(const Tensor& cond, double a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("where", b, "third operand");
  return nabla::where(cond, detail::scalar_operand("where", a, b), b);
}

namespace detail {
namespace {
// A fixed condition of `shape`, true at every third element (row-major) and at element 0,
// so both branches get a gradient in every sample of more than one element. It is bound
// in the registry entry's fn and never perturbed (a bool input has no gradient), as
// cross_entropy binds its targets.
Tensor fixed_condition(const Shape& shape) {
  std::vector<double> v(static_cast<std::size_t>(shape_numel(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = i % 3 == 0 ? 1.0 : 0.0;
  return tensor(v, shape, Dtype::bool_);
}
}  // namespace

void register_where(OpRegistry& r) {
  r.add({.name = "where",
         .formula = "cond ? a : b, fixed cond (every third element)",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               const Shape s = broadcast_shapes(in[0].shape(), in[1].shape(), "where");
               return nabla::where(fixed_condition(s), in[0], in[1]);
             },
         .samples = [](Generator& g, Dtype d) { return binary_samples(g, d); },
         .bad_samples = binary_bad_samples});
}
}  // namespace detail
}  // namespace nabla
