// dot: the dot product of two vectors of one length (torch.dot).
//   forward : result = Σ_i a[i]·b[i], a 0-d tensor: matmul's [1,K]·[K,1] gemm
//   backward: through matmul: grad_a = grad_out·b, grad_b = grad_out·a
//   saves   : what matmul saves (each operand, when the other needs a gradient)
//   shapes  : a [K], b [K] → []; other ranks or lengths throw std::invalid_argument
//   dtypes  : float32 or float64, the same for both (PyTorch also takes integers)

#include "ops/linalg_common.hpp"

namespace nabla {

Tensor dot(const Tensor& a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("dot", a, "a");
  detail::check_defined("dot", b, "b");
  if (a.dim() != 1 || b.dim() != 1) {
    throw std::invalid_argument(fmt::format("nabla::dot: expects two vectors (1-d), got {} and {}",
                                            shape_str(a.shape()), shape_str(b.shape())));
  }
  detail::check_floating("dot", a, "a");
  detail::check_floating("dot", b, "b");
  detail::check_same_dtype("dot", a, b);
  if (a.size(0) != b.size(0)) {
    throw std::invalid_argument(
        fmt::format("nabla::dot: the vectors' lengths differ: {} and {} (shapes {} and {})",
                    a.size(0), b.size(0), shape_str(a.shape()), shape_str(b.shape())));
  }
  return matmul(a, b);
}

namespace detail {
void register_dot(OpRegistry& r) {
  r.add({.name = "dot",
         .formula = "Σ_i a[i]·b[i]",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return dot(in[0], in[1]); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"[5]·[5]", {sample_tensor({5}, g, d), sample_tensor({5}, g, d)}},
                   {"[1]·[1]", {sample_tensor({1}, g, d), sample_tensor({1}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"lengths [3]·[4]", {sample_tensor({3}, g, d), sample_tensor({4}, g, d)}},
                   {"matrix [3,1]·[3]", {sample_tensor({3, 1}, g, d), sample_tensor({3}, g, d)}},
                   {"scalar []·[1]", {sample_tensor({}, g, d), sample_tensor({1}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
