// slice: positions start, start + step, ... below end along an axis (a view), as Python's
// x[start:end:step].
//   forward : result[.., k, ..] = x[.., start + k·step, ..] for k in [0, ⌈(end − start)/step⌉)
//   backward: grad_x = slice_backward(grad_out): zeros of x's shape, grad_out at the positions
//   saves   : nothing
//   shapes  : x [.., n, ..] → [.., length, ..]; start defaults to 0 and end to n; negative
//             ones count from the end; both are then clamped to [0, n] (as Python, so a
//             slice past the end is short or empty, never an error); a bad dim →
//             std::out_of_range; step ≤ 0 → std::invalid_argument

#include "ops/view_common.hpp"

namespace nabla {

Tensor slice(const Tensor& x, std::int64_t dim, std::optional<std::int64_t> start,
             std::optional<std::int64_t> end, std::int64_t step, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("slice", x);
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "slice"));
  if (step <= 0) {
    throw std::invalid_argument(
        fmt::format("nabla::slice: step {} must be positive (dim {}, shape {})", step, dim,
                    shape_str(x.shape())));
  }
  const std::int64_t n = x.shape()[d];
  const auto clamp = [n](std::int64_t v) {
    return std::clamp(v < 0 ? v + n : v, std::int64_t{0}, n);
  };
  const std::int64_t s = clamp(start.value_or(0));
  const std::int64_t e = clamp(end.value_or(n));
  const std::int64_t length = e > s ? (e - s + step - 1) / step : 0;
  return detail::subscript(x, {"slice", d, length > 0 ? s : 0, step, length, false});
}

Tensor Tensor::slice(std::int64_t dim, std::optional<std::int64_t> start,
                     std::optional<std::int64_t> end, std::int64_t step) const {
  return nabla::slice(*this, dim, start, end, step);
}

namespace detail {
void register_slice(OpRegistry& r) {
  r.add({.name = "slice",
         .formula = "x.slice(0, 1, None, 2): x[1::2] along axis 0",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return slice(in[0], 0, 1, std::nullopt, 2); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [5,3]", {sample_tensor({5, 3}, g, d)}},
                                            {"vector [4]", {sample_tensor({4}, g, d)}},
                                            {"rank 3 [4,2,3]", {sample_tensor({4, 2, 3}, g, d)}},
                                            {"two rows [2,3]", {sample_tensor({2, 3}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"scalar []", {sample_tensor({}, g, d)}}};
             }});
  r.add({.name = "slice_negative",
         .formula = "x.slice(-1, -3, -1): x[..., -3:-1]",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return slice(in[0], -1, -3, -1); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"short [2,2]", {sample_tensor({2, 2}, g, d)}},
                                            {"rank 3 [2,3,5]", {sample_tensor({2, 3, 5}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
