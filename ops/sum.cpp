// sum: sum of all elements, or over given axes.
//   forward : result = Σ x over the axes (every axis by default)
//   backward: grad_x = broadcast_to(reshape(grad_out, kept shape), x.shape)
//   saves   : nothing (x's shape is on the node)
//   shapes  : x [d0..dn] → the reduced shape; with keepdim the reduced axes stay as 1
//   dtypes  : floating x gives its dtype; integer and bool x give int64 (as PyTorch)
//   kernel  : detail::sum_kernel (src/kernels/reduction.cpp), any strides

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct SumNode final : Node {
  explicit SumNode(Shape kept) : Node("sum"), kept_(std::move(kept)) {}
  Shape kept_;  // the result's shape with reduced axes kept as 1
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {broadcast_to(reshape(grad_out, kept_), input_shape(0))};
  }
};
}  // namespace

Tensor sum(const Tensor& x, const std::vector<std::int64_t>& axes, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("sum", x);
  const auto ax = detail::reduction_axes("sum", x, axes);
  Tensor result = detail::sum_kernel(x, ax, detail::reduced_shape(x.shape(), ax, keepdim));
  record<SumNode>(result, {x}, detail::reduced_shape(x.shape(), ax, true));
  return result;
}

Tensor sum(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  return sum(x, {}, false);
}

Tensor Tensor::sum() const {
  return nabla::sum(*this);
}

namespace detail {
void register_sum(OpRegistry& r) {
  r.add({.name = "sum",
         .formula = "sum of all elements",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return sum(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
  auto rank2plus = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                 {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}},
                                 {"unit axis [3,1]", {sample_tensor({3, 1}, g, d)}}};
  };
  auto bad_axis = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{{"axis 1 of a vector [4]", {sample_tensor({4}, g, d)}},
                                 {"axis 1 of a scalar []", {sample_tensor({}, g, d)}}};
  };
  r.add({.name = "sum_axis",
         .formula = "sum over axis 1",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return sum(in[0], {1}); },
         .samples = rank2plus,
         .bad_samples = bad_axis});
  r.add({.name = "sum_keepdim",
         .formula = "sum over axes (0, -1), keepdim",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return sum(in[0], {0, -1}, true);
             },
         .samples = rank2plus,
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"scalar []", {sample_tensor({}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
