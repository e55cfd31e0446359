// The Tensor handle: accessors, autograd bookkeeping and in-place updates.

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <utility>

#include "core/strided.hpp"
#include "core/tensor_impl.hpp"

namespace nabla {

using detail::data_ptr;

// ---- Tensor accessors --------------------------------------------------------------

void Tensor::throw_undefined(const char* what) {
  throw std::logic_error(fmt::format("nabla::Tensor::{}: the tensor is undefined", what));
}

const Shape& Tensor::shape() const {
  check_defined("shape");
  return impl_->shape;
}

std::int64_t Tensor::size(std::int64_t d) const {
  check_defined("size");
  return impl_->shape[static_cast<std::size_t>(normalize_axis(d, dim(), "Tensor::size"))];
}

std::int64_t Tensor::dim() const {
  check_defined("dim");
  return static_cast<std::int64_t>(impl_->shape.size());
}

std::int64_t Tensor::numel() const {
  check_defined("numel");
  return impl_->numel;
}

Dtype Tensor::dtype() const {
  check_defined("dtype");
  return impl_->dtype;
}

Shape Tensor::strides() const {
  check_defined("strides");
  return detail::to_shape(impl_->strides);
}

std::int64_t Tensor::stride(std::int64_t d) const {
  check_defined("stride");
  return impl_->strides[static_cast<std::size_t>(normalize_axis(d, dim(), "Tensor::stride"))];
}

std::int64_t Tensor::storage_offset() const {
  check_defined("storage_offset");
  return impl_->offset;
}

bool Tensor::is_contiguous() const {
  check_defined("is_contiguous");
  return impl_->contiguous;
}

bool Tensor::is_same_storage(const Tensor& other) const {
  check_defined("is_same_storage");
  return other.defined() && impl_->storage == other.impl_->storage;
}

template <class T>
T Tensor::item() const {
  check_defined("item");
  if (impl_->numel != 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::Tensor::item: the tensor has {} elements (shape {}); item() needs exactly one",
        impl_->numel, shape_str(impl_->shape)));
  }
  return detail::dispatch(impl_->dtype, [&](auto tag) {
    using S = decltype(tag);
    const S v = *detail::base_ptr<S>(*this);
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                  std::is_floating_point_v<S>) {
      // Converting NaN, ±inf or an out-of-range float to an integer is undefined in C++;
      // PyTorch refuses as well ("cannot convert float NaN to integer").
      constexpr auto lo = static_cast<double>(std::numeric_limits<T>::min());
      constexpr double hi_excl = static_cast<double>(std::numeric_limits<T>::max() / 2 + 1) * 2;
      const auto d = static_cast<double>(v);
      if (!(d >= lo && d < hi_excl)) {
        throw std::invalid_argument(
            fmt::format("nabla::Tensor::item: the value {} does not fit in a {}-bit integer", d,
                        8 * sizeof(T)));
      }
    } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                         std::is_integral_v<S> && !std::is_same_v<S, bool>) {
      if (!std::in_range<T>(v)) {
        throw std::invalid_argument(
            fmt::format("nabla::Tensor::item: the value {} does not fit in a {}-bit {}integer", v,
                        8 * sizeof(T), std::is_signed_v<T> ? "" : "unsigned "));
      }
    }
    return detail::convert<T>(v);
  });
}
template float Tensor::item<float>() const;
template double Tensor::item<double>() const;
template std::int64_t Tensor::item<std::int64_t>() const;
template std::int32_t Tensor::item<std::int32_t>() const;
template std::uint8_t Tensor::item<std::uint8_t>() const;
template bool Tensor::item<bool>() const;

