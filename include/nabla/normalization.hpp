#pragma once
/// \file normalization.hpp
/// Normalization, dropout, embedding and linear layers as functions, after
/// torch.nn.functional (PyTorch 1.13): batch_norm, layer_norm, group_norm, instance_norm,
/// local_response_norm, dropout, dropout2d, alpha_dropout, embedding, embedding_bag,
/// linear and bilinear.
///
/// Each takes float32 or float64 tensors (one dtype throughout; indices are int64 or
/// int32) and throws std::invalid_argument naming the op and the shapes, dtypes or values
/// involved when its inputs do not fit (std::out_of_range for an index out of range). An
/// optional tensor argument is an undefined Tensor (`{}`) when absent, as PyTorch's None.

#include <cstdint>
#include <optional>
#include <vector>

#include "nabla/autograd.hpp"
#include "nabla/tensor.hpp"

namespace nabla {

// ---- normalization -----------------------------------------------------------------

/// Batch normalization over the channel axis 1 of x [N,C], [N,C,L], [N,C,H,W] (any rank
/// ≥ 2), as torch.nn.functional.batch_norm:
///
///   y = (x − mean_c) / √(var_c + eps) · weight_c + bias_c
///
/// Training: mean_c and var_c are the batch's (the biased variance, over every axis but
/// 1). When running_mean / running_var are given they are updated in place, not recorded
/// on the graph: running = (1 − momentum)·running + momentum·stat, with the *unbiased*
/// variance for running_var (as PyTorch). momentum nullopt means a cumulative average,
/// factor 1/num_batches_tracked, as torch.nn.BatchNorm with momentum=None:
/// torch.nn.functional.batch_norm refuses None, so nabla takes the count it needs as
/// `num_batches_tracked`, a 0-d int64 tensor incremented in place on every training call
/// with running statistics (required when momentum is nullopt). Training needs more than
/// one value per channel (N·L·H·W > 1).
/// Evaluation (training false): mean_c and var_c are running_mean and running_var, which
/// must be given.
///
/// weight, bias, running_mean, running_var: [C] each, or undefined (weight 1, bias 0).
/// The running statistics are constants (no gradient flows into them).
/// Backward: training grad_x = weight·invstd·(g − mean(g) − x̂·mean(g·x̂)), evaluation
/// grad_x = g·weight·invstd; grad_weight = Σ g·x̂, grad_bias = Σ g (one fused pass each
/// way; under create_graph the rule is composed of nabla ops, so higher order works).
/// Throws std::invalid_argument for rank < 2, a non-floating or mixed dtype, a running
/// statistic or weight/bias whose size is not C, missing running statistics in
/// evaluation, one value per channel in training, and a missing num_batches_tracked with
/// momentum nullopt.
Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight = {}, const Tensor& bias = {}, bool training = false,
                  std::optional<double> momentum = 0.1, double eps = 1e-5,
                  const Tensor& num_batches_tracked = {},
                  CallSite where = std::source_location::current());

/// Layer normalization over the trailing axes, as torch.nn.functional.layer_norm:
/// y = (x − μ)/√(σ² + eps) ⊙ weight + bias, μ and σ² (biased) over the last
/// len(normalized_shape) axes of x. weight and bias have shape normalized_shape (or are
/// undefined). Composed of nabla ops (differentiable to any order). Throws
/// std::invalid_argument when normalized_shape is empty or not a suffix of x's shape, and
/// for a weight or bias of another shape or dtype.
Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5,
                  CallSite where = std::source_location::current());

/// Group normalization, as torch.nn.functional.group_norm: the C channels of x [N,C,*]
/// split into num_groups groups of C/num_groups consecutive channels; each (sample, group)
/// normalized by its own mean and biased variance, then scaled and shifted per channel by
/// weight [C] and bias [C] (or undefined). Composed of nabla ops. Throws
/// std::invalid_argument for rank < 2, C not divisible by num_groups (or num_groups < 1),
/// and a weight or bias of another shape or dtype.
Tensor group_norm(const Tensor& x, std::int64_t num_groups, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5,
                  CallSite where = std::source_location::current());

/// Instance normalization, as torch.nn.functional.instance_norm: each channel of each
/// sample of x [N,C,*] (rank ≥ 3) normalized over its spatial axes, then scaled and shifted
/// per channel. With use_input_stats (the default), running_mean / running_var, when given,
/// are updated in place (unrecorded) with the batch average of the per-instance means and
/// unbiased variances, as PyTorch; with use_input_stats false the running statistics are
/// used instead (batch_norm in evaluation mode) and must be given. Composed of nabla ops.
/// Throws std::invalid_argument for rank < 3, one spatial element with use_input_stats,
/// and parameters whose size is not C or whose dtype is not x's.
Tensor instance_norm(const Tensor& x, const Tensor& running_mean = {},
                     const Tensor& running_var = {}, const Tensor& weight = {},
                     const Tensor& bias = {}, bool use_input_stats = true, double momentum = 0.1,
                     double eps = 1e-5, CallSite where = std::source_location::current());

/// Local response normalization across channels, as
/// torch.nn.functional.local_response_norm: y = x / (k + α/size · Σ x²)^β, the sum over
/// the `size` channels c − ⌊size/2⌋ … c + ⌊(size−1)/2⌋ (zeros beyond the ends). x is
/// [N,C,*] of rank ≥ 3. Composed of nabla ops. Throws std::invalid_argument for rank < 3 or
/// size < 1.
Tensor local_response_norm(const Tensor& x, std::int64_t size, double alpha = 1e-4,
                           double beta = 0.75, double k = 1.0,
                           CallSite where = std::source_location::current());

