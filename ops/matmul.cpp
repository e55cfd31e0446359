// matmul: matrix products on OpenBLAS gemm (matmul, batched and broadcasting, and mm).
//   forward : C = op(A) · op(B), op(X) = X or Xᵀ by a flag   [M,N] = [M,K]·[K,N]; batched:
//             C[i..] = A[i..] · B[i..] per batch index of the broadcast batch dims
//   backward: (flags off) grad_A = grad_C · Bᵀ             [M,K] = [M,N]·[N,K]
//                         grad_B = Aᵀ · grad_C                [K,N] = [K,M]·[M,N]
//            with flags, the same products with the flags moved (see MmNode): every
//            product is one gemm call, never a transposed copy. Batched: the same
//            products per batch matrix (Bᵀ a view swapping the last two axes), in the
//            broadcast batch shape; the engine sums each down to its input's shape.
//   saves   : A (when B needs a gradient) and B (when A needs one)
//   shapes  : mm: 2-d only, inner extents equal. matmul: a 1-d left operand [K] is a row
//             [1,K], a 1-d right operand [K] a column [K,1], and the added axis is
//             dropped from the result (reshapes share storage, no copies). Operands of
//             rank > 2 are stacks of matrices over their leading (batch) dims, which
//             broadcast: [A,1,M,K]·[B,K,N] → [A,B,M,N]. [..,M,K]·[K,N] (a right operand
//             without batch, or with batch extents all 1) is one gemm over the batch folded
//             into M when the left operand's strides let it be seen as [..·M, K]; every
//             other batched product is one gemm per batch matrix. Views are read in
//             place: a transposed operand (unit stride down the columns) flips gemm's
//             transpose flag, a row-strided one (a narrow of the columns) sets the leading
//             dimension, a broadcast batch axis (stride 0) is read again for each batch
//             index; only layouts gemm cannot express (a stepped slice along the last
//             axis, an expanded last axis) are copied first, once per operand.
//   dtypes  : float32 or float64, the same for both (PyTorch also takes integers; gemm
//             does not)

#include "ops/linalg_common.hpp"
#include "ops/view_common.hpp"

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

// The batched product: the same rule as MmNode's without flags, per batch matrix, with the
// other operand's last two axes swapped by a view (gemm reads it through its flag).
struct BatchedMatmulNode final : Node {
  explicit BatchedMatmulNode(const char* op) : Node(op), op_(op) {}
  const char* op_;
  std::size_t a_ = 0, b_ = 0;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    Tensor grad_a, grad_b;
    if (needs_input_grad(0)) {  // [batch,M,K] = [batch,M,N]·[..,N,K]
      grad_a = detail::batched_matmul(op_, grad_out, transpose(saved(b_), -1, -2));
    }
    if (needs_input_grad(1)) {  // [batch,K,N] = [..,K,M]·[batch,M,N]
      grad_b = detail::batched_matmul(op_, transpose(saved(a_), -1, -2), grad_out);
    }
    return {grad_a, grad_b};
  }
};

// Whether gemm reads the last two axes of t [.., rows, cols] in place (the layouts
// kernels/blas.cpp takes without a copy: unit stride along one of them, and the other's
// stride at least the first one's extent).
bool gemm_reads_in_place(const Tensor& t) {
  const Shape& s = t.shape();
  const detail::Strides& st = t.impl()->strides;
  const std::size_t r = s.size();
  const std::int64_t rows = s[r - 2], cols = s[r - 1], s0 = st[r - 2], s1 = st[r - 1];
  const std::int64_t wide = std::max<std::int64_t>(cols, 1), tall = std::max<std::int64_t>(rows, 1);
  return ((cols <= 1 || s1 == 1) && (rows <= 1 || s0 >= wide)) ||
         ((rows <= 1 || s0 == 1) && (cols <= 1 || s1 >= tall));
}

