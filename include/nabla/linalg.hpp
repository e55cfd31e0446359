#pragma once
/// \file linalg.hpp
/// Linear algebra beyond the 2-d product: batched products (bmm; matmul itself, batched
/// and broadcasting, is declared in ops.hpp), outer and dot products, einsum, diagonals,
/// the trace and triangular parts. Included by ops.hpp.
///
/// Products (bmm, dot, einsum) run on OpenBLAS gemm and so take float32 or float64
/// operands of one dtype only: an integer or bool operand, or float32 with float64, throws
/// std::invalid_argument naming the op (PyTorch also multiplies integer tensors on the
/// CPU; nabla does not). diag, diagonal, trace, tril and triu take any dtype, and outer
/// promotes as mul does. Every op names itself and the shapes involved when its inputs do
/// not fit, with std::invalid_argument (std::out_of_range for a dim outside the rank).

#include <cstdint>
#include <string>
#include <vector>

#include "nabla/autograd.hpp"
#include "nabla/tensor.hpp"

namespace nabla {

/// Batched matrix product, torch.bmm: a [B,M,K] · b [B,K,N] → [B,M,N], one gemm per
/// batch matrix, each operand read in place when gemm can read its last two axes (a
/// transpose, a narrow) whatever the batch stride. No broadcasting: both must be 3-d with
/// the same B (use matmul to broadcast). Backward: grad_a = bmm(grad, bᵀ), grad_b =
/// bmm(aᵀ, grad), with ᵀ swapping the last two axes (a view, read by gemm's flags).
Tensor bmm(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());

/// Outer product of two vectors, torch.outer: a [N], b [M] → [N,M], result[i][j] =
/// a[i]·b[j]. Computed as mul of the [N,1] and [1,M] views, so dtypes promote as mul's.
/// Backward: grad_a = grad·b, grad_b = gradᵀ·a. Throws when either is not 1-d.
Tensor outer(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());

/// Dot product of two vectors of one length, torch.dot: Σ a[i]·b[i], a 0-d tensor (one
/// gemm). Unlike matmul it takes 1-d operands only. Backward: grad_a = grad·b, grad_b =
/// grad·a. Throws for other ranks, different lengths, or different dtypes.
Tensor dot(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());

/// Einstein summation, torch.einsum, for one or two operands:
/// `einsum("bij,bjk->bik", {a, b})`. Supported:
///  - subscripts are letters a–z and A–Z, one per dimension; spaces are ignored;
///  - explicit output (`"ij,jk->ik"`, each output letter once and present in an input) or
///    implicit (`"ij,jk"`: the letters that appear exactly once, in ASCII order, so
///    uppercase before lowercase, as PyTorch);
///  - a letter repeated within one operand takes the diagonal (`"ii->i"`, `"ii"` is the
///    trace; its extents must be equal);
///  - letters absent from the output are summed (within one operand first, then
///    contracted between the two);
///  - one `...` per operand and in the output, covering the dimensions not named,
///    right-aligned and broadcast across operands; implicit output puts them first, and an
///    explicit output without `...` sums them;
///  - an extent of 1 broadcasts against the same letter's extent in the other operand.
/// The contraction becomes permutes, diagonals, sums and one (batched) matmul over views,
/// or an elementwise product when nothing is contracted, so gradients of any order flow
/// through those ops. Throws std::invalid_argument, quoting the equation, for three or
/// more operands, a character outside the subscripts, a term count or subscript count
/// that does not match the operands, a misplaced `.`, an output letter repeated or absent
/// from the inputs, extents that do not match, and non-floating or mixed dtypes.
Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands,
              CallSite where = std::source_location::current());

/// torch.diag. A vector x [n] gives the [n+|d|, n+|d|] matrix with x on diagonal d
/// (d > 0 above the main one, d < 0 below) and zeros elsewhere; backward:
/// grad_x = diagonal(grad, d). A matrix x gives its diagonal d as a new 1-d tensor (a
/// copy, as PyTorch; diagonal gives the view); backward: grad_x = zeros with grad on that
/// diagonal. A diagonal wholly outside the matrix gives an empty vector (PyTorch 1.13
/// throws an overflow error there). Throws std::invalid_argument for other ranks.
Tensor diag(const Tensor& x, std::int64_t diagonal = 0,
            CallSite where = std::source_location::current());

/// torch.diagonal: the view of diagonal `offset` across axes dim1 and dim2 (negative
/// dims count from the end): those axes are removed and the diagonal, of length
/// min(n1, n2 − offset) for offset ≥ 0 or min(n1 + offset, n2) below (0 when outside),
/// is appended as the last axis; element k is x[.., k, .., k + offset, ..]. Writing into
/// the view writes into x. Backward: zeros of x's shape with grad on that diagonal.
/// Throws std::invalid_argument for rank < 2 or dim1 = dim2, std::out_of_range for a dim
/// outside the rank.
Tensor diagonal(const Tensor& x, std::int64_t offset = 0, std::int64_t dim1 = 0,
                std::int64_t dim2 = 1, CallSite where = std::source_location::current());

/// Sum of the main diagonal of a matrix, torch.trace: a 0-d tensor (sum(diagonal(x))),
/// int64 for integer and bool x as sum. Backward: grad on the diagonal of zeros. Throws
/// std::invalid_argument unless x is 2-d.
Tensor trace(const Tensor& x, CallSite where = std::source_location::current());

/// The lower triangle of each matrix in x [..., R, C], torch.tril: x[.., i, j] where
/// j − i ≤ diagonal, else 0 (diagonal 0 keeps the main diagonal, > 0 more above it, < 0
/// fewer). A new contiguous tensor of x's shape and dtype. Backward: tril(grad,
/// diagonal). Throws std::invalid_argument for rank < 2.
Tensor tril(const Tensor& x, std::int64_t diagonal = 0,
            CallSite where = std::source_location::current());

/// The upper triangle of each matrix in x [..., R, C], torch.triu: x[.., i, j] where
/// j − i ≥ diagonal, else 0. Backward: triu(grad, diagonal). As tril otherwise.
Tensor triu(const Tensor& x, std::int64_t diagonal = 0,
            CallSite where = std::source_location::current());

}  // namespace nabla
