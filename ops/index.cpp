// index: Python's x[...] subscript (libtorch's Tensor::index): views for the basic parts,
// a differentiable copy for index tensors.
//   forward : integers select, Slices slice, None and bools add axes, Ellipsis stands for
//             the axes left over (all views of x); then the index tensors (int, negative
//             from the end; bool masks as their true positions) pick entries: the indexed
//             axes permuted to the front, merged, index_select at the linear positions,
//             the broadcast index shape put back where the indexed axes were (when
//             adjacent; first otherwise, as NumPy)
//   backward: composed (select / slice / unsqueeze / permute / reshape / index_select rules)
//   saves   : nothing of its own
//   shapes  : at most rank axes consumed (an integer, a Slice and an int tensor one each, a
//             mask its rank, whose extents must match); index tensors broadcast together
//   dtypes  : x any dtype; index tensors int64 or int32, masks bool
// Also Tensor::index_put_, the same positions written (or accumulated) in place.

#include "ops/index_common.hpp"

namespace nabla {
namespace detail {
namespace {
using indexing::TensorIndex;
using Kind = TensorIndex::Kind;

// The basic parts of a subscript applied, and what the advanced parts index.
struct Subscripted {
  Tensor view;                        // x after integers, slices, None, bools, Ellipsis
  std::vector<std::size_t> adv_dims;  // axes of `view` an index tensor indexes (ascending)
  std::vector<Tensor> adv;            // the index tensors (int64 or int32), one per axis
};

std::string what_axis(std::size_t src_dim, std::int64_t n, const Tensor& x) {
  return fmt::format("dim {} of extent {} (x shape {})", src_dim, n, shape_str(x.shape()));
}

// The positions of `mask`'s true entries, one int64 tensor per axis of the mask.
std::vector<Tensor> mask_positions(const Tensor& mask) {
  const Shape& shape = mask.shape();
  std::vector<std::vector<double>> pos(shape.size());
  const bool* p = base_ptr<bool>(mask);
  std::vector<std::int64_t> idx(shape.size(), 0);
  std::int64_t k = 0;
  walk_offsets<1>(shape, {&mask.impl()->strides}, [&](const std::array<std::int64_t, 1>& off) {
    if (p[off[0]]) {
      std::int64_t rest = k;
      for (std::size_t d = shape.size(); d-- > 0;) {
        pos[d].push_back(static_cast<double>(rest % shape[d]));
        rest /= shape[d];
      }
    }
    ++k;
  });
  std::vector<Tensor> out;
  for (auto& v : pos) out.push_back(tensor(v, {static_cast<std::int64_t>(v.size())}, Dtype::i64));
  return out;
}

Subscripted apply_basic(const char* op, const Tensor& x, const std::vector<TensorIndex>& indices) {
  std::int64_t consumed = 0;
  int ellipses = 0;
  for (const TensorIndex& i : indices) {
    switch (i.kind()) {
      case Kind::integer:
      case Kind::slice:
        ++consumed;
        break;
      case Kind::tensor:
        check_defined(op, i.tensor(), "index tensor");
        consumed += i.tensor().dtype() == Dtype::bool_ ? i.tensor().dim() : 1;
        break;
      case Kind::ellipsis:
        ++ellipses;
        break;
      case Kind::none:
      case Kind::boolean:
        break;
    }
  }
  if (ellipses > 1) {
    throw std::invalid_argument(fmt::format("nabla::{}: a subscript may hold one Ellipsis, got {}", op, ellipses));
  }
  if (consumed > x.dim()) {
    throw std::out_of_range(fmt::format(
        "nabla::{}: too many indices for a tensor of rank {} (shape {}): the subscript consumes {} "
        "dims",
        op, x.dim(), shape_str(x.shape()), consumed));
  }
  Subscripted s;
  s.view = x;
  std::size_t d = 0;        // the next axis of s.view
  std::size_t src_dim = 0;  // the matching axis of x
  for (std::size_t k = 0; k < indices.size(); ++k) {
    const TensorIndex& i = indices[k];
    switch (i.kind()) {
      case Kind::none:
        s.view = unsqueeze(s.view, static_cast<std::int64_t>(d++));
        break;
      case Kind::boolean:
        s.view = unsqueeze(s.view, static_cast<std::int64_t>(d));
        if (!i.boolean()) s.view = narrow(s.view, static_cast<std::int64_t>(d), 0, 0);
        ++d;
        break;
      case Kind::ellipsis: {
        const auto skip = static_cast<std::size_t>(x.dim() - consumed);
        d += skip;
        src_dim += skip;
        break;
      }
      case Kind::integer: {
        const std::int64_t n = s.view.shape()[d];
        const std::int64_t v = i.integer();
        if (v < -n || v >= n) {
          throw std::out_of_range(fmt::format("nabla::{}: index {} (subscript entry {}) is out of range [{}, {}) for {}",
                                              op, v, k, -n, n, what_axis(src_dim, n, x)));
        }
        s.view = select(s.view, static_cast<std::int64_t>(d), v);
        ++src_dim;
        break;
      }
      case Kind::slice: {
        const indexing::Slice& sl = i.slice();
        const std::int64_t step = sl.step.value_or(1);
        if (step <= 0) {
          throw std::invalid_argument(fmt::format(
              "nabla::{}: Slice step {} (subscript entry {}) must be positive (as PyTorch; use flip "
              "to reverse)",
              op, step, k));
        }
        s.view = slice(s.view, static_cast<std::int64_t>(d++), sl.start, sl.stop, step);
        ++src_dim;
        break;
      }
      case Kind::tensor: {
        const Tensor& t = i.tensor();
        if (t.dtype() == Dtype::bool_) {
          Tensor mask = t;
          if (t.dim() == 0) {  // x[True] as a mask: a new axis of extent 1, kept or not
            s.view = unsqueeze(s.view, static_cast<std::int64_t>(d));
            mask = reshape(t, {1});
          }
          const auto m = static_cast<std::size_t>(mask.dim());
          const Shape& vs = s.view.shape();
          const Shape part(vs.begin() + static_cast<std::ptrdiff_t>(d),
                           vs.begin() + static_cast<std::ptrdiff_t>(d + m));
          if (part != mask.shape()) {
            throw std::invalid_argument(fmt::format(
                "nabla::{}: the mask's shape {} (subscript entry {}) does not match the extents {} of "
                "the dims it indexes, from dim {} of x (shape {})",
                op, shape_str(mask.shape()), k, shape_str(part), src_dim, shape_str(x.shape())));
          }
          const std::vector<Tensor> pos = mask_positions(mask);
          for (std::size_t j = 0; j < m; ++j) {
            s.adv_dims.push_back(d + j);
            s.adv.push_back(pos[j]);
          }
          d += m;
          src_dim += t.dim();
        } else {
          if (t.dtype() != Dtype::i64 && t.dtype() != Dtype::i32) {
            throw std::invalid_argument(fmt::format(
                "nabla::{}: index tensors must be int64, int32 or bool, got {} (subscript entry {}, "
                "shape {})",
                op, dtype_name(t.dtype()), k, shape_str(t.shape())));
          }
          // checked here so that the message names the user's tensor and position in it
          index_values(op, t, s.view.shape()[d], true, what_axis(src_dim, s.view.shape()[d], x),
                       "index tensor");
          s.adv_dims.push_back(d++);
          s.adv.push_back(t);
          ++src_dim;
        }
        break;
      }
    }
  }
  return s;
}

// The broadcast shape of the index tensors, and each one's values (wrapped) in it.
struct Advanced {
  Shape shape;
  std::vector<std::vector<std::int64_t>> values;
  bool adjacent = true;
};

Advanced broadcast_advanced(const char* op, const Subscripted& s) {
  Advanced a;
  for (const Tensor& t : s.adv) {
    try {
      a.shape = broadcast_shapes(a.shape, t.shape(), op);
    } catch (const std::invalid_argument&) {
      std::vector<std::string> shapes;
      for (const Tensor& u : s.adv) shapes.push_back(shape_str(u.shape()));
      throw std::invalid_argument(fmt::format(
          "nabla::{}: the index tensors' shapes {} do not broadcast together", op, fmt::join(shapes, ", ")));
    }
  }
  for (std::size_t j = 0; j < s.adv.size(); ++j) {
    const std::int64_t n = s.view.shape()[s.adv_dims[j]];
    a.values.push_back(index_values(op, expand_view(s.adv[j], a.shape), n, true, "the broadcast index"));
    if (j > 0 && s.adv_dims[j] != s.adv_dims[j - 1] + 1) a.adjacent = false;
  }
  return a;
}
}  // namespace
}  // namespace detail

Tensor index(const Tensor& x, const std::vector<indexing::TensorIndex>& indices, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("index", x);
  const detail::Subscripted s = detail::apply_basic("index", x, indices);
  if (s.adv.empty()) return s.view;
  const detail::Advanced a = detail::broadcast_advanced("index", s);
  const std::size_t rank = s.view.shape().size();
  // the indexed axes first, then the others in order: [n₀, n₁, …, rest…] → [Π nⱼ, rest…]
  std::vector<std::int64_t> perm;
  Shape merged{1}, rest;
  for (const std::size_t d : s.adv_dims) {
    perm.push_back(static_cast<std::int64_t>(d));
    merged[0] *= s.view.shape()[d];
  }
  for (std::size_t d = 0; d < rank; ++d) {
    if (std::find(s.adv_dims.begin(), s.adv_dims.end(), d) == s.adv_dims.end()) {
      perm.push_back(static_cast<std::int64_t>(d));
      rest.push_back(s.view.shape()[d]);
      merged.push_back(s.view.shape()[d]);
    }
  }
  // the linear position of each broadcast index in the merged axis (row-major over the nⱼ)
  const std::int64_t count = shape_numel(a.shape);
  std::vector<double> linear(static_cast<std::size_t>(count), 0.0);
  for (std::size_t j = 0; j < s.adv.size(); ++j) {
    const std::int64_t n = s.view.shape()[s.adv_dims[j]];
    for (std::size_t b = 0; b < linear.size(); ++b)
      linear[b] = linear[b] * static_cast<double>(n) + static_cast<double>(a.values[j][b]);
  }
  const Tensor y = reshape(permute(s.view, perm), merged);
  Tensor r = index_select(y, 0, tensor(linear, {count}, Dtype::i64));
  Shape out_shape = a.shape;
  out_shape.insert(out_shape.end(), rest.begin(), rest.end());
  r = reshape(r, out_shape);
  const std::size_t p = s.adv_dims.front();
  if (a.adjacent && p > 0) {
    // [B…, rest…] → [rest[:p]…, B…, rest[p:]…]
    const std::size_t nb = a.shape.size();
    std::vector<std::int64_t> back;
    for (std::size_t i = 0; i < p; ++i) back.push_back(static_cast<std::int64_t>(nb + i));
    for (std::size_t i = 0; i < nb; ++i) back.push_back(static_cast<std::int64_t>(i));
    for (std::size_t i = nb + p; i < out_shape.size(); ++i) back.push_back(static_cast<std::int64_t>(i));
    r = permute(r, back);
  }
  return r;
}

Tensor Tensor::index(std::initializer_list<indexing::TensorIndex> indices) const {
  return nabla::index(*this, std::vector<indexing::TensorIndex>(indices));
}
Tensor Tensor::index(const std::vector<indexing::TensorIndex>& indices) const {
  return nabla::index(*this, indices);
}

Tensor& Tensor::index_put_(const std::vector<indexing::TensorIndex>& indices, const Tensor& values,
                           bool accumulate) {
  check_defined("index_put_");
  detail::check_defined("Tensor::index_put_", values, "values");
  detail::check_inplace_target("index_put_", *this);
  NoGradGuard no_grad;  // the views below are this tensor's, unrecorded
  const detail::Subscripted s = detail::apply_basic("Tensor::index_put_", *this, indices);
  if (s.adv.empty()) {
    Tensor target = s.view;
    if (accumulate) {
      target.add_(values.dtype() == dtype() ? values : values.to(dtype()));
    } else {
      target.copy_(values);
    }
    return *this;
  }
  if (values.dtype() != dtype()) {
    throw std::invalid_argument(fmt::format(
        "nabla::Tensor::index_put_: values are {} but the tensor is {}; with index tensors they "
        "must have the same dtype (as PyTorch)",
        dtype_name(values.dtype()), dtype_name(dtype())));
  }
  const detail::Advanced a = detail::broadcast_advanced("Tensor::index_put_", s);
  const Tensor& view = s.view;
  const std::size_t rank = view.shape().size();
  // The result shape index() would give: [B…, rest…], or B at the indexed axes' place.
  Shape walk_shape = a.shape;  // always [B…, rest…]
  std::vector<std::size_t> rest_dims;
  for (std::size_t d = 0; d < rank; ++d)
    if (std::find(s.adv_dims.begin(), s.adv_dims.end(), d) == s.adv_dims.end()) {
      rest_dims.push_back(d);
      walk_shape.push_back(view.shape()[d]);
    }
  const std::size_t nb = a.shape.size(), p = s.adv_dims.front();
  const bool moved = a.adjacent && p > 0;
  Shape result_shape;
  std::vector<std::int64_t> to_walk;  // the permutation from result order to walk order
  if (moved) {
    for (std::size_t i = 0; i < p; ++i) result_shape.push_back(walk_shape[nb + i]);
    for (std::size_t i = 0; i < nb; ++i) result_shape.push_back(a.shape[i]);
    for (std::size_t i = nb + p; i < walk_shape.size(); ++i) result_shape.push_back(walk_shape[i]);
    for (std::size_t i = 0; i < nb; ++i) to_walk.push_back(static_cast<std::int64_t>(p + i));
    for (std::size_t i = 0; i < p; ++i) to_walk.push_back(static_cast<std::int64_t>(i));
    for (std::size_t i = nb + p; i < walk_shape.size(); ++i) to_walk.push_back(static_cast<std::int64_t>(i));
  } else {
    result_shape = walk_shape;
  }
  if (!broadcastable_to(values.shape(), result_shape)) {
    throw std::invalid_argument(fmt::format(
        "nabla::Tensor::index_put_: values of shape {} do not broadcast to the indexed shape {}",
        shape_str(values.shape()), shape_str(result_shape)));
  }
  const Tensor src = is_same_storage(values) ? detail::copy_of(values) : values;
  Tensor v = detail::expand_view(src, result_shape);
  if (moved) v = nabla::permute(v, to_walk);
  // offsets: the broadcast index's own offset into view (through adv_off), and the rest axes
  std::vector<std::int64_t> adv_off(static_cast<std::size_t>(shape_numel(a.shape)), 0);
  for (std::size_t j = 0; j < s.adv.size(); ++j) {
    const std::int64_t stride = view.impl()->strides[s.adv_dims[j]];
    for (std::size_t b = 0; b < adv_off.size(); ++b) adv_off[b] += a.values[j][b] * stride;
  }
  detail::Strides dest(walk_shape.size(), 0), counter(walk_shape.size(), 0);
  const detail::Strides bstrides = detail::contiguous_strides(a.shape);
  for (std::size_t i = 0; i < nb; ++i) counter[i] = bstrides[i];
  for (std::size_t i = 0; i < rest_dims.size(); ++i) dest[nb + i] = view.impl()->strides[rest_dims[i]];
  detail::dispatch(dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* o = detail::base_ptr<T>(view);
    const T* pv = detail::base_ptr<T>(v);
    detail::walk_offsets<3>(walk_shape, {&dest, &counter, &v.impl()->strides},
                            [&](const std::array<std::int64_t, 3>& off) {
                              T& dst = o[off[0] + adv_off[static_cast<std::size_t>(off[1])]];
                              if constexpr (std::is_same_v<T, bool>) {
                                dst = accumulate ? (dst || pv[off[2]]) : pv[off[2]];
                              } else {
                                dst = accumulate ? static_cast<T>(dst + pv[off[2]]) : pv[off[2]];
                              }
                            });
  });
  ++impl_->storage->version;
  return *this;
}

Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& values,
                           bool accumulate) {
  return index_put_(std::vector<indexing::TensorIndex>(indices), values, accumulate);
}