// The batch dims of a [.., M, K] and b [.., K, N] broadcast, or a throw naming `op` and
// both shapes.
Shape broadcast_batch(const char* op, const Tensor& a, const Tensor& b, const Shape& a_shown,
                      const Shape& b_shown) {
  const Shape ba(a.shape().begin(), a.shape().end() - 2);
  const Shape bb(b.shape().begin(), b.shape().end() - 2);
  const std::size_t rank = std::max(ba.size(), bb.size());
  Shape batch(rank, 1);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t ea = i < rank - ba.size() ? 1 : ba[i - (rank - ba.size())];
    const std::int64_t eb = i < rank - bb.size() ? 1 : bb[i - (rank - bb.size())];
    if (ea != eb && ea != 1 && eb != 1) {
      throw std::invalid_argument(fmt::format(
          "nabla::{}: the batch dimensions {} of {} and {} of {} do not broadcast (extents {} "
          "and {} at batch dim {})",
          op, shape_str(ba), shape_str(a_shown), shape_str(bb), shape_str(b_shown), ea, eb, i));
    }
    batch[i] = ea == 1 ? eb : ea;
  }
  return batch;
}
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

namespace {
// matmul with an operand of rank > 2 (torch.matmul's batched cases).
Tensor matmul_batched(const Tensor& a, const Tensor& b) {
  detail::check_floating("matmul", a, "a");
  detail::check_floating("matmul", b, "b");
  detail::check_same_dtype("matmul", a, b);
  const bool a_vec = a.dim() == 1, b_vec = b.dim() == 1;
  const Tensor a2 = a_vec ? reshape(a, {1, a.size(0)}) : a;  // [K] → [1,K]
  const Tensor b2 = b_vec ? reshape(b, {b.size(0), 1}) : b;  // [K] → [K,1]
  const std::int64_t m = a2.size(-2), k = a2.size(-1), kb = b2.size(-2), n = b2.size(-1);
  if (k != kb) {
    throw std::invalid_argument(fmt::format(
        "nabla::matmul: shapes {} and {} cannot be multiplied: the inner extents {} (the last "
        "of a) and {} (the {} of b) differ",
        shape_str(a.shape()), shape_str(b.shape()), k, kb, b_vec ? "only one" : "second-to-last"));
  }
  const Shape batch = broadcast_batch("matmul", a2, b2, a.shape(), b.shape());
  Shape out = batch;  // batch + [M, N], without the axes a vector operand added
  if (!a_vec) out.push_back(m);
  if (!b_vec) out.push_back(n);
  const bool b_unbatched =
      b2.dim() == 2 || shape_numel(Shape(b2.shape().begin(), b2.shape().end() - 2)) == 1;
  if (b_unbatched && a2.dim() > 2) {
    // [.., M, K]·[K, N]: one gemm with the batch folded into M, when a's strides allow it.
    const std::int64_t rows = shape_numel(Shape(a2.shape().begin(), a2.shape().end() - 1));
    if (detail::view_strides(a2.shape(), a2.impl()->strides, {rows, k})) {
      const Tensor b_mat = b2.dim() == 2 ? b2 : reshape(b2, {k, n});
      return reshape(mm(reshape(a2, {rows, k}), b_mat), out);
    }
  }
  const Tensor c = detail::batched_matmul("matmul", a2, b2);  // [batch, M, N]
  return a_vec || b_vec ? reshape(c, out) : c;
}
}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("matmul", a, "a");
  detail::check_defined("matmul", b, "b");
  if (a.dim() < 1 || a.dim() > 2 || b.dim() < 1 || b.dim() > 2) [[unlikely]] {
    if (a.dim() == 0 || b.dim() == 0) {
      throw std::invalid_argument(fmt::format(
          "nabla::matmul: both operands need at least 1 dimension, got shapes {} and {} (use "
          "mul for a scalar)",
          shape_str(a.shape()), shape_str(b.shape())));
    }
    return matmul_batched(a, b);
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
Tensor batched_matmul(const char* op, const Tensor& a, const Tensor& b) {
  const std::size_t ra = a.shape().size(), rb = b.shape().size();
  const std::int64_t m = a.shape()[ra - 2], k = a.shape()[ra - 1], n = b.shape()[rb - 1];
  const Shape batch = broadcast_batch(op, a, b, a.shape(), b.shape());
  Shape out_shape = batch;
  out_shape.push_back(m);
  out_shape.push_back(n);
  Tensor result = make_tensor(out_shape, a.dtype(), op);
  // Each operand seen with the full batch (stride 0 along broadcast axes), copied first
  // (once, not per batch matrix) only when gemm cannot read its matrices in place.
  const auto full = [&](const Tensor& t, std::int64_t r, std::int64_t c) {
    Shape s = batch;
    s.push_back(r);
    s.push_back(c);
    return expand_view(gemm_reads_in_place(t) ? t : copy_of(t), s);
  };
  const Tensor ae = full(a, m, k), be = full(b, k, n);
  const Strides& sa = ae.impl()->strides;
  const Strides& sb = be.impl()->strides;
  const std::size_t nb = batch.size();
  // One view per operand, moved along the batch by its offset (no handle per matrix).
  Tensor av = make_view(ae, {m, k}, {sa[nb], sa[nb + 1]}, ae.storage_offset());
  Tensor bv = make_view(be, {k, n}, {sb[nb], sb[nb + 1]}, be.storage_offset());
  Tensor cv = make_view(result, {m, n}, {n, 1}, 0);
  const std::int64_t count = shape_numel(batch);
  std::vector<std::int64_t> index(nb, 0);
  std::int64_t off_a = 0, off_b = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    av.impl()->offset = ae.storage_offset() + off_a;
    bv.impl()->offset = be.storage_offset() + off_b;
    cv.impl()->offset = i * m * n;
    gemm(false, false, m, n, k, av, bv, cv);
    // The next batch index, last dim fastest.
    for (std::size_t d = nb; d-- > 0;) {
      off_a += sa[d];
      off_b += sb[d];
      if (++index[d] < batch[d]) break;
      off_a -= sa[d] * batch[d];
      off_b -= sb[d] * batch[d];
      index[d] = 0;
    }
  }
  if (auto node = record<BatchedMatmulNode>(result, {a, b}, op)) {
    if (node->needs_input_grad(1)) node->a_ = node->save(a);
    if (node->needs_input_grad(0)) node->b_ = node->save(b);
  }
  return result;
}
}  // namespace detail

