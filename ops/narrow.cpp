// narrow: `length` consecutive positions along an axis from `start` (a view).
//   forward : result[.., k, ..] = x[.., start + k, ..] for k in [0, length)
//   backward: grad_x = slice_backward(grad_out): zeros of x's shape, grad_out in the band
//   saves   : nothing
//   shapes  : x [.., n, ..] → [.., length, ..]; dim and start may be negative (from the
//             end); a bad dim, a start outside [−n, n] or start + length > n →
//             std::out_of_range; length < 0 → std::invalid_argument

#include "ops/view_common.hpp"

namespace nabla {

Tensor narrow(const Tensor& x, std::int64_t dim, std::int64_t start, std::int64_t length,
              CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("narrow", x);
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "narrow"));
  const std::int64_t n = x.shape()[d];
  if (length < 0) {
    throw std::invalid_argument(
        fmt::format("nabla::narrow: length {} is negative (dim {}, shape {})", length, dim,
                    shape_str(x.shape())));
  }
  if (start < -n || start > n) {
    throw std::out_of_range(
        fmt::format("nabla::narrow: start {} is out of range for dim {} of extent {} (shape {})",
                    start, dim, n, shape_str(x.shape())));
  }
  const std::int64_t s = start < 0 ? start + n : start;
  if (s + length > n) {
    throw std::out_of_range(fmt::format(
        "nabla::narrow: start {} + length {} runs past the end of dim {} of extent {} (shape {})",
        start, length, dim, n, shape_str(x.shape())));
  }
  return detail::subscript(x, {"narrow", d, s, 1, length, false});
}

Tensor Tensor::narrow(std::int64_t dim, std::int64_t start, std::int64_t length) const {
  return nabla::narrow(*this, dim, start, length);
}

namespace detail {
void register_narrow(OpRegistry& r) {
  r.add({.name = "narrow",
         .formula = "x.narrow(-1, 1, 2): positions 1 and 2 of the last axis",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return narrow(in[0], -1, 1, 2); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"vector [3]", {sample_tensor({3}, g, d)}},
                                            {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}},
                                            {"column [1,3]", {sample_tensor({1, 3}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"too short [3,2]", {sample_tensor({3, 2}, g, d)}},
                                            {"scalar []", {sample_tensor({}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
