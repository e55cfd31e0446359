#pragma once
/// \file losses.hpp
/// Losses and similarity functions after torch.nn.functional, float32 and float64. Each
/// takes a `Reduction` (mean by default, as PyTorch): mean of the per-element losses, their
/// sum (both 0-d), or none (the per-element losses). Inputs and targets must agree in shape
/// (no broadcasting unless an entry says so) and dtype, else std::invalid_argument naming
/// the op and both shapes or dtypes; an integer or bool tensor where a floating one is
/// expected throws naming the op and the dtype. Gradients reach every floating input that
/// PyTorch's do (targets too where PyTorch's do); most are compositions of nabla's own
/// ops, so second derivatives work. Included from ops.hpp.

#include <cstdint>

#include "nabla/ops.hpp"

namespace nabla {

/// −w[t]·input[n, t, …] per target position (0 where t = ignore_index), reduced: mean
/// divides by Σ w[t] over the targets that are not ignored (NaN when all are), as
/// PyTorch. `log_probs` [N,C], [C] (unbatched, target 0-d) or [N,C,d1,…] with `target`
/// [N], [] or [N,d1,…] holding int64 or int32 class indices in [0, C) or ignore_index;
/// `weight` (optional) [C] of log_probs' dtype. none gives target's shape. Backward
/// (log_probs only; weight gets none, as PyTorch): −w[t]/k at the target, 0 elsewhere
/// (k = Σ w for mean, else 1). Throws for a floating target (naming its dtype), a class
/// index out of range (naming it, its position and C), a weight of the wrong length, and
/// shapes that do not fit (naming both).
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, const Tensor& weight = {},
                std::int64_t ignore_index = -100, Reduction reduction = Reduction::mean,
                CallSite where = std::source_location::current());

/// Options of cross_entropy beyond the reduction: class weights [C], the ignored class
/// index, and label smoothing ε ∈ [0, 1].
struct CrossEntropyOptions {
  Tensor weight;
  std::int64_t ignore_index = -100;
  double label_smoothing = 0.0;
  Reduction reduction = Reduction::mean;
};

/// PyTorch's cross_entropy with options. Class-index targets (int64/int32, or whole
/// numbers in a floating [N] tensor): (1 − ε)·nll_loss(log_softmax(logits, 1), target,
/// weight, ignore_index) + (ε/C)·s, where s per position is −Σ_c w[c]·log_softmax[n, c]
/// (0 where ignored), and its mean divides by the same Σ w[t] as nll_loss. Probability
/// targets (floating, logits' shape): −Σ_c w[c]·t'[n, c]·log_softmax[n, c] with
/// t' = (1 − ε)·t + ε/C, mean over the N·d1·… positions; the target gets a gradient.
/// logits [N,C], [C] or [N,C,d1,…]. Throws as nll_loss, for ε outside [0, 1], and for
/// ignore_index ≥ 0 with probability targets (as PyTorch).
Tensor cross_entropy(const Tensor& logits, const Tensor& target, const CrossEntropyOptions& options,
                     CallSite where = std::source_location::current());

/// −w·(t·max(log p, −100) + (1 − t)·max(log(1 − p), −100)) per element (PyTorch clamps
/// the logs at −100), reduced. `probs` in [0, 1] (else std::invalid_argument); `target`
/// probs' shape; `weight` (optional) broadcasts to probs' shape. Backward: grad_p =
/// w·(p − t)/(p(1 − p)), grad_t = w·(log(1 − p) − log p), grad_w the unweighted loss;
/// where a log is clamped (p = 0 or 1 exactly) its term gets gradient 0, where PyTorch
/// divides by max(p(1 − p), 1e-12).
Tensor binary_cross_entropy(const Tensor& probs, const Tensor& target, const Tensor& weight = {},
                            Reduction reduction = Reduction::mean,
                            CallSite where = std::source_location::current());

/// binary_cross_entropy_with_logits with element weights and a positive-class weight:
/// w·((1 − t)·x + (1 + (pos_weight − 1)·t)·softplus(−x)) per element, softplus(−x) =
/// max(−x, 0) + log(1 + e^(−|x|)). `weight` broadcasts to the logits' shape, `pos_weight`
/// [C] along the last axis (broadcasts likewise); either may be undefined. Gradients
/// reach logits, targets, weight and pos_weight.
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets,
                                        const Tensor& weight, Reduction reduction = Reduction::mean,
                                        const Tensor& pos_weight = {},
                                        CallSite where = std::source_location::current());

/// |input − target|, reduced. Backward: grad·sign(d) (0 at d = 0), −that for target.
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean,
               CallSite where = std::source_location::current());

/// ½d²/β where |d| < β, else |d| − ½β (d = input − target), reduced; β = 0 is l1_loss.
/// Throws for β < 0 (naming it).
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target,
                      Reduction reduction = Reduction::mean, double beta = 1.0,
                      CallSite where = std::source_location::current());

