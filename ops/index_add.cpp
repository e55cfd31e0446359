// index_add: a copy of x with alpha·source added along an axis at the positions of an index.
//   forward : result = x; result[.., index[k], ..] += alpha · source[.., k, ..] (repeats add up)
//   backward: grad_x = grad_out; grad_source = alpha · index_select(grad_out, dim, index)
//   saves   : index (int64 or int32, never requires grad)
//   shapes  : x [.., n, ..], index [m] (or 0-d, m = 1), source [.., m, ..] (x's extents
//             elsewhere) → x's shape; a 0-d x is seen as [1]; every index in [0, n)
//   dtypes  : x and source one dtype (any; alpha a whole number for integers); index
//             int64 or int32

#include "ops/index_common.hpp"

namespace nabla {
namespace {
struct IndexAddNode final : Node {
  IndexAddNode(std::int64_t dim, double alpha) : Node("index_add"), dim_(dim), alpha_(alpha) {}
  std::int64_t dim_;
  double alpha_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    Tensor grad_source;
    if (needs_input_grad(1)) {
      grad_source = index_select(grad_out, dim_, saved(0));
      if (alpha_ != 1.0) grad_source = mul(grad_source, alpha_);
    }
    return {needs_input_grad(0) ? grad_out : Tensor(), grad_source};
  }
};
}  // namespace

Tensor index_add(const Tensor& x, std::int64_t dim, const Tensor& index, const Tensor& source,
                 double alpha, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("index_add", x);
  detail::check_defined("index_add", index, "index");
  detail::check_defined("index_add", source, "source");
  detail::check_index_dtype("index_add", index);
  if (index.dim() > 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::index_add: index must be 1-d or 0-d, got shape {}", shape_str(index.shape())));
  }
  if (x.dtype() != source.dtype()) {
    throw std::invalid_argument(fmt::format(
        "nabla::index_add: x is {} but source is {}; they must have the same dtype",
        dtype_name(x.dtype()), dtype_name(source.dtype())));
  }
  if (!is_floating_point(x.dtype()) && alpha != std::trunc(alpha)) {
    throw std::invalid_argument(fmt::format(
        "nabla::index_add: alpha {} must be a whole number for a {} tensor", alpha,
        dtype_name(x.dtype())));
  }
  if (x.dim() == 0) {
    normalize_axis(dim, 1, "index_add");
    return reshape(index_add(reshape(x, {1}), 0, index,
                             source.dim() == 0 ? reshape(source, {1}) : source, alpha),
                   {});
  }
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "index_add"));
  Shape expected = x.shape();
  expected[d] = index.numel();
  if (source.shape() != expected) {
    throw std::invalid_argument(fmt::format(
        "nabla::index_add: source has shape {}, expected {}: x's shape {} with the {} "
        "indices along dim {}",
        shape_str(source.shape()), shape_str(expected), shape_str(x.shape()), index.numel(),
        dim));
  }
  const Tensor& src = source;
  const std::vector<std::int64_t> idx = detail::index_values(
      "index_add", index, x.shape()[d], false,
      fmt::format("dim {} of extent {} (x shape {})", d, x.shape()[d], shape_str(x.shape())));
  Tensor result = detail::copy_of(x);
  const detail::Strides os = detail::without_axis(result.impl()->strides, d);
  const std::int64_t step = result.impl()->strides[d];
  detail::Strides along(expected.size(), 0);
  along[d] = 1;
  detail::dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* o = detail::base_ptr<T>(result);
    const T* s = detail::base_ptr<T>(src);
    const T a = static_cast<T>(alpha);
    detail::walk_offsets<3>(
        expected, {&os, &src.impl()->strides, &along}, [&](const std::array<std::int64_t, 3>& off) {
          T& dst = o[off[0] + idx[static_cast<std::size_t>(off[2])] * step];
          if constexpr (std::is_same_v<T, bool>) {
            dst = dst || (a && s[off[1]]);
          } else {
            dst = static_cast<T>(dst + a * s[off[1]]);
          }
        });
  });
  if (auto node = record<IndexAddNode>(result, {x, source}, static_cast<std::int64_t>(d), alpha))
    node->save(index);
  return result;
}

namespace detail {
void register_index_add(OpRegistry& r) {
  // Fixed indices [1, 0, 1] along dim 0 (row 1 receives two rows of source), bound in fn.
  r.add({.name = "index_add",
         .formula = "index_add(x, 0, [1, 0, 1], source, alpha = 0.5)",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return index_add(in[0], 0, tensor({1, 0, 1}, Dtype::i64), in[1], 0.5);
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrix [2,3] source [3,3]", {sample_tensor({2, 3}, g, d), sample_tensor({3, 3}, g, d)}},
                   {"vector [2] source [3]", {sample_tensor({2}, g, d), sample_tensor({3}, g, d)}},
                   {"transposed source [3,2]",
                    {sample_tensor({2, 2}, g, d), transpose(sample_tensor({2, 3}, g, d), 0, 1)}},
                   {"stepped x [2,2] of [2,4]",
                    {slice(sample_tensor({2, 4}, g, d), 1, 0, std::nullopt, 2),
                     sample_tensor({3, 2}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"source rows 2 for 3 indices", {sample_tensor({2, 3}, g, d), sample_tensor({2, 3}, g, d)}},
                   {"index 1 past [1,3]", {sample_tensor({1, 3}, g, d), sample_tensor({3, 3}, g, d)}},
                   {"source columns differ", {sample_tensor({2, 3}, g, d), sample_tensor({3, 2}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
