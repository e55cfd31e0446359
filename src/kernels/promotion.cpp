// Dtype promotion for binary ops, and the conversions it needs.

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "kernels/kernels.hpp"

namespace nabla::detail {

Dtype binary_result_dtype(const char* op, const Tensor& a, const Tensor& b, bool floating_only) {
  const std::optional<Dtype> d = promote_types(a.dtype(), b.dtype());
  if (!d) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: dtype mismatch: {} {} and {} {}; nabla does not mix float32 with float64 "
        "silently, convert one with .to(nabla::{})",
        op, dtype_name(a.dtype()), shape_str(a.shape()), dtype_name(b.dtype()),
        shape_str(b.shape()), dtype_name(Dtype::f64)));
  }
  if (floating_only && !is_floating_point(*d)) return Dtype::f32;
  return *d;
}

Tensor scalar_operand(const char* op, double v, const Tensor& t) {
  const Dtype td = t.dtype();
  if (is_floating_point(td)) return scalar_tensor(v, td);
  const bool whole = std::isfinite(v) && std::trunc(v) == v;
  if (!whole) return scalar_tensor(v, Dtype::f32);
  if (td == Dtype::bool_) return scalar_tensor(v, Dtype::i64);
  return dispatch(td, [&](auto tag) {
    using T = decltype(tag);
    Tensor s = make_tensor({}, td, op);
    *data_ptr<T>(s) = checked_value<T>(v, op);
    return s;
  });
}

Tensor converted(const Tensor& t, Dtype d) {
  if (t.dtype() == d) return t;
  Tensor out = make_tensor(t.shape(), d, "to");
  copy_values(out, t);
  return out;
}

}  // namespace nabla::detail
