// scatter_add: a copy of x with src added at the positions an index names along an axis.
//   forward : result = x; result[index[i][j]][j] += src[i][j] for dim 0 (likewise for other
//             dims), over every position of index; repeats add up
//   backward: grad_x = grad_out; grad_src = gather(grad_out, dim, index), padded with zeros
//             to src's shape where src is larger than index (PyTorch 1.13 fails there)
//   saves   : index (int64 or int32, never requires grad)
//   shapes  : x, index and src of one rank; index no larger than src anywhere and no
//             larger than x apart from dim; every index in [0, x.shape[dim]); result has
//             x's shape
//   dtypes  : x and src one dtype (any); index int64 or int32 (PyTorch: int64 only)
// Also Tensor::scatter_add_, the same into x in place (not recorded).

#include "ops/index_common.hpp"

namespace nabla {
namespace detail {
void check_scatter_shapes(const char* op, const Tensor& x, std::size_t d, const Tensor& index,
                          const Tensor* src);

namespace {
struct ScatterAddNode final : Node {
  ScatterAddNode(std::int64_t dim, Shape src_shape)
      : Node("scatter_add"), dim_(dim), src_shape_(std::move(src_shape)) {}
  std::int64_t dim_;
  Shape src_shape_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    Tensor grad_src;
    if (needs_input_grad(1)) {
      const Tensor index = saved(0);
      grad_src = gather(grad_out, dim_, index);
      if (index.shape() != src_shape_) {
        std::vector<std::int64_t> pads;  // (before, after) from the last dim backwards
        for (std::size_t k = src_shape_.size(); k-- > 0;) {
          pads.push_back(0);
          pads.push_back(src_shape_[k] - index.shape()[k]);
        }
        grad_src = pad(grad_src, pads);
      }
    }
    return {needs_input_grad(0) ? grad_out : Tensor(), grad_src};
  }
};

// The checked arguments: axis, index values.
struct ScatterArgs {
  std::size_t d = 0;
  std::vector<std::int64_t> idx;
};

ScatterArgs check_scatter_add(const char* op, const Tensor& x, std::int64_t dim,
                              const Tensor& index, const Tensor& src) {
  check_defined(op, x);
  check_defined(op, index, "index");
  check_defined(op, src, "src");
  check_index_dtype(op, index);
  if (x.dtype() != src.dtype()) {
    throw std::invalid_argument(
        fmt::format("nabla::{}: x is {} but src is {}; they must have the same dtype", op,
                    dtype_name(x.dtype()), dtype_name(src.dtype())));
  }
  ScatterArgs a;
  a.d = static_cast<std::size_t>(normalize_axis(dim, std::max<std::int64_t>(x.dim(), 1), op));
  if (x.dim() == 0) {
    if (index.dim() != 0 || src.dim() != 0) {
      throw std::invalid_argument(fmt::format(
          "nabla::{}: index (shape {}) and src (shape {}) must have x's rank 0", op,
          shape_str(index.shape()), shape_str(src.shape())));
    }
    a.idx = index_values(op, index, 1, false, "dim 0 of extent 1 (x shape [])");
    return a;
  }
  check_scatter_shapes(op, x, a.d, index, &src);
  a.idx = index_values(
      op, index, x.shape()[a.d], false,
      fmt::format("dim {} of extent {} (x shape {})", a.d, x.shape()[a.d], shape_str(x.shape())));
  return a;
}

// target[.., idx, ..] += src[..] over index's shape; target may have any (non-expanded) strides.
void scatter_add_into(const Tensor& target, const ScatterArgs& a, const Tensor& index,
                      const Tensor& src) {
  if (target.dim() == 0) {
    dispatch(target.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T& dst = *base_ptr<T>(target);
      const T v = *base_ptr<T>(src);
      if constexpr (std::is_same_v<T, bool>) {
        dst = dst || v;
      } else {
        dst = static_cast<T>(dst + v);
      }
    });
    return;
  }
  const Strides ts = without_axis(target.impl()->strides, a.d);
  const std::int64_t step = target.impl()->strides[a.d];
  dispatch(target.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* o = base_ptr<T>(target);
    const T* s = base_ptr<T>(src);
    std::size_t k = 0;
    walk_offsets<2>(index.shape(), {&ts, &src.impl()->strides},
                    [&](const std::array<std::int64_t, 2>& off) {
                      T& dst = o[off[0] + a.idx[k++] * step];
                      if constexpr (std::is_same_v<T, bool>) {
                        dst = dst || s[off[1]];
                      } else {
                        dst = static_cast<T>(dst + s[off[1]]);
                      }
                    });
  });
}
}  // namespace
}  // namespace detail

Tensor scatter_add(const Tensor& x, std::int64_t dim, const Tensor& index, const Tensor& src,
                   CallSite where) {
  detail::CallSiteScope site(where);
  const detail::ScatterArgs a = detail::check_scatter_add("scatter_add", x, dim, index, src);
  Tensor result = detail::copy_of(x);
  detail::scatter_add_into(result, a, index, src);
  if (auto node = record<detail::ScatterAddNode>(result, {x, src}, static_cast<std::int64_t>(a.d),
                                                 src.shape()))
    node->save(index);
  return result;
}

Tensor& Tensor::scatter_add_(std::int64_t dim, const Tensor& index, const Tensor& src) {
  check_defined("scatter_add_");
  const detail::ScatterArgs a = detail::check_scatter_add("Tensor::scatter_add_", *this, dim, index, src);
  detail::check_inplace_target("scatter_add_", *this);
  const Tensor s = is_same_storage(src) ? detail::copy_of(src) : src;
  detail::scatter_add_into(*this, a, index, s);
  ++impl_->storage->version;
  return *this;
}

namespace detail {
void register_scatter_add(OpRegistry& r) {
  // A fixed [2,2] index along dim 1 with a repeat in row 0 (two entries of src land on
  // one position); src is larger than index in both dims, so part of src gets no gradient.
  r.add({.name = "scatter_add",
         .formula = "scatter_add(x, 1, [[1, 1], [0, 2]], src)",
         .arity = 2,
         .fn =
             [](const std::vector<Tensor>& in) {
               return scatter_add(in[0], 1, tensor({{1, 1}, {0, 2}}, Dtype::i64), in[1]);
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"x [2,3] src [2,2]", {sample_tensor({2, 3}, g, d), sample_tensor({2, 2}, g, d)}},
                   {"x [3,3] src [3,4] larger", {sample_tensor({3, 3}, g, d), sample_tensor({3, 4}, g, d)}},
                   {"transposed x [3,3]",
                    {transpose(sample_tensor({3, 3}, g, d), 0, 1), sample_tensor({2, 2}, g, d)}},
                   {"stepped src [2,2] of [2,4]",
                    {sample_tensor({2, 3}, g, d),
                     slice(sample_tensor({2, 4}, g, d), 1, 0, std::nullopt, 2)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"index 2 past x [2,2]", {sample_tensor({2, 2}, g, d), sample_tensor({2, 2}, g, d)}},
                   {"src [2,1] smaller than index", {sample_tensor({2, 3}, g, d), sample_tensor({2, 1}, g, d)}},
                   {"src rank 1", {sample_tensor({2, 3}, g, d), sample_tensor({4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