Tensor& Tensor::index_put_(const std::vector<indexing::TensorIndex>& indices, double value) {
  check_defined("index_put_");
  const Tensor v = detail::dispatch(dtype(), [&](auto tag) {
    using T = decltype(tag);
    Tensor t = detail::make_tensor({}, dtype(), "index_put_");
    *detail::data_ptr<T>(t) = detail::checked_value<T>(value, "Tensor::index_put_");
    return t;
  });
  return index_put_(indices, v, false);
}

Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, double value) {
  return index_put_(std::vector<indexing::TensorIndex>(indices), value);
}

namespace detail {
void register_index(OpRegistry& r) {
  using indexing::Ellipsis;
  using indexing::None;
  using indexing::Slice;
  // Basic and advanced parts together: a stepped slice, a None, and a fixed int index
  // tensor [[1, 0], [1, 1]] (a repeat, so the backward accumulates) on the last axis.
  r.add({.name = "index",
         .formula = "x.index({Slice(None, None, 2), None, [[1, 0], [1, 1]]})",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return in[0].index({Slice(None, None, 2), None, tensor({{1, 0}, {1, 1}}, Dtype::i64)});
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"matrix [3,2]", {sample_tensor({3, 2}, g, d)}},
                   {"transposed [3,3]", {transpose(sample_tensor({3, 3}, g, d), 0, 1)}},
                   {"stepped [4,2] of [4,4]", {slice(sample_tensor({4, 4}, g, d), 1, 0, std::nullopt, 2)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"last dim 1 for index 1", {sample_tensor({3, 1}, g, d)}},
                                            {"vector [3] (one dim short)", {sample_tensor({3}, g, d)}}};
             }});
  // Two index tensors around a slice (not adjacent: the broadcast axes go first) and a
  // fixed bool mask on the last axis, through Ellipsis.
  r.add({.name = "index_advanced",
         .formula = "x.index({[0, -1], Slice(), [1, 0]}) and x.index({Ellipsis, mask})",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               const Tensor a = in[0].index({tensor({0, -1}, Dtype::i32), Slice(), tensor({1, 0}, Dtype::i64)});
               const Tensor b = in[0].index({Ellipsis, tensor({1, 0, 1}, Dtype::bool_)});
               return cat({a.flatten(), b.flatten()});
             },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{
                   {"rank 3 [2,2,3]", {sample_tensor({2, 2, 3}, g, d)}},
                   {"transposed [3,2,3]", {permute(sample_tensor({3, 2, 3}, g, d), {2, 1, 0})}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"mask [3] on a last dim of 4", {sample_tensor({2, 2, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
