// pixel_shuffle: channels C·r² rearranged into an r-times larger plane (F.pixel_shuffle).
//   forward : result[.., c, h·r + i, w·r + j] = x[.., c·r² + i·r + j, h, w]: reshape to
//             [.., C, r, r, H, W], permute to [.., C, H, r, W, r], reshape (composite: the
//             rule is reshape's and permute's)
//   backward: grad_x = the inverse rearrangement of grad_out, through permute and reshape
//   saves   : nothing
//   shapes  : x [*, C·r², H, W] (rank ≥ 3) → [*, C, H·r, W·r]; r ≥ 1
//   dtypes  : any

#include "ops/pool_common.hpp"

namespace nabla {
namespace detail {
// The leading extents of x (all but the last three) followed by `tail`.
Shape lead_then(const Tensor& x, std::initializer_list<std::int64_t> tail) {
  Shape s(x.shape().begin(), x.shape().end() - 3);
  s.insert(s.end(), tail);
  return s;
}

// The permutation of a rank-(lead + 5) tensor that keeps the leading axes and then takes
// the last five in `order` (counted from the first of them).
std::vector<std::int64_t> lead_permutation(std::size_t lead, std::initializer_list<int> order) {
  std::vector<std::int64_t> p;
  for (std::size_t i = 0; i < lead; ++i) p.push_back(static_cast<std::int64_t>(i));
  for (const int o : order) p.push_back(static_cast<std::int64_t>(lead) + o);
  return p;
}

void check_shuffle(const char* op, const Tensor& x, std::int64_t r, const char* factor) {
  check_defined(op, x);
  if (x.dim() < 3) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: expects an input of rank at least 3 [*, C, H, W], got {}", op,
        shape_str(x.shape())));
  }
  if (r < 1) {
    throw std::invalid_argument(fmt::format("nabla::{}: {} must be positive, got {} (input {})",
                                            op, factor, r, shape_str(x.shape())));
  }
}
}  // namespace detail

Tensor pixel_shuffle(const Tensor& x, std::int64_t upscale_factor, CallSite where) {
  detail::CallSiteScope site(where);
  const char* op = "pixel_shuffle";
  const std::int64_t r = upscale_factor;
  detail::check_shuffle(op, x, r, "upscale_factor");
  const std::int64_t c = x.size(-3), h = x.size(-2), w = x.size(-1);
  if (c % (r * r) != 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: the channels {} of input {} are not divisible by upscale_factor² = {}", op, c,
        shape_str(x.shape()), r * r));
  }
  const std::int64_t oc = c / (r * r);
  const std::size_t lead = static_cast<std::size_t>(x.dim()) - 3;
  const Tensor split = reshape(x, detail::lead_then(x, {oc, r, r, h, w}));
  const Tensor moved = permute(split, detail::lead_permutation(lead, {0, 3, 1, 4, 2}));
  return reshape(moved, detail::lead_then(x, {oc, h * r, w * r}));
}

namespace detail {
void register_pixel_shuffle(OpRegistry& r) {
  // a rearrangement: any values
  r.add({.name = "pixel_shuffle",
         .formula = "pixel_shuffle(x, 2)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return pixel_shuffle(in[0], 2); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"batch [2,8,2,3]", {sample_tensor({2, 8, 2, 3}, g, d)}},
                   {"unbatched [4,3,2]", {sample_tensor({4, 3, 2}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"channels 6 not divisible by 4 [1,6,2,2]", {sample_tensor({1, 6, 2, 2}, g, d)}},
                   {"2-d [4,4]", {sample_tensor({4, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
