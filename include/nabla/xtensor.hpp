#pragma once
/// \file xtensor.hpp
/// Interoperability with xtensor: tensors from xtensor expressions, and a tensor's values
/// as an xtensor view.

#include <cstddef>
#include <vector>

#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>

#include "nabla/tensor.hpp"

namespace nabla {

/// A tensor holding a copy of an xtensor expression's values, with its shape. The dtype
/// is float64 for double expressions and float32 otherwise, unless `dtype` is given.
template <class E>
Tensor from_xtensor(const xt::xexpression<E>& expr, std::optional<Dtype> dtype = std::nullopt) {
  using V = typename E::value_type;
  const xt::xarray<double> values = xt::cast<double>(expr.derived_cast());
  Shape shape(values.shape().begin(), values.shape().end());
  const Dtype d = dtype.value_or(std::is_same_v<V, double> ? f64 : f32);
  return tensor(std::span<const double>(values.data(), values.size()), shape, d);
}

/// Read access to `t`'s values as an xtensor view of its shape (no copy). T must match
/// the tensor's dtype (float for float32, double for float64, std::int64_t for int64, ...);
/// the view is valid while the tensor's values are alive. `t` must be contiguous: a
/// non-contiguous view throws std::invalid_argument (pass `t.contiguous()`).
template <class T>
auto values(const Tensor& t) {
  const T* p = t.data<T>();
  std::vector<std::size_t> shape(t.shape().begin(), t.shape().end());
  return xt::adapt(p, static_cast<std::size_t>(t.numel()), xt::no_ownership(), shape);
}

}  // namespace nabla
