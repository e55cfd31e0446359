// chunk: x cut along an axis into a number of equal parts (the last one shorter), as
// split does.
//   forward : parts of ⌈n / chunks⌉ positions each (views); fewer than `chunks` parts when
//             the extent runs out first (PyTorch: chunk(arange(5), 4) gives 3 parts)
//   backward: as split (one node, grad_x = cat of the parts' gradients)
//   saves   : nothing
//   shapes  : chunks must be positive

#include "nabla/joining.hpp"

#include "ops/op_common.hpp"

namespace nabla {
namespace detail {
std::vector<Tensor> split_parts(const char* op, const Tensor& x, std::size_t d,
                                const std::vector<std::int64_t>& sizes);  // split.cpp
Tensor weighted_parts(const std::vector<Tensor>& parts);                 // split.cpp
}  // namespace detail

std::vector<Tensor> chunk(const Tensor& x, std::int64_t chunks, std::int64_t dim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("chunk", x);
  if (chunks <= 0) {
    throw std::invalid_argument(
        fmt::format("nabla::chunk: the number of chunks must be positive, got {}", chunks));
  }
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "chunk"));
  const std::int64_t n = x.shape()[d];
  const std::int64_t size = (n + chunks - 1) / chunks;
  std::vector<std::int64_t> sizes;
  if (n == 0) {
    sizes.assign(static_cast<std::size_t>(chunks), 0);  // PyTorch: `chunks` empty parts
  } else {
    for (std::int64_t at = 0; at < n; at += size) sizes.push_back(std::min(size, n - at));
  }
  return detail::split_parts("chunk", x, d, sizes);
}

namespace detail {
void register_chunk(OpRegistry& r) {
  r.add({.name = "chunk",
         .formula = "chunk(x, 3, 0), parts scaled by 1, 2, … and joined",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return weighted_parts(chunk(in[0], 3, 0)); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [5,2]", {sample_tensor({5, 2}, g, d)}},
                                            {"vector [4]", {sample_tensor({4}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"scalar []", {sample_tensor({}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