template <class T>
const T* Tensor::data() const {
  check_defined("data");
  if (dtype_of<T>() != impl_->dtype) {
    throw std::invalid_argument(
        fmt::format("nabla::Tensor::data: asked for {} but the tensor is {}",
                    dtype_name(dtype_of<T>()), dtype_name(impl_->dtype)));
  }
  if (!impl_->contiguous) {
    throw std::invalid_argument(fmt::format(
        "nabla::Tensor::data: the tensor is a non-contiguous view (shape {}, strides {}), so its "
        "values are not numel() consecutive elements; call contiguous() first",
        shape_str(impl_->shape), shape_str(detail::to_shape(impl_->strides))));
  }
  return detail::base_ptr<T>(*this);
}
template <class T>
T* Tensor::mutable_data() {
  return const_cast<T*>(data<T>());
}
#define NABLA_INSTANTIATE_DATA(T)            \
  template const T* Tensor::data<T>() const; \
  template T* Tensor::mutable_data<T>();
NABLA_INSTANTIATE_DATA(float)
NABLA_INSTANTIATE_DATA(double)
NABLA_INSTANTIATE_DATA(std::int64_t)
NABLA_INSTANTIATE_DATA(std::int32_t)
NABLA_INSTANTIATE_DATA(std::uint8_t)
NABLA_INSTANTIATE_DATA(bool)
#undef NABLA_INSTANTIATE_DATA

std::vector<double> Tensor::to_vector() const {
  check_defined("to_vector");
  std::vector<double> out(static_cast<std::size_t>(impl_->numel));
  const Tensor values = detail::dense(*this);
  detail::dispatch(impl_->dtype, [&](auto tag) {
    const auto* p = data_ptr<decltype(tag)>(values);
    std::transform(p, p + impl_->numel, out.begin(), [](auto v) { return static_cast<double>(v); });
  });
  return out;
}

// ---- autograd accessors ------------------------------------------------------------

Tensor& Tensor::requires_grad_(bool requires_grad) {
  check_defined("requires_grad_");
  if (impl_->meta && impl_->meta->grad_fn) {
    throw std::logic_error(fmt::format(
        "nabla::Tensor::requires_grad_: this tensor was produced by '{}', so it is not a leaf; "
        "only leaves' requires_grad can be set (use detach() to make a new leaf)",
        impl_->meta->grad_fn->name()));
  }
  if (requires_grad && !is_floating_point(impl_->dtype)) {
    throw std::invalid_argument(fmt::format(
        "nabla::Tensor::requires_grad_: a {} tensor cannot require grad; only floating-point "
        "tensors (float32, float64) take part in autograd",
        dtype_name(impl_->dtype)));
  }
  if (!impl_->meta) {
    if (!requires_grad) return *this;
    impl_->meta = detail::make_pooled<detail::AutogradMeta>();
  }
  impl_->meta->requires_grad = requires_grad;
  return *this;
}

bool Tensor::requires_grad() const {
  return impl_ && impl_->meta && (impl_->meta->requires_grad || impl_->meta->grad_fn);
}

Tensor Tensor::grad() const {
  check_defined("grad");
  return impl_->meta ? impl_->meta->grad : Tensor();
}

void Tensor::set_grad(const Tensor& g) {
  check_defined("set_grad");
  if (g.defined() && (g.shape() != shape() || g.dtype() != dtype())) {
    throw std::invalid_argument(fmt::format(
        "nabla::Tensor::set_grad: gradient {} {} does not match the tensor's {} {}",
        dtype_name(g.dtype()), shape_str(g.shape()), dtype_name(dtype()), shape_str(shape())));
  }
  if (!impl_->meta) impl_->meta = detail::make_pooled<detail::AutogradMeta>();
  impl_->meta->grad = g;
}

void Tensor::zero_grad() {
  check_defined("zero_grad");
  if (impl_->meta) impl_->meta->grad = Tensor();
}

std::shared_ptr<Node> Tensor::grad_fn() const {
  check_defined("grad_fn");
  return impl_->meta ? impl_->meta->grad_fn : nullptr;
}

bool Tensor::is_leaf() const {
  check_defined("is_leaf");
  return !(impl_->meta && impl_->meta->grad_fn);
}

