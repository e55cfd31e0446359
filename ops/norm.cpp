// norm: the vector p-norm of all elements or over given dims (torch.norm).
//   forward : (Σ|x|^p)^(1/p) for p > 0 (p = 2 and "fro": √Σx²), max |x| for p = inf,
//             min |x| for p = −inf, the count of nonzeros for p = 0; accumulated in double;
//             an empty reduction gives 0 (as PyTorch)
//   backward: PyTorch's norm_backward, n = the result with the dims kept as 1:
//             p = 1: grad_out ⊙ sign(x); p = 2: grad_out ⊙ x / n (0 where n = 0);
//             p = ±inf: sign(x) ⊙ grad_out ⊙ mask / Σ mask, mask = (|x| = n) or NaN, split
//             among ties; p < 1: sign(x)|x|^(p−1) (0 at x = 0) ⊙ grad_out ⊙ n^(1−p);
//             1 < p < 2: sign(x)|x|^(p−1) ⊙ grad_out / n^(p−1) (0 where n = 0); p > 2:
//             x|x|^(p−2) ⊙ grad_out / n^(p−1) (0 where n = 0); p = 0: none. Divisions
//             read 1 where n = 0, so second derivatives there are not NaN
//   saves   : x and the result
//   shapes  : x → the reduced shape (dims kept as 1 with keepdim); every dim when none are
//             given; "fro" takes at most 2 dims. p < 0 finite, NaN, or a name other than
//             "fro" → std::invalid_argument
//   dtypes  : float32, float64 only (integer and bool → std::invalid_argument, as PyTorch)

#include <limits>

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct NormNode final : Node {
  NormNode(double p, std::vector<std::int64_t> axes, Shape kept)
      : Node("norm"), p_(p), axes_(std::move(axes)), kept_(std::move(kept)) {}
  double p_;
  std::vector<std::int64_t> axes_;
  Shape kept_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    const Tensor x = saved(0);
    const Tensor g = reshape(grad_out, kept_);
    const Tensor n = reshape(saved(1), kept_);
    const double p = p_;
    if (p == 0.0) return {Tensor()};  // a count: piecewise constant
    if (p == 1.0) return {mul(g, sign(x))};
    const Tensor zero = eq(n, 0.0);
    const Tensor safe = where(zero, 1.0, n);  // n, or 1 where it is 0
    if (p == 2.0) return {masked_fill(mul(g, div(x, safe)), zero, 0.0)};
    if (std::isinf(p)) {
      Tensor w;  // sign(x) ⊙ mask / Σ mask: piecewise constant, so without history
      {
        NoGradGuard constants;
        const Tensor ax = abs(x.detach());
        const Tensor mask = cast(logical_or(eq(ax, n.detach()), ne(ax, ax)), x.dtype());
        w = mul(sign(x.detach()), div(mask, sum(mask, axes_, true)));
      }
      return {mul(g, w)};
    }
    const Tensor ax = abs(x);
    if (p < 1.0) {
      const Tensor scaled = masked_fill(mul(sign(x), pow(ax, p - 1.0)), eq(x, 0.0), 0.0);
      return {mul(mul(scaled, g), pow(n, 1.0 - p))};
    }
    const Tensor scaled = p < 2.0 ? mul(sign(x), pow(ax, p - 1.0)) : mul(x, pow(ax, p - 2.0));
    const Tensor scale = masked_fill(div(g, pow(safe, p - 1.0)), zero, 0.0);
    return {mul(scaled, scale)};
  }
};

Tensor norm_kernel(const Tensor& x, double p, const std::vector<std::size_t>& axes,
                   bool keepdim) {
  check_floating("norm", x);
  const auto lines = reduction_lines(x, axes);
  Tensor result = make_tensor(reduced_shape(x.shape(), axes, keepdim), x.dtype(), "norm");
  dispatch_floating("norm", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* in = data_ptr<T>(lines.values);
    T* o = data_ptr<T>(result);
    for (std::int64_t r = 0; r < lines.lines; ++r) {
      const T* line = in + r * lines.n;
      double acc = 0.0;
      if (lines.n == 0) {
        acc = 0.0;
      } else if (std::isinf(p)) {
        acc = std::abs(static_cast<double>(line[0]));
        for (std::int64_t k = 1; k < lines.n && !std::isnan(acc); ++k) {
          const double v = std::abs(static_cast<double>(line[k]));
          if (std::isnan(v) || (p > 0 ? v > acc : v < acc)) acc = v;
        }
      } else {
        for (std::int64_t k = 0; k < lines.n; ++k) {
          const double v = std::abs(static_cast<double>(line[k]));
          if (p == 0.0) {
            acc += v != 0.0 ? 1.0 : 0.0;  // NaN counts: it is nonzero
          } else if (p == 1.0) {
            acc += v;
          } else if (p == 2.0) {
            acc += v * v;
          } else {
            acc += std::pow(v, p);
          }
        }
        if (p == 2.0) {
          acc = std::sqrt(acc);
        } else if (p != 0.0 && p != 1.0) {
          acc = std::pow(acc, 1.0 / p);
        }
      }
      o[r] = static_cast<T>(acc);
    }
  });
  return result;
}

