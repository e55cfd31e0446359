#pragma once
/// \file activations.hpp
/// Activation functions with PyTorch's names, defaults and formulas (torch.nn.functional),
/// each differentiable to any order. They take float32 or float64 tensors and throw
/// std::invalid_argument naming the op and the dtype for an integer or bool tensor. The
/// result has x's shape and dtype. Where a function has a kink, the gradient at the
/// kink is PyTorch's choice, given in its entry. Included by ops.hpp.

#include <cstdint>
#include <string_view>

#include "nabla/autograd.hpp"
#include "nabla/tensor.hpp"

namespace nabla {

/// Gaussian error linear unit. approximate "none": x·Φ(x) = ½x(1 + erf(x/√2));
/// "tanh": ½x(1 + tanh(√(2/π)(x + 0.044715x³))). Backward: gelu_backward(grad, x,
/// approximate). Throws std::invalid_argument naming the string for any other
/// `approximate`.
Tensor gelu(const Tensor& x, std::string_view approximate = "none",
            CallSite where = std::source_location::current());
/// gelu's rule as one pass: grad ⊙ gelu'(x) (none: Φ(x) + x·φ(x)). Differentiable itself:
/// ∂/∂grad = gelu'(x), ∂/∂x = grad ⊙ gelu''(x). Same throws as gelu.
Tensor gelu_backward(const Tensor& grad, const Tensor& x, std::string_view approximate = "none",
                     CallSite where = std::source_location::current());
/// x·σ(x) (swish). Backward: grad ⊙ σ(x)(1 + x(1 − σ(x))).
Tensor silu(const Tensor& x, CallSite where = std::source_location::current());
/// x·tanh(softplus(x)). Backward: grad ⊙ (t + x·σ(x)(1 − t²)), t = tanh(softplus(x)).
Tensor mish(const Tensor& x, CallSite where = std::source_location::current());
/// log(1 + e^(βx))/β, and x itself where βx > threshold (as PyTorch, for stability).
/// Backward: grad ⊙ σ(βx), grad where βx > threshold.
Tensor softplus(const Tensor& x, double beta = 1.0, double threshold = 20.0,
                CallSite where = std::source_location::current());
/// x where x > 0, else negative_slope·x. Backward: grad where x > 0, else
/// negative_slope·grad (negative_slope at x = 0, as PyTorch).
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01,
                  CallSite where = std::source_location::current());
/// x where x > 0, else α(eˣ − 1). Backward: grad where x > 0, else grad·α·eˣ (α at 0).
Tensor elu(const Tensor& x, double alpha = 1.0, CallSite where = std::source_location::current());
/// scale·elu(x, α) with PyTorch's constants α = 1.6732632423543772848170429916717 and
/// scale = 1.0507009873554804934193349852946. Backward: grad·scale where x > 0, else
/// grad·scale·α·eˣ (scale·α at 0).
Tensor selu(const Tensor& x, CallSite where = std::source_location::current());
/// max(0, x) + min(0, α(e^(x/α) − 1)). Backward: grad where x > 0, else grad·e^(x/α) (1 at
/// 0). Throws std::invalid_argument for α = 0 (as PyTorch).
Tensor celu(const Tensor& x, double alpha = 1.0, CallSite where = std::source_location::current());
/// min(max(x, min_val), max_val) (NaN stays NaN). Backward: grad where min_val < x < max_val,
/// else 0 (0 at both bounds, as PyTorch). Throws std::invalid_argument when min_val >
/// max_val (torch 1.13 returns max_val there; nabla refuses, as clamp does).
Tensor hardtanh(const Tensor& x, double min_val = -1.0, double max_val = 1.0,
                CallSite where = std::source_location::current());
/// min(max(x, 0), 6), i.e. hardtanh(x, 0, 6). Backward: grad where 0 < x < 6, else 0.
Tensor relu6(const Tensor& x, CallSite where = std::source_location::current());
/// relu6(x + 3)/6. Backward: grad/6 where −3 < x < 3, else 0 (0 at ±3).
Tensor hardsigmoid(const Tensor& x, CallSite where = std::source_location::current());
/// x·relu6(x + 3)/6. Backward: 0 where x < −3, grad where x > 3, else grad·(x/3 + ½)
/// (so −½ at x = −3 and 3/2 at x = 3, PyTorch's choice).
Tensor hardswish(const Tensor& x, CallSite where = std::source_location::current());
/// log σ(x), computed stably as min(x, 0) − log(1 + e^(−|x|)) (−1000 at −1000, no
/// overflow). Backward: grad ⊙ σ(−x).
Tensor logsigmoid(const Tensor& x, CallSite where = std::source_location::current());
/// x/(1 + |x|) (NaN at ±inf, as PyTorch computes it). Backward: grad ⊙ (1/(1 + |x|) −
/// |x|/(1 + |x|)²), PyTorch's derivative of that expression (1 at 0).
Tensor softsign(const Tensor& x, CallSite where = std::source_location::current());
/// x where x > 0, else w·x, with a learnable slope `weight` of 1 element (shared) or of
/// x.size(1) elements (one per channel, axis 1), as PyTorch. Backward: grad_x = grad where
/// x > 0, else w·grad (w at 0); grad_weight = Σ of x·grad where x ≤ 0 over all but the
/// channel axis. Throws std::invalid_argument when weight has more than 1 dimension, when
/// its element count is neither 1 nor the channel count (naming both), and for a 0-d x
/// with a weight of more than one element.
Tensor prelu(const Tensor& x, const Tensor& weight,
             CallSite where = std::source_location::current());
/// Gated linear unit: x split in halves a, b along `dim`, a ⊙ σ(b); [.., 2n, ..] → [.., n, ..].
/// Backward: grad_a = grad ⊙ σ(b), grad_b = grad ⊙ a ⊙ σ(b)(1 − σ(b)). Throws
/// std::invalid_argument naming the size when the axis has odd size, and for a 0-d x;
/// std::out_of_range for a dim outside the rank.
Tensor glu(const Tensor& x, std::int64_t dim = -1,
           CallSite where = std::source_location::current());

}  // namespace nabla
