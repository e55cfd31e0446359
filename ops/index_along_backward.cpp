// index_along_backward: the adjoint of index_along, a scatter-add along one dim (internal:
// the gradient of sort, topk, median, max and min along a dim).
//   forward : result = zeros [.., n, ..]; result[.., index[.., j, ..], ..] += src[.., j, ..]
//   backward: grad_src = index_along(grad_out, dim, index) (index gets no gradient)
//   saves   : index (int64, no history)
//   shapes  : src [.., m, ..], index int64 of src's shape with entries in [0, n) → result
//             [.., n, ..]
//   dtypes  : float32, float64 src

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct IndexAlongBackwardNode final : Node {
  explicit IndexAlongBackwardNode(std::size_t dim) : Node("index_along_backward"), dim_(dim) {}
  std::size_t dim_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {index_along(grad_out, dim_, saved(0))};
  }
};
}  // namespace

Tensor index_along_backward(const Tensor& src, std::size_t dim, const Tensor& index,
                            std::int64_t n) {
  check_defined("index_along_backward", src);
  check_defined("index_along_backward", index, "index");
  check_floating("index_along_backward", src);
  if (index.dtype() != Dtype::i64 || index.shape() != src.shape() || dim >= src.shape().size() ||
      n < 0) {
    throw std::invalid_argument(fmt::format(
        "nabla::index_along_backward: index {} {} does not fit src {} along dim {} (extent {})",
        dtype_name(index.dtype()), shape_str(index.shape()), shape_str(src.shape()), dim, n));
  }
  Shape shape = src.shape();
  shape[dim] = n;
  const auto out = split_at_axis(shape, dim);
  const std::int64_t m = src.shape()[dim];
  const Tensor sd = dense(src);
  const Tensor id = dense(index);
  Tensor result = make_tensor(shape, src.dtype(), "index_along_backward");
  dispatch_floating("index_along_backward", src.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = data_ptr<T>(sd);
    const std::int64_t* ip = data_ptr<std::int64_t>(id);
    T* o = data_ptr<T>(result);
    std::fill(o, o + result.numel(), T(0));
    for (std::int64_t i = 0; i < out.outer; ++i)
      for (std::int64_t k = 0; k < m; ++k)
        for (std::int64_t j = 0; j < out.inner; ++j) {
          const std::int64_t at = (i * m + k) * out.inner + j;
          const std::int64_t to = ip[at];
          if (to < 0 || to >= n) {
            throw std::out_of_range(fmt::format(
                "nabla::index_along_backward: index {} at position {} is outside [0, {})", to,
                at, n));
          }
          o[(i * n + to) * out.inner + j] += p[at];
        }
  });
  if (auto node = record<IndexAlongBackwardNode>(result, {src}, dim)) node->save(id);
  return result;
}

Tensor sample_positions(const Shape& shape, std::int64_t n);  // ops/index_along.cpp

void register_index_along_backward(OpRegistry& r) {
  r.add({.name = "index_along_backward",
         .formula = "scatter-add of src to (3i + 2j + 1) mod 3 along the last dim (repeats add)",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               const Shape& s = in[0].shape();
               if (s.empty()) return index_along_backward(in[0], 0, tensor({0.0}, Dtype::i64), 3);
               return index_along_backward(in[0], s.size() - 1, sample_positions(s, 3), 3);
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"scalar []", {sample_tensor({}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
