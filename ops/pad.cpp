// pad: torch.nn.functional.pad: a border added around the last dims (constant, reflect or
// replicate), pads given as (before, after) pairs from the last dim backwards.
//   forward : constant: result = value everywhere, x's band copied inside (negative pads
//             crop x); reflect / replicate: result = index_select along each padded dim
//             with positions mirrored about the edge (dcb|abcd|cba) or clamped (aa|abcd|dd)
//   backward: constant: grad_x = pad(grad_out, −pads) (the band cut out, zeros where x was
//             cropped); reflect / replicate: composed (index_select's rule: index_add)
//   saves   : nothing (the pads)
//   shapes  : pads even in length; constant: at most 2·rank entries; reflect / replicate:
//             2 or 4 entries, rank ≥ 1 or 2, each reflect pad < the extent, replicate on
//             nonzero extents; a padded extent n + before + after must be ≥ 0 (≥ 1 for
//             reflect / replicate)
//   dtypes  : any (value converted to x's dtype; reflect / replicate take no value)

#include "ops/index_common.hpp"
#include "ops/view_common.hpp"

namespace nabla {
namespace {
struct ConstantPadNode final : Node {
  explicit ConstantPadNode(std::vector<std::int64_t> pads) : Node("pad"), pads_(std::move(pads)) {}
  std::vector<std::int64_t> pads_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    std::vector<std::int64_t> back;
    for (const std::int64_t p : pads_) back.push_back(-p);
    return {pad(grad_out, back)};
  }
};

const char* mode_name(PadMode mode) {
  switch (mode) {
    case PadMode::constant:
      return "constant";
    case PadMode::reflect:
      return "reflect";
    case PadMode::replicate:
      return "replicate";
  }
  return "constant";
}
}  // namespace

Tensor pad(const Tensor& x, const std::vector<std::int64_t>& pads, PadMode mode,
           std::optional<double> value, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("pad", x);
  if (pads.size() % 2 != 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::pad: pads [{}] has {} entries; it must list (before, after) pairs, an even count",
        fmt::join(pads, ", "), pads.size()));
  }
  const std::size_t rank = x.shape().size();
  const std::size_t padded = pads.size() / 2;
  if (padded > rank) {
    throw std::invalid_argument(fmt::format(
        "nabla::pad: pads [{}] pads {} dims, but x (shape {}) has only {}", fmt::join(pads, ", "),
        padded, shape_str(x.shape()), rank));
  }
  Shape shape = x.shape();
  for (std::size_t k = 0; k < padded; ++k) {
    const std::size_t d = rank - 1 - k;
    shape[d] = x.shape()[d] + pads[2 * k] + pads[2 * k + 1];
    if (shape[d] < (mode == PadMode::constant ? 0 : 1)) {
      throw std::invalid_argument(fmt::format(
          "nabla::pad: pads ({}, {}) leave dim {} of x (shape {}) with extent {}", pads[2 * k],
          pads[2 * k + 1], d, shape_str(x.shape()), shape[d]));
    }
  }
  if (mode != PadMode::constant) {
    if (value) {
      throw std::invalid_argument(fmt::format(
          "nabla::pad: mode {} takes no value (got {}); only constant mode fills with one",
          mode_name(mode), *value));
    }
    if (padded != 1 && padded != 2) {
      throw std::invalid_argument(fmt::format(
          "nabla::pad: mode {} pads the last 1 or 2 dims: pads must have 2 or 4 entries, got "
          "[{}]",
          mode_name(mode), fmt::join(pads, ", ")));
    }
    Tensor result = x;
    for (std::size_t k = 0; k < padded; ++k) {
      const std::size_t d = rank - 1 - k;
      const std::int64_t n = x.shape()[d], before = pads[2 * k], after = pads[2 * k + 1];
      if (mode == PadMode::reflect && (before >= n || after >= n)) {
        throw std::invalid_argument(fmt::format(
            "nabla::pad: reflect pads ({}, {}) must be smaller than dim {}'s extent {} (x "
            "shape {})",
            before, after, d, n, shape_str(x.shape())));
      }
      if (mode == PadMode::replicate && n == 0) {
        throw std::invalid_argument(fmt::format(
            "nabla::pad: replicate cannot pad dim {} of extent 0 (x shape {})", d,
            shape_str(x.shape())));
      }
      std::vector<double> positions;
      for (std::int64_t j = 0; j < shape[d]; ++j) {
        std::int64_t i = j - before;
        if (mode == PadMode::reflect) {
          if (i < 0) i = -i;
          if (i >= n) i = 2 * (n - 1) - i;
        } else {
          i = std::clamp<std::int64_t>(i, 0, n - 1);
        }
        positions.push_back(static_cast<double>(i));
      }
      result = index_select(result, static_cast<std::int64_t>(d),
                            tensor(positions, {static_cast<std::int64_t>(positions.size())}, Dtype::i64));
    }
    return result;
  }
  const double fill = value.value_or(0.0);
  detail::dispatch(x.dtype(), [&](auto tag) { (void)detail::checked_value<decltype(tag)>(fill, "pad"); });
  Tensor result = full(shape, fill, x.dtype());
  Tensor src = x, dst = result;
  bool empty = false;
  for (std::size_t k = 0; k < padded; ++k) {
    const std::size_t d = rank - 1 - k;
    const std::int64_t n = x.shape()[d], before = pads[2 * k], after = pads[2 * k + 1];
    const std::int64_t from = std::max<std::int64_t>(0, -before);
    const std::int64_t length = n - from - std::max<std::int64_t>(0, -after);
    if (length <= 0) {
      empty = true;
      break;
    }
    src = detail::subscript_view(src, {"pad", d, from, 1, length, false});
    dst = detail::subscript_view(dst, {"pad", d, std::max<std::int64_t>(0, before), 1, length, false});
  }
  if (!empty) detail::copy_values(dst, src);
  record<ConstantPadNode>(result, {x}, pads);
  return result;
}

