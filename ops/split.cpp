// split: x cut along an axis into consecutive parts, as views, recorded as one node with
// an output per part (split_with_sizes in PyTorch when given a list of sizes).
//   forward : partᵢ = narrow(x, dim, offsetᵢ, sizeᵢ) (views of x's storage)
//   backward: grad_x = cat(grad_partᵢ, dim), zeros for parts that got no gradient
//   saves   : nothing (the parts' sizes)
//   shapes  : x [.., n, ..] → parts [.., sizeᵢ, ..], Σ sizeᵢ = n; a split size must be
//             positive (0 only when n is 0)

#include "nabla/joining.hpp"

#include "ops/op_common.hpp"
#include "ops/view_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct SplitNode final : MultiOutputNode {
  explicit SplitNode(std::size_t dim) : MultiOutputNode("split"), dim_(dim) {}
  std::size_t dim_;
  std::vector<Tensor> backward(const std::vector<Tensor>& grad_outputs) override {
    std::vector<Tensor> parts(num_outputs());
    for (std::size_t i = 0; i < parts.size(); ++i) parts[i] = grad_or_zeros(grad_outputs, i);
    return {cat(parts, static_cast<std::int64_t>(dim_))};
  }
};
}  // namespace

// The parts of x along axis d with the given sizes (already checked), as one node.
std::vector<Tensor> split_parts(const char* op, const Tensor& x, std::size_t d,
                                const std::vector<std::int64_t>& sizes) {
  std::vector<Tensor> parts;
  parts.reserve(sizes.size());
  std::int64_t offset = 0;
  for (const std::int64_t n : sizes) {
    parts.push_back(subscript_view(x, {op, d, offset, 1, n, false}));
    offset += n;
  }
  record_outputs<SplitNode>(parts, {x}, d);
  return parts;
}
}  // namespace detail

std::vector<Tensor> split(const Tensor& x, std::int64_t split_size, std::int64_t dim,
                          CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("split", x);
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "split"));
  const std::int64_t n = x.shape()[d];
  if (split_size < 0 || (split_size == 0 && n != 0)) {
    throw std::invalid_argument(fmt::format(
        "nabla::split: split_size {} must be positive (dim {} of shape {} has extent {})",
        split_size, dim, shape_str(x.shape()), n));
  }
  std::vector<std::int64_t> sizes;
  if (n == 0) {
    sizes.push_back(0);  // one empty part, as PyTorch
  } else {
    for (std::int64_t at = 0; at < n; at += split_size) sizes.push_back(std::min(split_size, n - at));
  }
  return detail::split_parts("split", x, d, sizes);
}

std::vector<Tensor> split(const Tensor& x, const std::vector<std::int64_t>& sizes,
                          std::int64_t dim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("split", x);
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "split"));
  const std::int64_t n = x.shape()[d];
  std::int64_t total = 0;
  for (const std::int64_t s : sizes) {
    if (s < 0) {
      throw std::invalid_argument(
          fmt::format("nabla::split: the sizes [{}] include a negative size {}",
                      fmt::join(sizes, ", "), s));
    }
    total += s;
  }
  if (sizes.empty() || total != n) {
    throw std::invalid_argument(fmt::format(
        "nabla::split: the sizes [{}] sum to {}, but dim {} of shape {} has extent {}",
        fmt::join(sizes, ", "), total, dim, shape_str(x.shape()), n));
  }
  return detail::split_parts("split", x, d, sizes);
}

namespace detail {
// The parts joined back, each scaled by its position + 1, so that every part's gradient
// is distinct and a rule that swapped or dropped one is caught.
Tensor weighted_parts(const std::vector<Tensor>& parts) {
  std::vector<Tensor> flat;
  for (std::size_t i = 0; i < parts.size(); ++i)
    flat.push_back(mul(parts[i].flatten(), static_cast<double>(i + 1)));
  return cat(flat, 0);
}

void register_split(OpRegistry& r) {
  r.add({.name = "split",
         .formula = "split(x, 2, -1), parts scaled by 1, 2, … and joined",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return weighted_parts(split(in[0], 2, -1)); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,5]", {sample_tensor({3, 5}, g, d)}},
                                            {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"scalar []", {sample_tensor({}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
