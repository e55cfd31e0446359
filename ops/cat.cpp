// cat: tensors joined along an axis.
//   forward : result = [t₀ | t₁ | …] along dim; each input's values copied into its band
//   backward: grad_tᵢ = narrow(grad_out, dim, offsetᵢ, extentᵢ) (a view of grad_out)
//   saves   : nothing (the bands' offsets and extents)
//   shapes  : every tensor has the result's rank and extents except along dim; a 1-d
//             tensor of extent 0 is skipped (PyTorch's legacy rule); dtypes promote as
//             in arithmetic (float32 with float64 refused)

#include "ops/op_common.hpp"
#include "ops/view_common.hpp"

namespace nabla {
namespace {
struct CatNode final : Node {
  CatNode(std::size_t dim, std::vector<std::int64_t> offsets, std::vector<std::int64_t> extents)
      : Node("cat"), dim_(dim), offsets_(std::move(offsets)), extents_(std::move(extents)) {}
  std::size_t dim_;
  std::vector<std::int64_t> offsets_, extents_;  // per input; extent −1: a skipped input
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    std::vector<Tensor> grads(offsets_.size());
    for (std::size_t i = 0; i < grads.size(); ++i) {
      if (extents_[i] >= 0 && needs_input_grad(i))
        grads[i] = narrow(grad_out, static_cast<std::int64_t>(dim_), offsets_[i], extents_[i]);
    }
    return grads;
  }
};

bool skipped(const Tensor& t) {
  return t.dim() == 1 && t.numel() == 0;
}
}  // namespace

Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim, CallSite where) {
  detail::CallSiteScope site(where);
  if (tensors.empty()) throw std::invalid_argument("nabla::cat: expects a non-empty list of tensors");
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (!tensors[i].defined())
      throw std::invalid_argument(fmt::format("nabla::cat: tensor {} is undefined", i));
  }
  // The first tensor that is not skipped sets the rank and the other extents.
  std::size_t ref = 0;
  while (ref < tensors.size() && skipped(tensors[ref])) ++ref;
  if (ref == tensors.size()) ref = 0;  // all skipped: the result is that empty vector
  const Tensor& first = tensors[ref];
  if (first.dim() == 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::cat: tensor {} is 0-d; zero-dimensional tensors cannot be concatenated "
        "(unsqueeze them, or use stack)",
        ref));
  }
  const auto d = static_cast<std::size_t>(normalize_axis(dim, first.dim(), "cat"));
  Shape shape = first.shape();
  shape[d] = 0;
  Dtype dtype = first.dtype();
  std::vector<std::int64_t> offsets(tensors.size(), 0), extents(tensors.size(), -1);
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (skipped(t) && i != ref) continue;
    bool same = t.dim() == first.dim();
    for (std::size_t k = 0; same && k < shape.size(); ++k)
      same = k == d || t.shape()[k] == first.shape()[k];
    if (!same) {
      throw std::invalid_argument(fmt::format(
          "nabla::cat: tensor {} has shape {}, but tensor {} has shape {}: along dim {} they "
          "may differ, elsewhere they must match",
          i, shape_str(t.shape()), ref, shape_str(first.shape()), dim));
    }
    const std::optional<Dtype> p = promote_types(dtype, t.dtype());
    if (!p) {
      throw std::invalid_argument(fmt::format(
          "nabla::cat: tensor {} is {} but tensor {} is {}; nabla does not mix float32 with "
          "float64 silently, convert one with .to()",
          i, dtype_name(t.dtype()), ref, dtype_name(dtype)));
    }
    dtype = *p;
    offsets[i] = shape[d];
    extents[i] = t.shape()[d];
    shape[d] += t.shape()[d];
  }
  Tensor result = detail::make_tensor(shape, dtype, "cat");
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (extents[i] <= 0) continue;
    const Tensor band = detail::subscript_view(result, {"cat", d, offsets[i], 1, extents[i], false});
    detail::copy_values(band, tensors[i]);
  }
  record<CatNode>(result, std::span<const Tensor>(tensors), d, std::move(offsets),
                  std::move(extents));
  return result;
}

namespace detail {
void register_cat(OpRegistry& r) {
  r.add({.name = "cat",
         .formula = "cat({a, b}, 1)",
         .arity = 2,
         .fn = [](const std::vector<Tensor>& in) { return cat(in, 1); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrices [3,2] [3,4]", {sample_tensor({3, 2}, g, d), sample_tensor({3, 4}, g, d)}},
                   {"rank 3 [2,1,4] [2,3,4]",
                    {sample_tensor({2, 1, 4}, g, d), sample_tensor({2, 3, 4}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"rows differ [3,2] [2,2]", {sample_tensor({3, 2}, g, d), sample_tensor({2, 2}, g, d)}},
                   {"ranks differ [3,2] [3]", {sample_tensor({3, 2}, g, d), sample_tensor({3}, g, d)}},
                   {"vectors [3] [3] (no dim 1)", {sample_tensor({3}, g, d), sample_tensor({3}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
