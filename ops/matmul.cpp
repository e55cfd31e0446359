// matmul: matrix products on OpenBLAS gemm (matmul and mm).
//   forward : C = op(A) · op(B), op(X) = X or Xᵀ by a flag   [M,N] = [M,K]·[K,N]
//   backward: (flags off) grad_A = grad_C · Bᵀ             [M,K] = [M,N]·[N,K]
//                         grad_B = Aᵀ · grad_C                [K,N] = [K,M]·[M,N]
//            with flags, the same products with the flags moved (see MmNode): every
//            product is one gemm call, never a transposed copy.
//   saves   : A (when B needs a gradient) and B (when A needs one)
//   shapes  : mm: 2-d only, inner extents equal. matmul: a 1-d left operand [K] is a row
//             [1,K], a 1-d right operand [K] a column [K,1], and the added axis is
//             dropped from the result (reshapes share storage, no copies). Views are
//             read in place: a transposed operand (unit stride down the columns) flips
//             gemm's transpose flag, a row-strided one (a narrow of the columns) sets the
//             leading dimension; only layouts gemm cannot express (a stepped slice along
//             the last axis, an expanded axis) are copied first.

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct MmNode final : Node {
  MmNode(bool ta, bool tb) : Node("matmul"), ta_(ta), tb_(tb) {}
  bool ta_, tb_;
  std::size_t a_ = 0, b_ = 0;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    Tensor grad_a, grad_b;
    if (needs_input_grad(0)) {
      const Tensor b = saved(b_);
      // C = A'·B' with A' = op(A): grad_A' = grad_C · B'ᵀ.
      grad_a = ta_ ? mm(b, grad_out, tb_, true)     // grad_A = (grad_A')ᵀ = B'·grad_Cᵀ
                   : mm(grad_out, b, false, !tb_);  // grad_A = grad_C·B'ᵀ
    }
    if (needs_input_grad(1)) {
      const Tensor a = saved(a_);
      // grad_B' = A'ᵀ · grad_C.
      grad_b = tb_ ? mm(grad_out, a, true, ta_)     // grad_B = (grad_B')ᵀ = grad_Cᵀ·A'
                   : mm(a, grad_out, !ta_, false);  // grad_B = A'ᵀ·grad_C
    }
    return {grad_a, grad_b};
  }
};
}  // namespace

Tensor mm(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("matmul", a, "a");
  detail::check_defined("matmul", b, "b");
  detail::check_floating("matmul", a, "a");
  detail::check_floating("matmul", b, "b");
  detail::check_same_dtype("matmul", a, b);
  if (a.dim() != 2 || b.dim() != 2) {
    throw std::invalid_argument(fmt::format("nabla::mm: expects 2-d operands, got {} and {}",
                                            shape_str(a.shape()), shape_str(b.shape())));
  }
  const std::int64_t m = trans_a ? a.size(1) : a.size(0);
  const std::int64_t k = trans_a ? a.size(0) : a.size(1);
  const std::int64_t kb = trans_b ? b.size(1) : b.size(0);
  const std::int64_t n = trans_b ? b.size(0) : b.size(1);
  if (k != kb) {
    throw std::invalid_argument(fmt::format(
        "nabla::mm: inner dimensions differ: {}{} · {}{} multiplies [{}, {}] by [{}, {}]",
        shape_str(a.shape()), trans_a ? "ᵀ" : "", shape_str(b.shape()), trans_b ? "ᵀ" : "", m, k,
        kb, n));
  }
  Tensor result = detail::make_tensor({m, n}, a.dtype(), "matmul");
  detail::gemm(trans_a, trans_b, m, n, k, a, b, result);
  if (auto node = record<MmNode>(result, {a, b}, trans_a, trans_b)) {
    if (node->needs_input_grad(1)) node->a_ = node->save(a);
    if (node->needs_input_grad(0)) node->b_ = node->save(b);
  }
  return result;
}

