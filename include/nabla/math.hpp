#pragma once
/// \file math.hpp
/// Elementwise math: trigonometric and hyperbolic functions, logarithms and exponentials
/// in other bases, the error function, powers, rounding, and the binary and ternary
/// elementwise ops of PyTorch (maximum, pow with a tensor exponent, atan2, hypot, lerp,
/// addcmul, addcdiv). Included by ops.hpp.
///
/// Each takes float32 or float64 tensors only (an integer or bool tensor throws
/// std::invalid_argument naming the op and the dtype), except sign, floor, ceil, round and
/// trunc, which also take integer tensors as PyTorch does. Binary and ternary ops broadcast
/// like NumPy and need one floating dtype throughout (float32 with float64 throws).
/// Values outside a function's domain give NaN and poles give ±inf, as in IEEE arithmetic
/// and PyTorch; the gradients there are what PyTorch's formulas give.

#include "nabla/autograd.hpp"
#include "nabla/tensor.hpp"

namespace nabla {

// ---- trigonometric and hyperbolic --------------------------------------------------

/// sin x. Backward: grad ⊙ cos x.
Tensor sin(const Tensor& x, CallSite where = std::source_location::current());
/// cos x. Backward: −grad ⊙ sin x.
Tensor cos(const Tensor& x, CallSite where = std::source_location::current());
/// tan x. Backward: grad ⊙ (1 + result²) (saves the result).
Tensor tan(const Tensor& x, CallSite where = std::source_location::current());
/// arcsin x, in [−π/2, π/2]; NaN outside [−1, 1]. Backward: grad / √(1 − x²) (±inf at ±1).
Tensor asin(const Tensor& x, CallSite where = std::source_location::current());
/// arccos x, in [0, π]; NaN outside [−1, 1]. Backward: −grad / √(1 − x²).
Tensor acos(const Tensor& x, CallSite where = std::source_location::current());
/// arctan x, in (−π/2, π/2). Backward: grad / (1 + x²).
Tensor atan(const Tensor& x, CallSite where = std::source_location::current());
/// sinh x. Backward: grad ⊙ cosh x.
Tensor sinh(const Tensor& x, CallSite where = std::source_location::current());
/// cosh x. Backward: grad ⊙ sinh x.
Tensor cosh(const Tensor& x, CallSite where = std::source_location::current());

// ---- logarithms and exponentials ---------------------------------------------------

/// log(1 + x), accurate for small x; −inf at −1, NaN below. Backward: grad / (1 + x).
Tensor log1p(const Tensor& x, CallSite where = std::source_location::current());
/// eˣ − 1, accurate for small x. Backward: grad ⊙ (result + 1) (saves the result).
Tensor expm1(const Tensor& x, CallSite where = std::source_location::current());
/// log₂ x; −inf at 0, NaN below. Backward: grad / (x·ln 2).
Tensor log2(const Tensor& x, CallSite where = std::source_location::current());
/// log₁₀ x; −inf at 0, NaN below. Backward: grad / (x·ln 10).
Tensor log10(const Tensor& x, CallSite where = std::source_location::current());
/// 2ˣ. Backward: grad ⊙ result·ln 2 (saves the result).
Tensor exp2(const Tensor& x, CallSite where = std::source_location::current());

// ---- error function ----------------------------------------------------------------

/// erf x = (2/√π) ∫₀ˣ e^(−t²) dt. Backward: grad ⊙ (2/√π)·e^(−x²).
Tensor erf(const Tensor& x, CallSite where = std::source_location::current());
/// erfc x = 1 − erf x, accurate for large x. Backward: −grad ⊙ (2/√π)·e^(−x²).
Tensor erfc(const Tensor& x, CallSite where = std::source_location::current());

// ---- powers ------------------------------------------------------------------------

/// x². Backward: grad ⊙ 2x.
Tensor square(const Tensor& x, CallSite where = std::source_location::current());
/// 1/x (±inf at ±0). Backward: −grad ⊙ result² (saves the result).
Tensor reciprocal(const Tensor& x, CallSite where = std::source_location::current());
/// 1/√x (inf at 0, NaN below). Backward: −½·grad ⊙ result³ (saves the result).
Tensor rsqrt(const Tensor& x, CallSite where = std::source_location::current());
/// x^y elementwise with a tensor exponent, broadcasting. Backward: grad_x = grad ⊙ y·x^(y−1)
/// (0 where y = 0), grad_y = grad ⊙ result·log x (0 where x = 0 and y ≥ 0, as PyTorch;
/// NaN for x < 0).
Tensor pow(const Tensor& x, const Tensor& y, CallSite where = std::source_location::current());

// ---- sign and rounding -------------------------------------------------------------
// Piecewise constant: their gradient is zero everywhere (as PyTorch's, including at the
// steps), except frac's, which is grad (frac = x − trunc x). sign, floor, ceil, round and
// trunc also take integer tensors and keep their dtype (floor, ceil, round and trunc
// return a copy of an integer x); bool is taken by sign only.

/// −1, 0 or +1 by the sign of x, in x's dtype (sign(±0) = 0; sign(NaN) = 0 as PyTorch's
/// CPU kernel; a bool x is returned as a copy). Backward: zero.
Tensor sign(const Tensor& x, CallSite where = std::source_location::current());
/// ⌊x⌋. Backward: zero. Throws std::invalid_argument for a bool x.
Tensor floor(const Tensor& x, CallSite where = std::source_location::current());
/// ⌈x⌉. Backward: zero. Throws std::invalid_argument for a bool x.
Tensor ceil(const Tensor& x, CallSite where = std::source_location::current());
/// x rounded to the nearest integer, halves to even (round(2.5) = 2, round(−0.5) = −0),
/// as PyTorch. Backward: zero. Throws std::invalid_argument for a bool x.
Tensor round(const Tensor& x, CallSite where = std::source_location::current());
/// x rounded toward zero. Backward: zero. Throws std::invalid_argument for a bool x.
Tensor trunc(const Tensor& x, CallSite where = std::source_location::current());
/// x − trunc x, with x's sign (frac(−2.7) = −0.7; NaN for ±inf). Floating only.
/// Backward: grad.
Tensor frac(const Tensor& x, CallSite where = std::source_location::current());

// ---- binary, broadcasting ----------------------------------------------------------

/// The larger of a and b elementwise; NaN if either is NaN. Backward (PyTorch's split):
/// grad to the larger, half to each on a tie; where one is NaN both get grad.
Tensor maximum(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());
/// The smaller of a and b elementwise; NaN if either is NaN. Backward as maximum's.
Tensor minimum(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());
/// The angle of the point (x, y), atan(y/x) in the right quadrant, in [−π, π]. Backward:
/// grad_y = grad ⊙ x / (x² + y²), grad_x = −grad ⊙ y / (x² + y²) (NaN at the origin).
Tensor atan2(const Tensor& y, const Tensor& x, CallSite where = std::source_location::current());
/// √(a² + b²) without overflow. Backward: grad_a = grad ⊙ a / result, grad_b = grad ⊙ b /
/// result (saves the result).
Tensor hypot(const Tensor& a, const Tensor& b, CallSite where = std::source_location::current());

// ---- ternary, broadcasting ---------------------------------------------------------

/// start + weight·(end − start), computed as PyTorch (from `end` when |weight| ≥ ½, so
/// weight 1 gives end exactly). Backward: grad_start = grad ⊙ (1 − weight),
/// grad_end = grad ⊙ weight, grad_weight = grad ⊙ (end − start).
Tensor lerp(const Tensor& start, const Tensor& end, const Tensor& weight,
            CallSite where = std::source_location::current());
/// lerp with a number for the weight.
Tensor lerp(const Tensor& start, const Tensor& end, double weight,
            CallSite where = std::source_location::current());
/// input + value·t1 ⊙ t2. Backward: grad_input = grad, grad_t1 = value·grad ⊙ t2,
/// grad_t2 = value·grad ⊙ t1.
Tensor addcmul(const Tensor& input, const Tensor& t1, const Tensor& t2, double value = 1.0,
               CallSite where = std::source_location::current());
/// input + value·t1 / t2. Backward: grad_input = grad, grad_t1 = value·grad / t2,
/// grad_t2 = −value·grad ⊙ t1 / t2².
Tensor addcdiv(const Tensor& input, const Tensor& t1, const Tensor& t2, double value = 1.0,
               CallSite where = std::source_location::current());

}  // namespace nabla
