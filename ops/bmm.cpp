// bmm: batched matrix product of two stacks of matrices of one batch extent (torch.bmm).
//   forward : C[i] = A[i] · B[i]   [B,M,N] = [B,M,K]·[B,K,N], one gemm per i
//   backward: grad_A = bmm(grad_C, Bᵀ)   [B,M,K] = [B,M,N]·[B,N,K]
//             grad_B = bmm(Aᵀ, grad_C)   [B,K,N] = [B,K,M]·[B,M,N]
//             (ᵀ swaps the last two axes as a view; gemm reads it through its flag)
//   saves   : A (when B needs a gradient) and B (when A needs one)
//   shapes  : both 3-d with the same B and inner extents K, no broadcasting (matmul
//             broadcasts); each matrix is read in place when gemm can read its layout (see
//             matmul), whatever the batch stride
//   dtypes  : float32 or float64, the same for both

#include "ops/linalg_common.hpp"

namespace nabla {

Tensor bmm(const Tensor& a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("bmm", a, "a");
  detail::check_defined("bmm", b, "b");
  detail::check_floating("bmm", a, "a");
  detail::check_floating("bmm", b, "b");
  detail::check_same_dtype("bmm", a, b);
  if (a.dim() != 3 || b.dim() != 3) {
    throw std::invalid_argument(
        fmt::format("nabla::bmm: expects two 3-d tensors [B,M,K] and [B,K,N], got {} and {}",
                    shape_str(a.shape()), shape_str(b.shape())));
  }
  if (a.size(0) != b.size(0)) {
    throw std::invalid_argument(fmt::format(
        "nabla::bmm: the batch extents differ: {} and {} (shapes {} and {}; bmm does not "
        "broadcast, matmul does)",
        a.size(0), b.size(0), shape_str(a.shape()), shape_str(b.shape())));
  }
  if (a.size(2) != b.size(1)) {
    throw std::invalid_argument(fmt::format(
        "nabla::bmm: shapes {} and {} cannot be multiplied: the inner extents {} and {} differ",
        shape_str(a.shape()), shape_str(b.shape()), a.size(2), b.size(1)));
  }
  return detail::batched_matmul("bmm", a, b);
}

namespace detail {
void register_bmm(OpRegistry& r) {
  r.add({.name = "bmm",
         .formula = "a[i] · b[i] for each batch index i",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return bmm(in[0], in[1]); },
         .samples =
             [](Generator& g, Dtype d) {
               auto pair = [&](const char* label, const Shape& a, const Shape& b) {
                 return OpSample{label, {sample_tensor(a, g, d), sample_tensor(b, g, d)}};
               };
               // The sweep also feeds each sample transposed, stepped and expanded (views).
               return std::vector<OpSample>{
                   pair("batch [2,3,4]·[2,4,5]", {2, 3, 4}, {2, 4, 5}),
                   pair("one matrix [1,2,3]·[1,3,2]", {1, 2, 3}, {1, 3, 2}),
                   pair("row times column [3,1,4]·[3,4,1]", {3, 1, 4}, {3, 4, 1})};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"batch mismatch [2,3,4]·[3,4,5]",
                    {sample_tensor({2, 3, 4}, g, d), sample_tensor({3, 4, 5}, g, d)}},
                   {"inner mismatch [2,3,4]·[2,5,2]",
                    {sample_tensor({2, 3, 4}, g, d), sample_tensor({2, 5, 2}, g, d)}},
                   {"2-d a [3,4]·[2,4,5]",
                    {sample_tensor({3, 4}, g, d), sample_tensor({2, 4, 5}, g, d)}},
                   {"2-d b [2,3,4]·[4,5]",
                    {sample_tensor({2, 3, 4}, g, d), sample_tensor({4, 5}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
