// diagonal: a diagonal across two axes, as a view (torch.diagonal).
//   forward : result[.., k] = x[.., k, .., k + offset, ..] for offset ≥ 0, and
//             x[.., k − offset, .., k, ..] below the main diagonal (offset < 0)
//   backward: grad_x = diagonal_backward(grad_out): zeros of x's shape with grad_out on the
//             same diagonal
//   saves   : nothing (offset, the two dims and x's shape are attributes)
//   shapes  : x rank ≥ 2, dim1 ≠ dim2 (negative from the end); the two axes are removed and
//             the diagonal appended last, of length min(n1, n2 − offset) for offset ≥ 0 and
//             min(n1 + offset, n2) below, 0 when it lies outside (as PyTorch). A view:
//             offset += |offset|·stride of dim2 (dim1 below), stride = stride1 + stride2
//   dtypes  : any

#include "ops/linalg_common.hpp"

namespace nabla {
namespace {
struct DiagonalNode final : Node {
  DiagonalNode(std::int64_t offset, std::size_t d1, std::size_t d2)
      : Node("diagonal"), offset_(offset), d1_(d1), d2_(d2) {}
  std::int64_t offset_;
  std::size_t d1_, d2_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {
        detail::diagonal_scatter("diagonal_backward", grad_out, input_shape(0), offset_, d1_, d2_)};
  }
};
}  // namespace

namespace detail {
Tensor diagonal_view(const Tensor& x, std::int64_t offset, std::size_t d1, std::size_t d2) {
  const Shape& s = x.shape();
  const Strides& st = x.impl()->strides;
  const std::int64_t n1 = s[d1], n2 = s[d2];
  const std::int64_t length = std::max<std::int64_t>(
      0, offset >= 0 ? std::min(n1, n2 - offset) : std::min(n1 + offset, n2));
  std::int64_t start = x.storage_offset();
  // An empty diagonal addresses nothing; keep its offset inside the storage anyway.
  if (length > 0) start += offset >= 0 ? offset * st[d2] : -offset * st[d1];
  Shape shape;
  Strides strides;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == d1 || i == d2) continue;
    shape.push_back(s[i]);
    strides.push_back(st[i]);
  }
  shape.push_back(length);
  strides.push_back(st[d1] + st[d2]);
  return make_view(x, std::move(shape), std::move(strides), start);
}
}  // namespace detail

Tensor diagonal(const Tensor& x, std::int64_t offset, std::int64_t dim1, std::int64_t dim2,
                CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("diagonal", x);
  if (x.dim() < 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::diagonal: expects a tensor of rank 2 or more, got shape {}", shape_str(x.shape())));
  }
  const auto d1 = static_cast<std::size_t>(normalize_axis(dim1, x.dim(), "diagonal"));
  const auto d2 = static_cast<std::size_t>(normalize_axis(dim2, x.dim(), "diagonal"));
  if (d1 == d2) {
    throw std::invalid_argument(fmt::format(
        "nabla::diagonal: dim1 = {} and dim2 = {} name the same axis {} of shape {}; a diagonal "
        "runs across two different axes",
        dim1, dim2, d1, shape_str(x.shape())));
  }
  Tensor result = detail::diagonal_view(x, offset, d1, d2);
  record<DiagonalNode>(result, {x}, offset, d1, d2);
  return result;
}

namespace detail {
void register_diagonal(OpRegistry& r) {
  auto samples = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{{"square [3,3]", {sample_tensor({3, 3}, g, d)}},
                                 {"wide [3,5]", {sample_tensor({3, 5}, g, d)}},
                                 {"tall [5,2]", {sample_tensor({5, 2}, g, d)}},
                                 {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
  };
  auto bad = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{{"vector [4]", {sample_tensor({4}, g, d)}},
                                 {"scalar []", {sample_tensor({}, g, d)}}};
  };
  r.add({.name = "diagonal",
         .formula = "diagonal(x, 1, 0, -1): the diagonal above the main one across the first "
                    "and last axes",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return diagonal(in[0], 1, 0, -1); },
         .samples = samples,
         .bad_samples = bad});
  r.add({.name = "diagonal_below",
         .formula = "diagonal(x, -1, -1, -2): below the main diagonal, dims reversed",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return diagonal(in[0], -1, -1, -2); },
         .samples = samples,
         .bad_samples = bad});
}
}  // namespace detail
}  // namespace nabla
