// index_select: the entries of x along an axis at the positions of a 1-d index.
//   forward : result[.., k, ..] = x[.., index[k], ..]
//   backward: grad_x = index_add(zeros(x.shape), dim, index, grad_out); index gets none
//   saves   : index (int64 or int32, never requires grad)
//   shapes  : x [.., n, ..], index [m] (or 0-d, m = 1) → [.., m, ..]; a 0-d x is seen as
//             [1]; every index in [0, n) (negative ones refused, as PyTorch)
//   dtypes  : x any dtype (result the same); index int64 or int32
// This file also holds the helpers the indexing ops share (ops/index_common.hpp).

#include "ops/index_common.hpp"

namespace nabla {
namespace detail {

void check_index_dtype(const char* op, const Tensor& index, const char* arg) {
  if (index.dtype() != Dtype::i64 && index.dtype() != Dtype::i32) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: {} must be an int64 or int32 tensor, got {} (shape {})", op, arg,
        dtype_name(index.dtype()), shape_str(index.shape())));
  }
}

std::string position_str(const Shape& shape, std::int64_t linear) {
  if (shape.size() == 1) return std::to_string(linear);
  std::vector<std::int64_t> idx(shape.size(), 0);
  for (std::size_t d = shape.size(); d-- > 0;) {
    idx[d] = linear % shape[d];
    linear /= shape[d];
  }
  return fmt::format("[{}]", fmt::join(idx, ", "));
}

std::vector<std::int64_t> index_values(const char* op, const Tensor& index, std::int64_t bound,
                                       bool allow_negative, const std::string& what,
                                       const char* arg) {
  check_index_dtype(op, index, arg);
  std::vector<std::int64_t> values;
  values.reserve(static_cast<std::size_t>(index.numel()));
  const auto read = [&](auto tag) {
    using T = decltype(tag);
    const T* p = base_ptr<T>(index);
    walk_offsets<1>(index.shape(), {&index.impl()->strides},
                    [&](const std::array<std::int64_t, 1>& off) {
                      values.push_back(static_cast<std::int64_t>(p[off[0]]));
                    });
  };
  if (index.dtype() == Dtype::i64) {
    read(std::int64_t{});
  } else {
    read(std::int32_t{});
  }
  const std::int64_t lo = allow_negative ? -bound : 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::int64_t& v = values[i];
    if (v < lo || v >= bound) {
      throw std::out_of_range(fmt::format(
          "nabla::{}: {} value {} at position {} is out of range [{}, {}) for {}", op, arg, v,
          position_str(index.shape(), static_cast<std::int64_t>(i)), lo, bound, what));
    }
    if (v < 0) v += bound;
  }
  return values;
}

void check_inplace_target(const char* op, const Tensor& t) {
  if (is_grad_enabled() && t.requires_grad()) {
    throw std::logic_error(fmt::format(
        "nabla::Tensor::{}: in-place change of a tensor that requires grad ({}) while grad "
        "mode is on; nabla does not record in-place ops. Wrap the update in a "
        "nabla::NoGradGuard, or use the out-of-place op",
        op, t.is_leaf() ? "a leaf" : "produced by an op"));
  }
  if (t.numel() == 0) return;
  for (std::size_t d = 0; d < t.shape().size(); ++d) {
    if (t.impl()->strides[d] == 0 && t.shape()[d] > 1) {
      throw std::invalid_argument(fmt::format(
          "nabla::Tensor::{}: the tensor (shape {}) is an expanded view: axis {} repeats one "
          "element {} times, so an in-place write is ambiguous; call contiguous() or clone() "
          "first",
          op, shape_str(t.shape()), d, t.shape()[d]));
    }
  }
}

namespace {
struct IndexSelectNode final : Node {
  explicit IndexSelectNode(std::int64_t dim) : Node("index_select"), dim_(dim) {}
  std::int64_t dim_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {index_add(zeros(input_shape(0), grad_out.dtype()), dim_, saved(0), grad_out)};
  }
};

std::string axis_what(std::size_t d, const Tensor& x) {
  return fmt::format("dim {} of extent {} (input shape {})", d, x.shape()[d], shape_str(x.shape()));
}
}  // namespace

// x's entries along axis d at `idx` (checked), a fresh contiguous tensor, no history.
Tensor index_select_kernel(const char* op, const Tensor& x, std::size_t d,
                           const std::vector<std::int64_t>& idx) {
  Shape shape = x.shape();
  shape[d] = static_cast<std::int64_t>(idx.size());
  Tensor out = make_tensor(shape, x.dtype(), op);
  const Strides xs = without_axis(x.impl()->strides, d);
  const std::int64_t step = x.impl()->strides[d];
  Strides along(shape.size(), 0);
  along[d] = 1;
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = base_ptr<T>(x);
    T* o = base_ptr<T>(out);
    std::int64_t k = 0;
    walk_offsets<2>(shape, {&xs, &along}, [&](const std::array<std::int64_t, 2>& off) {
      o[k++] = p[off[0] + idx[static_cast<std::size_t>(off[1])] * step];
    });
  });
  return out;
}
}  // namespace detail

Tensor index_select(const Tensor& x, std::int64_t dim, const Tensor& index, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("index_select", x);
  detail::check_defined("index_select", index, "index");
  detail::check_index_dtype("index_select", index);
  if (index.dim() > 1) {
    throw std::invalid_argument(
        fmt::format("nabla::index_select: index must be 1-d or 0-d, got shape {}",
                    shape_str(index.shape())));
  }
  if (x.dim() == 0) {
    normalize_axis(dim, 1, "index_select");
    const Tensor r = index_select(reshape(x, {1}), 0, index);
    return r.numel() == 1 ? reshape(r, {}) : r;
  }
  const auto d = static_cast<std::size_t>(normalize_axis(dim, x.dim(), "index_select"));
  const std::vector<std::int64_t> idx = detail::index_values(
      "index_select", index, x.shape()[d], false, detail::axis_what(d, x));
  Tensor result = detail::index_select_kernel("index_select", x, d, idx);
  if (auto node = record<detail::IndexSelectNode>(result, {x}, static_cast<std::int64_t>(d)))
    node->save(index);
  return result;
}

namespace detail {
void register_index_select(OpRegistry& r) {
  // Fixed indices with a repeat (position 2 twice), bound in fn: the repeat makes the
  // backward accumulate.
  r.add({.name = "index_select",
         .formula = "index_select(x, 1, [2, 0, 2])",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return index_select(in[0], 1, tensor({2, 0, 2}, Dtype::i64));
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrix [2,3]", {sample_tensor({2, 3}, g, d)}},
                   {"rank 3 [2,4,2]", {sample_tensor({2, 4, 2}, g, d)}},
                   {"transposed [3,3]", {transpose(sample_tensor({3, 3}, g, d), 0, 1)}},
                   {"stepped [2,5] of [2,9]",
                    {slice(sample_tensor({2, 9}, g, d), 1, 0, std::nullopt, 2)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"index 2 past [2,2]", {sample_tensor({2, 2}, g, d)}},
                                            {"vector [3] (no dim 1)", {sample_tensor({3}, g, d)}}};
             }});
  r.add({.name = "index_select_int32",
         .formula = "index_select(x, -1, int32 [1, 1]) of a row vector",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return index_select(in[0], -1, tensor({1, 1}, Dtype::i32));
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"vector [3]", {sample_tensor({3}, g, d)}},
                                            {"matrix [2,2]", {sample_tensor({2, 2}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
