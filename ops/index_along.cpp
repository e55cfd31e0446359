// index_along: values of x at given positions along one dim (internal: the rule of
// index_along_backward, and what sort, topk, median, max and min's gradients undo).
//   forward : result[.., j, ..] = x[.., index[.., j, ..], ..] along dim
//   backward: grad_x = index_along_backward(grad_out, dim, index, n), n = x's extent
//             along dim (index gets no gradient)
//   saves   : index (int64, no history)
//   shapes  : x [.., n, ..], index [.., m, ..] int64 in [0, n) → result [.., m, ..]
//             (index's shape); the other extents equal x's
//   dtypes  : float32, float64 x

#include "ops/reduce_common.hpp"

namespace nabla {
namespace detail {
namespace {
struct IndexAlongNode final : Node {
  IndexAlongNode(std::size_t dim, std::int64_t n) : Node("index_along"), dim_(dim), n_(n) {}
  std::size_t dim_;
  std::int64_t n_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {index_along_backward(grad_out, dim_, saved(0), n_)};
  }
};

// The shapes agree but along dim, the index is int64 and every entry is in [0, n).
void check_index(const char* op, const Shape& data, const Tensor& index, std::size_t dim,
                 std::int64_t n) {
  const Shape& is = index.shape();
  bool fits = index.dtype() == Dtype::i64 && is.size() == data.size() && dim < data.size();
  for (std::size_t d = 0; fits && d < is.size(); ++d) fits = d == dim || is[d] == data[d];
  if (!fits) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: index {} {} does not fit data {} along dim {}", op,
        dtype_name(index.dtype()), shape_str(is), shape_str(data), dim));
  }
  const Tensor id = dense(index);
  const std::int64_t* p = data_ptr<std::int64_t>(id);
  for (std::int64_t i = 0; i < id.numel(); ++i) {
    if (p[i] < 0 || p[i] >= n) {
      throw std::out_of_range(fmt::format("nabla::{}: index {} at position {} is outside [0, {})",
                                          op, p[i], i, n));
    }
  }
}
}  // namespace

Tensor index_along(const Tensor& x, std::size_t dim, const Tensor& index) {
  check_defined("index_along", x);
  check_defined("index_along", index, "index");
  check_floating("index_along", x);
  check_index("index_along", x.shape(), index, dim, dim < x.shape().size() ? x.shape()[dim] : 0);
  const Tensor xd = dense(x);
  const Tensor id = dense(index);
  const auto src = split_at_axis(x.shape(), dim);
  const std::int64_t m = index.shape()[dim];
  Tensor result = make_tensor(index.shape(), x.dtype(), "index_along");
  dispatch_floating("index_along", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = data_ptr<T>(xd);
    const std::int64_t* ip = data_ptr<std::int64_t>(id);
    T* o = data_ptr<T>(result);
    for (std::int64_t i = 0; i < src.outer; ++i)
      for (std::int64_t k = 0; k < m; ++k)
        for (std::int64_t j = 0; j < src.inner; ++j) {
          const std::int64_t at = (i * m + k) * src.inner + j;
          o[at] = p[(i * src.n + ip[at]) * src.inner + j];
        }
  });
  if (auto node = record<IndexAlongNode>(result, {x}, dim, x.shape()[dim])) node->save(id);
  return result;
}

// The fixed positions the registry's samples read: (3i + 2j + 1) mod n along the last dim
// (none when the shape is empty; n = 0 only then).
Tensor sample_positions(const Shape& shape, std::int64_t n) {
  std::vector<double> v(static_cast<std::size_t>(shape_numel(shape)));
  const std::int64_t m = shape.back();
  for (std::size_t a = 0; a < v.size(); ++a) {
    const auto i = static_cast<std::int64_t>(a) / m, j = static_cast<std::int64_t>(a) % m;
    v[a] = n > 0 ? static_cast<double>((3 * i + 2 * j + 1) % n) : 0.0;
  }
  return tensor(v, shape, Dtype::i64);
}

void register_index_along(OpRegistry& r) {
  r.add({.name = "index_along",
         .formula = "x[.., (3i + 2j + 1) mod n] along the last dim, positions repeating",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               Shape s = in[0].shape();
               if (s.empty()) return index_along(in[0], 0, tensor({0.0}, Dtype::i64));
               const std::int64_t n = s.back();
               s.back() = n == 0 ? 0 : n + 2;  // more positions than x has: some repeat
               return index_along(in[0], s.size() - 1, sample_positions(s, n));
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