void Tensor::retain_grad() {
  check_defined("retain_grad");
  if (!requires_grad()) {
    throw std::logic_error("nabla::Tensor::retain_grad: the tensor does not require grad");
  }
  impl_->meta->retains_grad = true;
  if (const auto& fn = impl_->meta->grad_fn) {
    const std::uint32_t nr = impl_->meta->output_nr;
    if (nr == 0) {
      fn->retained_ = impl_->meta;
    } else {
      fn->more_outputs_[nr - 1].retained = impl_->meta;
    }
  }
}

Tensor Tensor::detach() const {
  check_defined("detach");
  return detail::alias_of(*this);
}

std::uint64_t Tensor::version() const {
  check_defined("version");
  return impl_->storage->version;
}

Tensor& Tensor::set_name(std::string name) {
  check_defined("set_name");
  if (!impl_->meta) impl_->meta = detail::make_pooled<detail::AutogradMeta>();
  impl_->meta->name = std::move(name);
  return *this;
}

const std::string& Tensor::name() const {
  static const std::string empty_name;
  check_defined("name");
  return impl_->meta ? impl_->meta->name : empty_name;
}

// ---- in-place ----------------------------------------------------------------------

namespace {
void check_inplace(const Tensor& t, const char* op) {
  if (is_grad_enabled() && t.requires_grad()) {
    throw std::logic_error(fmt::format(
        "nabla::Tensor::{}: in-place change of a tensor that requires grad ({}) while grad "
        "mode is on; nabla does not record in-place ops. Wrap the update in a "
        "nabla::NoGradGuard (as optimizers do)",
        op, t.is_leaf() ? "a leaf" : "produced by an op"));
  }
  // An expanded view repeats one element along a stride-0 axis: writing into it would
  // write each value many times over the same memory. (A tensor without elements has
  // nothing to write, whatever its strides.)
  if (t.numel() == 0) return;
  const Shape& shape = t.shape();
  const detail::Strides& strides = t.impl()->strides;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (strides[d] == 0 && shape[d] > 1) {
      throw std::invalid_argument(fmt::format(
          "nabla::Tensor::{}: the tensor (shape {}, strides {}) is an expanded view: axis {} "
          "repeats one element {} times, so an in-place write is ambiguous; call contiguous() "
          "or clone() first",
          op, shape_str(shape), shape_str(detail::to_shape(strides)), d, shape[d]));
    }
  }
}

// Applies f(element&) to every element of t, whatever its strides.
template <class T, class F>
void for_each_element(const Tensor& t, F&& f) {
  T* base = detail::base_ptr<T>(t);
  detail::for_each_run<1>(t.shape(), {&t.impl()->strides},
                          [&](const auto& off, std::int64_t n, const auto& inner) {
                            T* p = base + off[0];
                            for (std::int64_t i = 0; i < n; ++i) f(p[i * inner[0]]);
                          });
}
}  // namespace

Tensor& Tensor::zero_() {
  return fill_(0.0);
}

Tensor& Tensor::fill_(double value) {
  check_defined("fill_");
  check_inplace(*this, "fill_");
  detail::dispatch(impl_->dtype, [&](auto tag) {
    using T = decltype(tag);
    const T v = detail::checked_value<T>(value, "Tensor::fill_");
    for_each_element<T>(*this, [v](T& e) { e = v; });
  });
  ++impl_->storage->version;
  return *this;
}

