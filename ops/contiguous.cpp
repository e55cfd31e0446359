// contiguous: x itself when its values are already dense row-major, else a contiguous copy.
//   forward : result = x (same values, row-major layout)
//   backward: grad_x = grad_out
//   saves   : nothing
//   shapes  : any; result has x's shape

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct ContiguousNode final : Node {
  ContiguousNode() : Node("contiguous") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override { return {grad_out}; }
};
}  // namespace

Tensor contiguous(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("contiguous", x);
  if (x.is_contiguous()) return x;
  Tensor result = detail::copy_of(x);
  record<ContiguousNode>(result, {x});
  return result;
}

Tensor Tensor::contiguous() const {
  return nabla::contiguous(*this);
}

namespace detail {
void register_contiguous(OpRegistry& r) {
  r.add({.name = "contiguous",
         .formula = "x.transpose(0, -1).contiguous(): a dense copy of the transpose",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return contiguous(in[0].dim() >= 2 ? in[0].transpose(0, -1) : in[0]);
             },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
}
}  // namespace detail
}  // namespace nabla
