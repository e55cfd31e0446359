// dropout: each element zeroed with probability p, the others scaled by 1/(1 − p).
//   forward : result = x ⊙ m, m = 0 with probability p, else 1/(1 − p) (inverted dropout),
//             one uniform draw per element of x in row-major order from the generator
//             (as nn::Dropout); p = 1 gives zeros; p = 0 or training false returns x
//   backward: grad_x = grad_out ⊙ m
//   saves   : the mask m (not x)
//   shapes  : any; result has x's shape
//   dtypes  : float32, float64

#include "nabla/normalization.hpp"
#include "ops/op_common.hpp"

namespace nabla {
namespace detail {
namespace {
// result = x ⊙ m (+ c): the rule of every dropout, m a constant mask (broadcast to x).
struct MaskNode final : Node {
  explicit MaskNode(const char* name) : Node(name) {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {mul(grad_out, saved(0))};
  }
};
}  // namespace

void check_dropout_p(const char* op, double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument(
        fmt::format("nabla::{}: dropout probability has to be between 0 and 1, but got {}", op, p));
  }
}

// A mask of `shape` in x's dtype: `dropped` with probability p, else `kept` (one draw per
// element, row-major).
Tensor draw_mask(const Shape& shape, Dtype dtype, double p, double kept, double dropped,
                 Generator* generator) {
  Generator& gen = generator != nullptr ? *generator : default_generator();
  Tensor mask = make_tensor(shape, dtype, "dropout");
  dispatch_floating("dropout", dtype, [&](auto tag) {
    using T = decltype(tag);
    T* m = data_ptr<T>(mask);
    const std::int64_t n = mask.numel();
    gen.locked([&](Generator::Unlocked& g) {
      for (std::int64_t i = 0; i < n; ++i)
        m[i] = g.uniform() < p ? static_cast<T>(dropped) : static_cast<T>(kept);
    });
  });
  return mask;
}

// x ⊙ mask (+ shift), recorded as op `name` (a literal) with the mask saved.
Tensor apply_mask(const char* name, const Tensor& x, const Tensor& mask, const Tensor& shift) {
  Tensor result;
  {
    NoGradGuard no_grad;
    result = shift.defined() ? add(mul(x, mask), shift) : mul(x, mask);
  }
  if (auto node = record<MaskNode>(result, {x}, name)) node->save(mask);
  return result;
}
}  // namespace detail

Tensor dropout(const Tensor& x, double p, bool training, Generator* generator, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("dropout", x, "x");
  detail::check_floating("dropout", x, "x");
  detail::check_dropout_p("dropout", p);
  if (!training || p == 0.0) return x;
  const double keep = p == 1.0 ? 0.0 : 1.0 / (1.0 - p);
  return detail::apply_mask("dropout", x,
                            detail::draw_mask(x.shape(), x.dtype(), p, keep, 0.0, generator), {});
}

namespace detail {
// Samples for the dropouts: the fn draws from a generator seeded afresh on each call, so
// the mask is the same for every evaluation gradcheck makes.
std::vector<OpSample> dropout_samples(Generator& g, Dtype d) {
  return {{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
          {"[N,C,H,W] [2,3,2,2]", {sample_tensor({2, 3, 2, 2}, g, d)}}};
}

void register_dropout(OpRegistry& r) {
  r.add({.name = "dropout",
         .formula = "x * mask / (1 - p), p = 0.4, a fixed generator",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               Generator gen(1234);
               return dropout(in[0], 0.4, true, &gen);
             },
         .samples = dropout_samples,
         .bad_samples =
             [](Generator& g, Dtype) {
               return std::vector<OpSample>{{"int64 x", {sample_tensor({3}, g, i64)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
