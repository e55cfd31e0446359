// local_response_norm: each value divided by a power of its neighbours' energy across channels.
//   forward : y = x / (k + α/size · Σ_{c'} x²_{c'})^β, the sum over the window of channels
//             c − ⌊size/2⌋ … c + ⌊(size−1)/2⌋, zero beyond the ends (PyTorch's average pool
//             over zero padding, which counts the pads)
//   backward: composed of nabla ops (mul, pad, narrow, add, pow, div): no rule of its own,
//             so every order of derivative works
//   saves   : what its ops save
//   shapes  : x [N,C,*] (rank ≥ 3); result has x's shape; size ≥ 1
//   dtypes  : float32, float64

#include "nabla/normalization.hpp"
#include "ops/op_common.hpp"

namespace nabla {

Tensor local_response_norm(const Tensor& x, std::int64_t size, double alpha, double beta, double k,
                           CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("local_response_norm", x, "x");
  detail::check_floating("local_response_norm", x, "x");
  if (x.dim() < 3) {
    throw std::invalid_argument(
        fmt::format("nabla::local_response_norm: x must have rank ≥ 3 ([N,C,*]), got shape {}",
                    shape_str(x.shape())));
  }
  if (size < 1) {
    throw std::invalid_argument(
        fmt::format("nabla::local_response_norm: size must be ≥ 1, got {}", size));
  }
  const std::int64_t c = x.shape()[1];
  // pads for axis 1 of x (pad lists pairs from the last axis backwards)
  std::vector<std::int64_t> pads(2 * (x.dim() - 1), 0);
  pads[pads.size() - 2] = size / 2;
  pads[pads.size() - 1] = (size - 1) / 2;
  const Tensor padded = pad(mul(x, x), pads);
  Tensor acc = narrow(padded, 1, 0, c);
  for (std::int64_t j = 1; j < size; ++j) acc = add(acc, narrow(padded, 1, j, c));
  const Tensor div_by = pow(add(mul(acc, alpha / static_cast<double>(size)), k), beta);
  return div(x, div_by);
}

namespace detail {
void register_local_response_norm(OpRegistry& r) {
  r.add({.name = "local_response_norm",
         .formula = "x / (k + alpha/size * sum of x^2 over 3 channels)^beta, alpha 0.5",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return local_response_norm(in[0], 3, 0.5, 0.75, 1.0);
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"[N,C,L] [2,4,3]", {sample_tensor({2, 4, 3}, g, d)}},
                   {"[N,C,H,W] [1,5,2,2]", {sample_tensor({1, 5, 2, 2}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"rank 2 [3,4]", {sample_tensor({3, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