namespace detail {
void register_pad(OpRegistry& r) {
  r.add({.name = "pad",
         .formula = "pad(x, {1, -1, 2, 0}, constant, 0.5): last dim 1 before, cropped 1 after",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return pad(in[0], {1, -1, 2, 0}, PadMode::constant, 0.5); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrix [2,3]", {sample_tensor({2, 3}, g, d)}},
                   {"rank 3 [2,1,2]", {sample_tensor({2, 1, 2}, g, d)}},
                   {"transposed [3,2]", {transpose(sample_tensor({2, 3}, g, d), 0, 1)}},
                   {"stepped [2,3] of [2,5]", {slice(sample_tensor({2, 5}, g, d), 1, 0, std::nullopt, 2)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"vector [3] (2 dims padded)", {sample_tensor({3}, g, d)}}};
             }});
  r.add({.name = "pad_reflect",
         .formula = "pad(x, {2, 1, 1, 1}, reflect)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return pad(in[0], {2, 1, 1, 1}, PadMode::reflect); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrix [2,3]", {sample_tensor({2, 3}, g, d)}},
                   {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}},
                   {"transposed [3,3]", {transpose(sample_tensor({3, 3}, g, d), 0, 1)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"last dim 2 for pad 2", {sample_tensor({3, 2}, g, d)}},
                                            {"vector [4] (2 dims padded)", {sample_tensor({4}, g, d)}}};
             }});
  r.add({.name = "pad_replicate",
         .formula = "pad(x, {1, 2}, replicate)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return pad(in[0], {1, 2}, PadMode::replicate); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"vector [3]", {sample_tensor({3}, g, d)}},
                   {"matrix [2,1]", {sample_tensor({2, 1}, g, d)}},
                   {"stepped [2,3] of [2,5]", {slice(sample_tensor({2, 5}, g, d), 1, 0, std::nullopt, 2)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"empty last dim [2,0]", {sample_tensor({2, 0}, g, d)}},
                                            {"scalar []", {sample_tensor({}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