// ---- dropout -----------------------------------------------------------------------
// Each draws its mask from `generator` (the default generator when null), one uniform
// value per mask element in row-major order, as nn::Dropout does; a fixed seed gives a
// fixed mask. Not called in training (training false) or with p = 0, each returns x
// itself. Throws std::invalid_argument for p outside [0, 1] (naming p) and a non-floating x.

/// Dropout, as torch.nn.functional.dropout: each element zeroed with probability p, the
/// others scaled by 1/(1 − p); p = 1 gives zeros. Recorded as one op that saves its mask:
/// grad_x = grad ⊙ mask.
Tensor dropout(const Tensor& x, double p = 0.5, bool training = true,
               Generator* generator = nullptr, CallSite where = std::source_location::current());

/// Channel dropout, as torch.nn.functional.dropout2d: whole channels of x [N,C,H,W] (or
/// [C,H,W], one sample without a batch axis) zeroed with probability p, the rest scaled by
/// 1/(1 − p). PyTorch 1.13 reads a 3-d input as [N,C,L] with a deprecation warning (and
/// later releases as [C,H,W]); nabla takes the [C,H,W] reading, and throws for any rank
/// but 3 and 4 (PyTorch warns). grad_x = grad ⊙ mask.
Tensor dropout2d(const Tensor& x, double p = 0.5, bool training = true,
                 Generator* generator = nullptr, CallSite where = std::source_location::current());

/// Alpha dropout, as torch.nn.functional.alpha_dropout: keeps a SELU activation's mean and
/// variance. Each element is kept with probability 1 − p as a·x + a·α'·p, or set to
/// a·α'·(p − 1), with α' = 1.7580993408473766 and a = ((α'²p + 1)(1 − p))^(−½) (PyTorch's
/// constants); p = 1 gives zeros. grad_x = grad ⊙ a·keep.
Tensor alpha_dropout(const Tensor& x, double p = 0.5, bool training = false,
                     Generator* generator = nullptr,
                     CallSite where = std::source_location::current());

// ---- linear layers -----------------------------------------------------------------

/// The affine map of torch.nn.functional.linear: x·weightᵀ + bias, x [*, in], weight
/// [out, in], bias [out] (or undefined) → [*, out]; a 1-d x [in] gives [out]. One gemm
/// through matmul (weightᵀ by the transpose flag); composed of nabla ops, differentiable
/// to any order. Throws std::invalid_argument naming both shapes when in differs, and for
/// a bias of another size or a dtype that differs from x's.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = {},
              CallSite where = std::source_location::current());

/// The bilinear map of torch.nn.functional.bilinear: y[..., k] = x1ᵀ·weight[k]·x2 + bias[k],
/// x1 [*, in1], x2 [*, in2] with the same leading axes, weight [out, in1, in2], bias [out]
/// (or undefined) → [*, out]. One gemm and a reduction, composed of nabla ops. Throws
/// std::invalid_argument naming the shapes when they do not fit, and for mixed dtypes.
Tensor bilinear(const Tensor& x1, const Tensor& x2, const Tensor& weight, const Tensor& bias = {},
                CallSite where = std::source_location::current());

// ---- embeddings --------------------------------------------------------------------

/// Rows of `weight` [V, D] picked by `indices` (int64 or int32, any shape, each in
/// [0, V)), as torch.nn.functional.embedding: result [*indices.shape, D]. padding_idx (in
/// [−V, V), negative counting from the end): that row gets no gradient. max_norm: before
/// the lookup, every referenced row whose norm_type-norm exceeds max_norm is scaled in
/// place (not recorded) by max_norm/(norm + 1e-7), as PyTorch. Backward: grad_weight =
/// index_add of the gradient rows at the indices (composed of nabla ops, any order).
/// Throws std::invalid_argument for indices of another dtype, a weight that is not 2-d or
/// not floating, and a non-positive max_norm or norm_type; std::out_of_range naming the
/// index, its position and the bound for an index outside [0, V), and for padding_idx
/// outside [−V, V).
Tensor embedding(const Tensor& indices, const Tensor& weight,
                 std::optional<std::int64_t> padding_idx = std::nullopt,
                 std::optional<double> max_norm = std::nullopt, double norm_type = 2.0,
                 CallSite where = std::source_location::current());

/// How embedding_bag reduces each bag.
enum class EmbeddingBagMode { sum, mean, max };

/// Sums, means or maxima of bags of embedding rows, as torch.nn.functional.embedding_bag
/// (PyTorch's argument order: indices, weight, offsets, …; max_norm, scale_grad_by_freq,
/// sparse and include_last_offset are not offered). 1-d indices [n] with 1-d `offsets`
/// [B] (int64 or int32, offsets[0] = 0, non-decreasing, ≤ n): bag b is
/// indices[offsets[b] : offsets[b+1]]; 2-d indices [B, L] without offsets: each row is a
/// bag. Result [B, D]. per_sample_weights (indices' shape and weight's dtype; mode sum
/// only) scales each row before the sum. Entries equal to padding_idx are left out (a
/// mean divides by the count of the others); an empty bag gives zeros. Composed of nabla
/// ops (index_select, index_add, amax): mode max sends the gradient to the maximum.
/// Throws as embedding, and std::invalid_argument for offsets with 2-d indices, missing
/// or bad offsets (naming them), and misplaced per_sample_weights.
Tensor embedding_bag(const Tensor& indices, const Tensor& weight, const Tensor& offsets = {},
                     EmbeddingBagMode mode = EmbeddingBagMode::mean,
                     const Tensor& per_sample_weights = {},
                     std::optional<std::int64_t> padding_idx = std::nullopt,
                     CallSite where = std::source_location::current());

}  // namespace nabla
