// transpose: matrix transpose (a copy; matmul itself never needs one, it uses gemm flags).
//   forward : result[j, i] = x[i, j]
//   backward: grad_x = transpose(grad_out)
//   saves   : nothing
//   shapes  : x [M, N] → result [N, M]; x must be 2-d

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct TransposeNode final : Node {
  TransposeNode() : Node("transpose") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override { return {transpose(grad_out)}; }
};
}  // namespace

Tensor transpose(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("transpose", x);
  if (x.dim() != 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::transpose: expects a 2-d tensor, got shape {} (rank {}); use permute for other "
        "ranks",
        shape_str(x.shape()), x.dim()));
  }
  Tensor result = detail::permute_kernel(x, {1, 0});
  record<TransposeNode>(result, {x});
  return result;
}

Tensor Tensor::t() const {
  return nabla::transpose(*this);
}

namespace detail {
void register_transpose(OpRegistry& r) {
  r.add({.name = "transpose",
         .formula = "x^T",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return transpose(in[0]); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"row [1,5]", {sample_tensor({1, 5}, g, d)}},
                                            {"column [4,1]", {sample_tensor({4, 1}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"vector [4]", {sample_tensor({4}, g, d)}},
                                            {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
