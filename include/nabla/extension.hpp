#pragma once
/// \file extension.hpp
/// Your own ops, outside the library, checked like the built-in ones.
///
/// A complete example (examples/custom_op/ builds it against the installed package):
///
/// ```cpp
/// #include <nabla/extension.hpp>
///
/// // my_softplus(x) = log(1 + eˣ), computed stably as max(x, 0) + log(1 + e^(−|x|))
/// // (nabla::softplus is built in; this is how a user writes an op of their own).
/// //   backward: grad_x = grad_out ⊙ sigmoid(x)      saves: x
/// struct MySoftplusNode : nabla::Node {
///   MySoftplusNode() : Node("my_softplus") {}            // the name in graphs and errors
///   std::vector<nabla::Tensor> backward(const nabla::Tensor& grad_out) override {
///     // Written with nabla ops, so gradients of gradients work through it.
///     return {grad_out * nabla::sigmoid(saved(0))};      // one gradient per input
///   }
/// };
///
/// nabla::Tensor my_softplus(const nabla::Tensor& x) {
///   std::vector<double> v = x.to_vector();             // the forward kernel: plain C++
///   for (double& e : v) e = std::max(e, 0.0) + std::log1p(std::exp(-std::abs(e)));
///   nabla::Tensor result = nabla::tensor(v, x.shape(), x.dtype());
///   if (auto node = nabla::record<MySoftplusNode>(result, {x}))  // null when no graph is needed
///     node->save(x);                                     // what the rule will need
///   return result;
/// }
///
/// // A composite op built only from existing ops needs no rule at all:
/// nabla::Tensor swish(const nabla::Tensor& x) { return x * nabla::sigmoid(x); }
///
/// int main(int argc, char** argv) {
///   nabla::register_op({.name = "my_softplus",
///                       .formula = "log(1 + exp(x))",
///                       .arity = 1,
///                       .fn = [](const std::vector<nabla::Tensor>& in) { return my_softplus(in[0]);
///                       }, .samples = [](nabla::Generator& g, nabla::Dtype d) {
///                         return nabla::unary_samples(g, d);
///                       }});
///   return nabla::gradcheck_main(argc, argv);            // the nabla-gradcheck command line
/// }
/// ```
///
/// An op with several outputs derives from nabla::MultiOutputNode, whose rule takes one
/// gradient per output (undefined for an output that received none, which counts as zero),
/// and records all its outputs at once (examples/custom_op has the full sin_cos):
///
/// ```cpp
/// struct SinCosNode : nabla::MultiOutputNode {
///   SinCosNode() : MultiOutputNode("sin_cos") {}
///   std::vector<nabla::Tensor> backward(const std::vector<nabla::Tensor>& grads) override {
///     const auto [s, c] = sin_cos(saved(0));
///     return {grad_or_zeros(grads, 0) * c - grad_or_zeros(grads, 1) * s};
///   }
/// };
/// std::vector<nabla::Tensor> out{sin_values, cos_values};
/// if (auto node = nabla::record_outputs<SinCosNode>(out, {x})) node->save(x);
/// ```
///
/// The engine checks what your rule returns: one gradient per input (undefined for an
/// input that needs none, see Node::needs_input_grad), each of the input's shape or of a
/// shape that sums down to it (so a rule may return gradients in the output's shape and
/// leave broadcasting to the engine), of the input's dtype. A rule that breaks this raises
/// an error naming the op. Registering two ops with one name raises std::invalid_argument.

#include "nabla/autograd.hpp"
#include "nabla/gradcheck.hpp"
#include "nabla/ops.hpp"
#include "nabla/registry.hpp"
#include "nabla/sweep.hpp"
#include "nabla/tensor.hpp"