/// ½d² where |d| < δ, else δ·(|d| − ½δ), reduced. Throws for δ ≤ 0 (naming it).
Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean,
                  double delta = 1.0, CallSite where = std::source_location::current());

/// kl_div's reductions: PyTorch's 'batchmean' (the sum over the size of the first axis;
/// the sum for a 0-d input) besides Reduction's three.
enum class KlDivReduction { mean, batchmean, sum, none };

/// t·(log t − input) per element (0 where t = 0, as xlogy), or with `log_target`
/// eᵗ·(t − input); `input` holds log-probabilities. Reduced. Backward: grad_input = −t
/// (−eᵗ), grad_t = log t + 1 − input (eᵗ·(t + 1 − input)); at t = 0 the target gets −input.
Tensor kl_div(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean,
              bool log_target = false, CallSite where = std::source_location::current());
Tensor kl_div(const Tensor& input, const Tensor& target, KlDivReduction reduction,
              bool log_target = false, CallSite where = std::source_location::current());

/// Σ x1·x2 / (max(‖x1‖, ε)·max(‖x2‖, ε)) along `dim`, after broadcasting x1 and x2
/// (PyTorch 1.13's formula: each norm clamped). Result: the broadcast shape without
/// `dim`. Where a norm is clamped, its gradient passes through the clamp unchanged (as
/// PyTorch 1.13's in-place clamp). Throws std::out_of_range for a bad dim.
Tensor cosine_similarity(const Tensor& x1, const Tensor& x2, std::int64_t dim = 1,
                         double eps = 1e-8, CallSite where = std::source_location::current());

/// ‖x1 − x2 + ε‖_p along the last axis (the last axis of the broadcast shape), kept as 1
/// with `keepdim`. p > 0, ∞ (the largest |·|), or 0 (the count of nonzeros, without
/// gradient); p < 0 throws naming it.
Tensor pairwise_distance(const Tensor& x1, const Tensor& x2, double p = 2.0, double eps = 1e-6,
                         bool keepdim = false, CallSite where = std::source_location::current());

/// 1 − cos(x1, x2) where y = 1, max(0, cos(x1, x2) − margin) where y = −1 (0 for other
/// y), cos along the last axis with ‖·‖² + 1e-12 as PyTorch. x1, x2 [N,D] with y [N], or
/// [D] with y 0-d. y gets no gradient.
Tensor cosine_embedding_loss(const Tensor& x1, const Tensor& x2, const Tensor& y,
                             double margin = 0.0, Reduction reduction = Reduction::mean,
                             CallSite where = std::source_location::current());

/// max(0, −y·(x1 − x2) + margin) per element, reduced; x1, x2 and y of one shape. y gets
/// a gradient too (as PyTorch's).
Tensor margin_ranking_loss(const Tensor& x1, const Tensor& x2, const Tensor& y,
                           double margin = 0.0, Reduction reduction = Reduction::mean,
                           CallSite where = std::source_location::current());

/// x where y = 1, max(0, margin − x) where y = −1 (sums of both for other y, as PyTorch),
/// reduced. y gets no gradient.
Tensor hinge_embedding_loss(const Tensor& x, const Tensor& y, double margin = 1.0,
                            Reduction reduction = Reduction::mean,
                            CallSite where = std::source_location::current());

/// With log_input: eˣ − t·x; without: x − t·log(x + eps); with `full`, plus Stirling's
/// t·log t − t + ½·log(2πt) where t > 1. Reduced. Gradients reach input and target.
Tensor poisson_nll_loss(const Tensor& input, const Tensor& target, bool log_input = true,
                        bool full = false, double eps = 1e-8, Reduction reduction = Reduction::mean,
                        CallSite where = std::source_location::current());

/// ½·(log v + (input − target)²/v) with v = max(var, eps), plus ½·log 2π with `full`,
/// reduced. `var` has input's shape, or input's without the last axis, or input's with
/// last axis 1 (broadcast). Throws for a negative var entry and for a var shape that does
/// not fit (naming both). Where var is clamped, its gradient (taken at v) passes through
/// the clamp unchanged (as PyTorch 1.13's in-place clamp).
Tensor gaussian_nll_loss(const Tensor& input, const Tensor& target, const Tensor& var,
                         bool full = false, double eps = 1e-6, Reduction reduction = Reduction::mean,
                         CallSite where = std::source_location::current());

/// max(0, d(a, p) − d(a, n) + margin) with d = pairwise_distance(·, ·, p, eps); with
/// `swap`, d(a, n) is replaced by min(d(a, n), d(p, n)). anchor, positive and negative of
/// one shape, [N,D] or [D]. Reduced.
Tensor triplet_margin_loss(const Tensor& anchor, const Tensor& positive, const Tensor& negative,
                           double margin = 1.0, double p = 2.0, double eps = 1e-6,
                           bool swap = false, Reduction reduction = Reduction::mean,
                           CallSite where = std::source_location::current());

}  // namespace nabla
