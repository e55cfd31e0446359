#pragma once
/// \file joining.hpp
/// Joining tensors and taking them apart: cat, stack, split, chunk, unbind. The parts
/// split, chunk and unbind return are views of the input (no copy), recorded as one
/// multi-output node: a backward receives each part's gradient, zeros for a part that got
/// none.

#include <cstdint>
#include <vector>

#include "nabla/autograd.hpp"
#include "nabla/tensor.hpp"

namespace nabla {

/// The tensors joined along `dim` (negative counts from the end): every tensor has the
/// same rank and the same extents except along `dim`, and one dtype (integers and bool
/// promote as in arithmetic; float32 with float64 is refused). As PyTorch, a 1-d tensor
/// of extent 0 is skipped whatever the others' rank. Backward: each input's gradient is
/// grad_out narrowed to its band. Throws std::invalid_argument for an empty list, an
/// undefined tensor or mismatched shapes (naming the tensor, the dim and both shapes).
Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim = 0,
           CallSite where = std::source_location::current());
/// The tensors, all of one shape, stacked along a new axis `dim` (0 ≤ dim ≤ rank, or
/// negative from the end of the result's rank): cat of each unsqueezed at `dim`.
Tensor stack(const std::vector<Tensor>& tensors, std::int64_t dim = 0,
             CallSite where = std::source_location::current());
/// x cut along `dim` into parts of `split_size` positions (the last one shorter when the
/// extent is not a multiple), as views. Backward: the parts' gradients joined (zeros for
/// parts that got none). split_size must be positive (0 only for an axis of extent 0).
std::vector<Tensor> split(const Tensor& x, std::int64_t split_size, std::int64_t dim = 0,
                          CallSite where = std::source_location::current());
/// x cut along `dim` into parts of the given sizes, which must sum to the extent
/// (PyTorch's split with a list, split_with_sizes).
std::vector<Tensor> split(const Tensor& x, const std::vector<std::int64_t>& sizes,
                          std::int64_t dim = 0, CallSite where = std::source_location::current());
/// x cut along `dim` into `chunks` parts of ⌈extent / chunks⌉ positions (fewer parts when
/// the extent runs out first, as PyTorch). chunks must be positive.
std::vector<Tensor> chunk(const Tensor& x, std::int64_t chunks, std::int64_t dim = 0,
                          CallSite where = std::source_location::current());
/// The slices of x along `dim`, each without that axis (select(x, dim, i) for every i),
/// as views. Backward: the slices' gradients stacked (zeros for slices that got none).
std::vector<Tensor> unbind(const Tensor& x, std::int64_t dim = 0,
                           CallSite where = std::source_location::current());

}  // namespace nabla
