// pixel_unshuffle: each r×r block of a plane moved into r² channels, the inverse of
// pixel_shuffle (F.pixel_unshuffle).
//   forward : result[.., c·r² + i·r + j, h, w] = x[.., c, h·r + i, w·r + j]: reshape to
//             [.., C, H, r, W, r], permute to [.., C, r, r, H, W], reshape (composite: the
//             rule is reshape's and permute's)
//   backward: grad_x = pixel_shuffle's rearrangement of grad_out, through permute and reshape
//   saves   : nothing
//   shapes  : x [*, C, H·r, W·r] (rank ≥ 3) → [*, C·r², H, W]; r ≥ 1
//   dtypes  : any

#include "ops/pool_common.hpp"

namespace nabla {
namespace detail {
Shape lead_then(const Tensor& x, std::initializer_list<std::int64_t> tail);  // pixel_shuffle
std::vector<std::int64_t> lead_permutation(std::size_t lead, std::initializer_list<int> order);
void check_shuffle(const char* op, const Tensor& x, std::int64_t r, const char* factor);
}  // namespace detail

Tensor pixel_unshuffle(const Tensor& x, std::int64_t downscale_factor, CallSite where) {
  detail::CallSiteScope site(where);
  const char* op = "pixel_unshuffle";
  const std::int64_t r = downscale_factor;
  detail::check_shuffle(op, x, r, "downscale_factor");
  const std::int64_t c = x.size(-3), h = x.size(-2), w = x.size(-1);
  if (h % r != 0 || w % r != 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: the plane {}x{} of input {} is not divisible by downscale_factor {}", op, h, w,
        shape_str(x.shape()), r));
  }
  const std::size_t lead = static_cast<std::size_t>(x.dim()) - 3;
  const Tensor split = reshape(x, detail::lead_then(x, {c, h / r, r, w / r, r}));
  const Tensor moved = permute(split, detail::lead_permutation(lead, {0, 2, 4, 1, 3}));
  return reshape(moved, detail::lead_then(x, {c * r * r, h / r, w / r}));
}

namespace detail {
void register_pixel_unshuffle(OpRegistry& r) {
  // a rearrangement: any values
  r.add({.name = "pixel_unshuffle",
         .formula = "pixel_unshuffle(x, 2)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return pixel_unshuffle(in[0], 2); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"batch [2,2,4,6]", {sample_tensor({2, 2, 4, 6}, g, d)}},
                   {"unbatched [3,2,4]", {sample_tensor({3, 2, 4}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"plane 3x4 not divisible by 2 [1,1,3,4]", {sample_tensor({1, 1, 3, 4}, g, d)}},
                   {"2-d [4,4]", {sample_tensor({4, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
