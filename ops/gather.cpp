// gather: entries of x picked along an axis by an index of the result's shape.
//   forward : result[i][j] = x[index[i][j]][j] for dim 0, x[i][index[i][j]] for dim 1, …
//   backward: grad_x = scatter_add(zeros(x.shape), dim, index, grad_out); index gets none
//   saves   : index (int64 or int32, never requires grad)
//   shapes  : index has x's rank and, outside dim, extents ≤ x's; result has index's
//             shape; every index in [0, x.shape[dim]) (negative ones refused, as PyTorch)
//   dtypes  : x any dtype (result the same); index int64 or int32 (PyTorch: int64 only)

#include "ops/index_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct GatherNode final : Node {
  explicit GatherNode(std::int64_t dim) : Node("gather"), dim_(dim) {}
  std::int64_t dim_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {scatter_add(zeros(input_shape(0), grad_out.dtype()), dim_, saved(0), grad_out)};
  }
};
}  // namespace

// Throws unless index (of an op taking x's rank) fits x outside axis d (and src entirely).
void check_scatter_shapes(const char* op, const Tensor& x, std::size_t d, const Tensor& index,
                          const Tensor* src) {
  if (index.dim() != x.dim() || (src != nullptr && src->dim() != x.dim())) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: index (shape {}){} must have x's rank {} (x shape {})", op,
        shape_str(index.shape()),
        src != nullptr ? fmt::format(" and src (shape {})", shape_str(src->shape())) : "",
        x.dim(), shape_str(x.shape())));
  }
  if (index.numel() == 0) return;
  for (std::size_t k = 0; k < x.shape().size(); ++k) {
    const bool over_x = k != d && index.shape()[k] > x.shape()[k];
    const bool over_src = src != nullptr && index.shape()[k] > src->shape()[k];
    if (over_x || over_src) {
      throw std::invalid_argument(fmt::format(
          "nabla::{}: index shape {} is larger than {} shape {} at dimension {} (index may be "
          "no larger than x apart from dimension {}{})",
          op, shape_str(index.shape()), over_x ? "x" : "src",
          shape_str(over_x ? x.shape() : src->shape()), k, d,
          src != nullptr ? ", and no larger than src anywhere" : ""));
    }
  }
}
}  // namespace detail

Tensor gather(const Tensor& x, std::int64_t dim, const Tensor& index, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("gather", x);
  detail::check_defined("gather", index, "index");
  detail::check_index_dtype("gather", index);
  if (x.dim() == 0 && index.dim() == 0) {
    normalize_axis(dim, 1, "gather");
    return reshape(gather(reshape(x, {1}), 0, reshape(index, {1})), {});
  }
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "gather"));
  detail::check_scatter_shapes("gather", x, d, index, nullptr);
  const std::vector<std::int64_t> idx = detail::index_values(
      "gather", index, x.shape()[d], false,
      fmt::format("dim {} of extent {} (x shape {})", d, x.shape()[d], shape_str(x.shape())));
  Tensor result = detail::make_tensor(index.shape(), x.dtype(), "gather");
  const detail::Strides xs = detail::without_axis(x.impl()->strides, d);
  const std::int64_t step = x.impl()->strides[d];
  detail::dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = detail::base_ptr<T>(x);
    T* o = detail::base_ptr<T>(result);
    std::size_t k = 0;
    detail::walk_offsets<1>(index.shape(), {&xs}, [&](const std::array<std::int64_t, 1>& off) {
      o[k] = p[off[0] + idx[k] * step];
      ++k;
    });
  });
  if (auto node = record<detail::GatherNode>(result, {x}, static_cast<std::int64_t>(d)))
    node->save(index);
  return result;
}

namespace detail {
void register_gather(OpRegistry& r) {
  // A fixed [2,3] index along dim 1 with repeats in a row (so the backward accumulates);
  // it reads columns 0..2 of rows 0..1, fitting every sample.
  r.add({.name = "gather",
         .formula = "gather(x, 1, [[2, 0, 2], [1, 1, 0]])",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return gather(in[0], 1, tensor({{2, 0, 2}, {1, 1, 0}}, Dtype::i64));
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrix [2,3]", {sample_tensor({2, 3}, g, d)}},
                   {"larger [3,4]", {sample_tensor({3, 4}, g, d)}},
                   {"transposed [3,3]", {transpose(sample_tensor({3, 3}, g, d), 0, 1)}},
                   {"stepped [2,3] of [2,6]",
                    {slice(sample_tensor({2, 6}, g, d), 1, 0, std::nullopt, 2)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"index 2 past [2,2]", {sample_tensor({2, 2}, g, d)}},
                                            {"one row [1,3]", {sample_tensor({1, 3}, g, d)}},
                                            {"rank 3 [2,3,3]", {sample_tensor({2, 3, 3}, g, d)}}};
             }});
  r.add({.name = "gather_dim0_int32",
         .formula = "gather(x, 0, int32 [[1, 0], [1, 1]]) of rank 2 x",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return gather(in[0], 0, tensor({{1, 0}, {1, 1}}, Dtype::i32));
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [2,2]", {sample_tensor({2, 2}, g, d)}},
                                            {"matrix [3,2]", {sample_tensor({3, 2}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