Tensor matmul(const Tensor& a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("matmul", a, "a");
  detail::check_defined("matmul", b, "b");
  if (a.dim() < 1 || a.dim() > 2 || b.dim() < 1 || b.dim() > 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::matmul: expects 1-d or 2-d operands, got {} and {} (batched matmul is not "
        "supported; reshape to 2-d)",
        shape_str(a.shape()), shape_str(b.shape())));
  }
  const Tensor a2 = a.dim() == 1 ? reshape(a, {1, a.size(0)}) : a;  // [K] → [1,K]
  const Tensor b2 = b.dim() == 1 ? reshape(b, {b.size(0), 1}) : b;  // [K] → [K,1]
  if (a2.size(1) != b2.size(0)) {
    throw std::invalid_argument(fmt::format(
        "nabla::matmul: shapes {} and {} cannot be multiplied: the inner extents {} and {} "
        "differ",
        shape_str(a.shape()), shape_str(b.shape()), a2.size(1), b2.size(0)));
  }
  Tensor c = mm(a2, b2);
  if (a.dim() == 1 && b.dim() == 1) return reshape(c, {});
  if (a.dim() == 1) return reshape(c, {c.size(1)});
  if (b.dim() == 1) return reshape(c, {c.size(0)});
  return c;
}

namespace detail {
void register_matmul(OpRegistry& r) {
  auto bad = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{
        {"inner mismatch [3,4]·[5,2]", {sample_tensor({3, 4}, g, d), sample_tensor({5, 2}, g, d)}},
        {"vector mismatch [3]·[4,2]", {sample_tensor({3}, g, d), sample_tensor({4, 2}, g, d)}},
        {"rank 3 [2,3,4]·[4,2]", {sample_tensor({2, 3, 4}, g, d), sample_tensor({4, 2}, g, d)}},
        {"scalar []·[4,2]", {sample_tensor({}, g, d), sample_tensor({4, 2}, g, d)}}};
  };
  r.add({.name = "matmul",
         .formula = "a · b",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return matmul(in[0], in[1]); },
         .samples =
             [](Generator& g, Dtype d) {
               auto pair = [&](const char* label, const Shape& a, const Shape& b) {
                 return OpSample{label, {sample_tensor(a, g, d), sample_tensor(b, g, d)}};
               };
               return std::vector<OpSample>{pair("matrix [3,4]·[4,5]", {3, 4}, {4, 5}),
                                            pair("row vector [4]·[4,5]", {4}, {4, 5}),
                                            pair("column vector [3,4]·[4]", {3, 4}, {4}),
                                            pair("dot [4]·[4]", {4}, {4}),
                                            pair("outer [3,1]·[1,2]", {3, 1}, {1, 2})};
             },
         .bad_samples = bad});
  // The transposed forms that matmul's own rules use, checked on their own.
  struct Flags {
    const char* name;
    const char* formula;
    bool ta, tb;
    Shape a, b;
  };
  for (const Flags& f : {Flags{"mm_nt", "a · bᵀ", false, true, {3, 4}, {5, 4}},
                         Flags{"mm_tn", "aᵀ · b", true, false, {4, 3}, {4, 5}},
                         Flags{"mm_tt", "aᵀ · bᵀ", true, true, {4, 3}, {5, 4}}}) {
    r.add({.name = f.name,
           .formula = f.formula,
           .arity = 2,
           .fn = [f](const std::vector<Tensor>& in) { return mm(in[0], in[1], f.ta, f.tb); },
           .samples =
               [f](Generator& g, Dtype d) {
                 return std::vector<OpSample>{
                     {fmt::format("{} {}", shape_str(f.a), shape_str(f.b)),
                      {sample_tensor(f.a, g, d), sample_tensor(f.b, g, d)}}};
               },
           .bad_samples =
               [f](Generator& g, Dtype d) {
                 return std::vector<OpSample>{
                     {"inner mismatch", {sample_tensor(f.a, g, d), sample_tensor({2, 2}, g, d)}}};
               }});
  }
}
}  // namespace detail
}  // namespace nabla