namespace detail {
void register_matmul(OpRegistry& r) {
  auto bad = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{
        {"inner mismatch [3,4]·[5,2]", {sample_tensor({3, 4}, g, d), sample_tensor({5, 2}, g, d)}},
        {"vector mismatch [3]·[4,2]", {sample_tensor({3}, g, d), sample_tensor({4, 2}, g, d)}},
        {"batched inner mismatch [2,3,4]·[2,5,2]",
         {sample_tensor({2, 3, 4}, g, d), sample_tensor({2, 5, 2}, g, d)}},
        {"batch [2] with [3] [2,3,4]·[3,4,2]",
         {sample_tensor({2, 3, 4}, g, d), sample_tensor({3, 4, 2}, g, d)}},
        {"vector mismatch [3]·[2,4,2]", {sample_tensor({3}, g, d), sample_tensor({2, 4, 2}, g, d)}},
        {"scalar []·[4,2]", {sample_tensor({}, g, d), sample_tensor({4, 2}, g, d)}},
        {"scalar [2,3,4]·[]", {sample_tensor({2, 3, 4}, g, d), sample_tensor({}, g, d)}}};
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
               return std::vector<OpSample>{
                   pair("matrix [3,4]·[4,5]", {3, 4}, {4, 5}),
                   pair("row vector [4]·[4,5]", {4}, {4, 5}),
                   pair("column vector [3,4]·[4]", {3, 4}, {4}), pair("dot [4]·[4]", {4}, {4}),
                   pair("outer [3,1]·[1,2]", {3, 1}, {1, 2}),
                   // batched (the sweep also feeds these as views)
                   pair("folded [2,3,4]·[4,5]", {2, 3, 4}, {4, 5}),
                   pair("same batch [2,3,4]·[2,4,5]", {2, 3, 4}, {2, 4, 5}),
                   pair("broadcast [2,1,3,4]·[3,4,2]", {2, 1, 3, 4}, {3, 4, 2}),
                   pair("matrix · batch [3,4]·[2,4,5]", {3, 4}, {2, 4, 5}),
                   pair("vector · batch [4]·[2,4,3]", {4}, {2, 4, 3}),
                   pair("batch · vector [2,3,4]·[4]", {2, 3, 4}, {4}),
                   pair("unit batch [2,3,4]·[1,4,2]", {2, 3, 4}, {1, 4, 2})};
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