Tensor norm_of(const Tensor& x, double p, const std::vector<std::int64_t>& dims, bool keepdim) {
  check_defined("norm", x);
  if (std::isnan(p) || (p < 0.0 && !std::isinf(p))) {
    throw std::invalid_argument(fmt::format(
        "nabla::norm: p = {} is not supported (p must be ≥ 0, inf, -inf or \"fro\")", p));
  }
  const auto axes = reduction_axes("norm", x, dims);
  Tensor result = norm_kernel(x, p, axes, keepdim);
  if (auto node = record<NormNode>(result, {x}, p, signed_axes(axes),
                                   reduced_shape(x.shape(), axes, true))) {
    node->save(x);
    node->save_result(result);
  }
  return result;
}
}  // namespace
}  // namespace detail

Tensor norm(const Tensor& x, double p, const std::vector<std::int64_t>& dims, bool keepdim,
            CallSite where) {
  detail::CallSiteScope site(where);
  return detail::norm_of(x, p, dims, keepdim);
}

Tensor norm(const Tensor& x, std::string_view p, const std::vector<std::int64_t>& dims,
            bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  if (p != "fro") {
    throw std::invalid_argument(fmt::format(
        "nabla::norm: p = \"{}\" is not supported (\"fro\" or a number; the nuclear norm "
        "\"nuc\" is not implemented)",
        p));
  }
  if (dims.size() > 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::norm: the Frobenius norm takes at most 2 dims, got [{}]", fmt::join(dims, ", ")));
  }
  return detail::norm_of(x, 2.0, dims, keepdim);
}

namespace detail {
void register_norm(OpRegistry& r) {
  const auto normal = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                 {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
  };
  // |x| has its kink at 0: p = 1 and p < 1 take values with |x| ≥ 0.2
  const auto away = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{
        {"matrix [3,4]", {sample_tensor({3, 4}, g, d, Domain::away_from_zero)}},
        {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d, Domain::away_from_zero)}}};
  };
  const auto bad = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{{"vector [4] has no dim 1", {sample_tensor({4}, g, d)}}};
  };
  const auto entry = [&](const char* name, const char* formula, double p,
                         std::vector<std::int64_t> dims, bool keepdim, auto samples) {
    r.add({.name = name,
           .formula = formula,
           .arity = 1,
           .fn = [p, dims, keepdim](const std::vector<Tensor>& in) {
             return norm(in[0], p, dims, keepdim);
           },
           .samples = samples,
           .bad_samples = bad});
  };
  // normal samples: the 2-norm is smooth away from the zero vector (probability 0)
  entry("norm", "2-norm over dim 1", 2.0, {1}, false, normal);
  entry("norm_p1", "1-norm over dims (0, 1), keepdim", 1.0, {0, 1}, true, away);
  // ±inf: ties among |x| (the kinks) have probability 0
  entry("norm_inf", "inf-norm over dim 1", INFINITY, {1}, false, normal);
  entry("norm_neginf", "-inf-norm over dim 1, keepdim", -INFINITY, {1}, true, normal);
  entry("norm_p3", "3-norm over dim 1", 3.0, {1}, false, normal);
  entry("norm_p1_5", "1.5-norm over dim 1", 1.5, {1}, false, away);
  entry("norm_p0_5", "0.5-norm over dim 1", 0.5, {1}, false, away);
  r.add({.name = "norm_fro",
         .formula = "Frobenius norm of every element",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return norm(in[0]); },
         .samples = normal});
}
}  // namespace detail
}  // namespace nabla
