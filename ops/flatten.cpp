// flatten: merges axes start_dim..end_dim into one (a view when the strides allow, else a
// copy, as reshape).
//   forward : result.shape = x.shape[:start] + [Π x.shape[start..end]] + x.shape[end+1:]
//   backward: grad_x = reshape(grad_out, x.shape)
//   saves   : nothing
//   shapes  : start_dim ≤ end_dim after normalizing (negative from the end), else
//             std::invalid_argument; a 0-d tensor flattens to [1]

#include "ops/view_common.hpp"

namespace nabla {

Tensor flatten(const Tensor& x, std::int64_t start_dim, std::int64_t end_dim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("flatten", x);
  if (x.dim() == 0) return reshape(x, {1});
  const auto s = static_cast<std::size_t>(normalize_axis(start_dim, x.dim(), "flatten"));
  const auto e = static_cast<std::size_t>(normalize_axis(end_dim, x.dim(), "flatten"));
  if (s > e) {
    throw std::invalid_argument(
        fmt::format("nabla::flatten: start_dim {} comes after end_dim {} (shape {})", start_dim,
                    end_dim, shape_str(x.shape())));
  }
  if (s == e) return x;
  Shape shape(x.shape().begin(), x.shape().begin() + static_cast<std::ptrdiff_t>(s));
  std::int64_t merged = 1;
  for (std::size_t i = s; i <= e; ++i) merged *= x.shape()[i];
  shape.push_back(merged);
  shape.insert(shape.end(), x.shape().begin() + static_cast<std::ptrdiff_t>(e) + 1,
               x.shape().end());
  return reshape(x, shape);
}

Tensor Tensor::flatten(std::int64_t start_dim, std::int64_t end_dim) const {
  return nabla::flatten(*this, start_dim, end_dim);
}

namespace detail {
void register_flatten(OpRegistry& r) {
  r.add({.name = "flatten",
         .formula = "x.flatten(): every axis merged",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return flatten(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
  r.add({.name = "flatten_inner",
         .formula = "x.flatten(1): every axis after the first merged",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return flatten(in[0], 1); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}},
                   {"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                   {"rank 4 [2,1,3,2]", {sample_tensor({2, 1, 3, 2}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"vector [4]", {sample_tensor({4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
