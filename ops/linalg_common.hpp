#pragma once
// Internal: what the linear-algebra op files share (matmul, bmm, diag, diagonal, tril, triu).

#include <cstdint>

#include "nabla/linalg.hpp"
#include "ops/op_common.hpp"

namespace nabla::detail {

/// a [..., M, K] · b [..., K, N] → [batch, M, N] with the batch dims (all but the last two)
/// broadcast, one gemm per batch matrix. Every operand view whose last two axes gemm can
/// read (a transpose, a narrow of the columns; any strides on the batch axes, stride 0
/// included) is read in place. Records a node named `op` (a string literal) whose rule is
/// the same product with the other operand transposed; the engine sums each gradient down
/// to its input's shape. The caller has checked ranks (≥ 2), dtypes, the inner extents and
/// that the batch dims broadcast.
Tensor batched_matmul(const char* op, const Tensor& a, const Tensor& b);

/// The view of x's diagonal `offset` across axes d1 ≠ d2 (already normalized), without
/// history: those axes removed, the diagonal appended as the last axis.
Tensor diagonal_view(const Tensor& x, std::int64_t offset, std::size_t d1, std::size_t d2);

/// zeros(shape) with `grad` written on the diagonal `offset` across axes d1 and d2:
/// diagonal's backward, and diag of a vector. Records a node named `op` whose rule is
/// diagonal(grad_out, offset, d1, d2).
Tensor diagonal_scatter(const char* op, const Tensor& grad, const Shape& shape, std::int64_t offset,
                        std::size_t d1, std::size_t d2);

/// tril (lower) or triu of x: x's values where j − i ≤ k (lower) or j − i ≥ k (upper) in
/// each matrix of the last two axes, zeros elsewhere. Checks x and records the node.
Tensor triangle(const char* op, const Tensor& x, std::int64_t k, bool lower);
/// The registry samples tril and triu share: matrices square, wide and tall, and a stack.
std::vector<OpSample> triangle_samples(Generator& g, Dtype d);
/// Inputs tril and triu reject: a vector and a scalar.
std::vector<OpSample> triangle_bad_samples(Generator& g, Dtype d);

}  // namespace nabla::detail
