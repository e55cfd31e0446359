// clone: a copy with its own storage, keeping the autograd history.
//   forward : result = x (copied)
//   backward: grad_x = grad_out
//   saves   : nothing
//   shapes  : any; result has x's shape

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct CloneNode final : Node {
  CloneNode() : Node("clone") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override { return {grad_out}; }
};
}  // namespace

Tensor clone(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("clone", x);
  Tensor result = detail::copy_of(x);  // reads any strides
  record<CloneNode>(result, {x});
  return result;
}

Tensor Tensor::clone() const {
  check_defined("clone");
  return nabla::clone(*this);
}

namespace detail {
void register_clone(OpRegistry& r) {
  r.add({.name = "clone",
         .formula = "a copy of x",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return clone(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