Tensor& Tensor::add_(const Tensor& other, double alpha) {
  check_defined("add_");
  detail::check_defined("Tensor::add_", other, "other");
  check_inplace(*this, "add_");
  detail::check_same_dtype("Tensor::add_", *this, other);
  if (!broadcastable_to(other.shape(), shape())) {
    throw std::invalid_argument(
        fmt::format("nabla::Tensor::add_: other {} does not broadcast to {}",
                    shape_str(other.shape()), shape_str(shape())));
  }
  NoGradGuard no_grad;
  if (impl_->contiguous && other.is_contiguous() && other.shape() == shape()) {
    detail::dispatch(impl_->dtype, [&](auto tag) {
      using T = decltype(tag);
      T* d = data_ptr<T>(*this);
      const T* s = data_ptr<T>(other);
      const T a = static_cast<T>(alpha);
      for (std::int64_t i = 0; i < impl_->numel; ++i) d[i] = static_cast<T>(d[i] + a * s[i]);
    });
  } else {
    const Tensor src = is_same_storage(other) ? detail::copy_of(other) : other;
    const Tensor view = detail::expand_view(src, shape());
    detail::dispatch(impl_->dtype, [&](auto tag) {
      using T = decltype(tag);
      T* d = detail::base_ptr<T>(*this);
      const T* s = detail::base_ptr<T>(view);
      const T a = static_cast<T>(alpha);
      detail::for_each_run<2>(shape(), {&impl_->strides, &view.impl()->strides},
                              [&](const auto& off, std::int64_t n, const auto& inner) {
                                T* dp = d + off[0];
                                const T* sp = s + off[1];
                                for (std::int64_t i = 0; i < n; ++i)
                                  dp[i * inner[0]] =
                                      static_cast<T>(dp[i * inner[0]] + a * sp[i * inner[1]]);
                              });
    });
  }
  ++impl_->storage->version;
  return *this;
}

Tensor& Tensor::mul_(double factor) {
  check_defined("mul_");
  check_inplace(*this, "mul_");
  detail::dispatch(impl_->dtype, [&](auto tag) {
    using T = decltype(tag);
    const T f = static_cast<T>(factor);
    for_each_element<T>(*this, [f](T& e) { e = static_cast<T>(e * f); });
  });
  ++impl_->storage->version;
  return *this;
}

Tensor& Tensor::copy_(const Tensor& other) {
  check_defined("copy_");
  detail::check_defined("Tensor::copy_", other, "other");
  check_inplace(*this, "copy_");
  if (!broadcastable_to(other.shape(), shape())) {
    throw std::invalid_argument(
        fmt::format("nabla::Tensor::copy_: other {} does not broadcast to {}",
                    shape_str(other.shape()), shape_str(shape())));
  }
  NoGradGuard no_grad;
  // Read other as a view in this tensor's shape (stride 0 along broadcast axes); copying
  // from a snapshot when the two share storage, so overlapping views copy as if at once.
  const Tensor src = is_same_storage(other) ? detail::copy_of(other) : other;
  detail::copy_values(*this, detail::expand_view(src, shape()));
  ++impl_->storage->version;
  return *this;
}

Tensor& Tensor::set_data(const Tensor& other) {
  check_defined("set_data");
  detail::check_defined("Tensor::set_data", other, "other");
  if (!is_leaf()) {
    throw std::logic_error(
        "nabla::Tensor::set_data: only a leaf can take new data; this tensor was produced by "
        "an op");
  }
  const bool same_layout = other.shape() == shape() && other.dtype() == dtype();
  // Graphs save a leaf as its storage (see Node::save): mark the old storage changed too,
  // so that a graph which saved this tensor before fails at backward instead of using the
  // old values.
  const std::uint64_t old_version = ++impl_->storage->version;
  impl_->shape = other.shape();
  impl_->strides = other.impl()->strides;
  impl_->offset = other.storage_offset();
  impl_->contiguous = other.is_contiguous();
  impl_->numel = other.numel();
  impl_->dtype = other.dtype();
  impl_->storage = other.impl()->storage;
  // A graph that saved this tensor must see a change, whatever the new storage's count.
  impl_->storage->version = std::max(impl_->storage->version, old_version) + 1;
  if (!same_layout && impl_->meta) impl_->meta->grad = Tensor();
  return *this;
}

// ---- grad mode ---------------------------------------------------------------------

namespace {
thread_local bool grad_enabled = true;
}

bool is_grad_enabled() {
  return grad_enabled;
}
void set_grad_enabled(bool enabled) {
  grad_enabled = enabled;
}

}  // namespace nabla
