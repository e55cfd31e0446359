// Kernels of the comparison, logical and selection ops: one strided walk each
// (for_each_run over the output and stride-0 broadcast views of the inputs).

#include "kernels/compare.hpp"

#include <fmt/format.h>

#include <array>
#include <stdexcept>

#include "core/strided.hpp"
#include "kernels/kernels.hpp"

namespace nabla::detail {
namespace {

// Applies out[i] = f(a[i], b[i]) over the broadcast shape, reading a and b (already of
// element types A and B) through their strides.
template <class O, class A, class B, class F>
void binary_walk(const Tensor& out, const Tensor& a, const Tensor& b, F&& f) {
  const Tensor av = expand_view(a, out.shape());
  const Tensor bv = expand_view(b, out.shape());
  O* o = data_ptr<O>(out);
  const A* pa = base_ptr<A>(av);
  const B* pb = base_ptr<B>(bv);
  for_each_run<3>(out.shape(), {&out.impl()->strides, &av.impl()->strides, &bv.impl()->strides},
                  [&](const std::array<std::int64_t, 3>& off, std::int64_t n,
                      const std::array<std::int64_t, 3>& st) {
                    O* po = o + off[0];
                    const A* qa = pa + off[1];
                    const B* qb = pb + off[2];
                    for (std::int64_t i = 0; i < n; ++i) {
                      po[i * st[0]] = f(qa[i * st[1]], qb[i * st[2]]);
                    }
                  });
}

}  // namespace

void check_bool(const char* op, const Tensor& t, const char* what) {
  if (t.dtype() != Dtype::bool_) {
    throw std::invalid_argument(
        fmt::format("nabla::{}: the {} must be a bool tensor, got {} {} (make one with a "
                    "comparison such as x > 0, or .to(nabla::bool_))",
                    op, what, dtype_name(t.dtype()), shape_str(t.shape())));
  }
}

Tensor compare_kernel(const char* op, CompareOp c, const Tensor& a_in, const Tensor& b_in) {
  check_defined(op, a_in, "first operand");
  check_defined(op, b_in, "second operand");
  const Dtype dtype = binary_result_dtype(op, a_in, b_in);
  const Shape shape = broadcast_shapes(a_in.shape(), b_in.shape(), op);
  const Tensor a = converted(a_in, dtype);
  const Tensor b = converted(b_in, dtype);
  Tensor out = make_tensor(shape, Dtype::bool_, op);
  dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    // The switch on c sits outside the loop: one instantiation per comparison.
    switch (c) {
      case CompareOp::eq:
        binary_walk<bool, T, T>(out, a, b, [](T x, T y) { return x == y; });
        break;
      case CompareOp::ne:
        binary_walk<bool, T, T>(out, a, b, [](T x, T y) { return x != y; });
        break;
      case CompareOp::lt:
        binary_walk<bool, T, T>(out, a, b, [](T x, T y) { return x < y; });
        break;
      case CompareOp::le:
        binary_walk<bool, T, T>(out, a, b, [](T x, T y) { return x <= y; });
        break;
      case CompareOp::gt:
        binary_walk<bool, T, T>(out, a, b, [](T x, T y) { return x > y; });
        break;
      case CompareOp::ge:
        binary_walk<bool, T, T>(out, a, b, [](T x, T y) { return x >= y; });
        break;
    }
  });
  return out;
}

Tensor logical_kernel(const char* op, LogicalOp l, const Tensor& a_in, const Tensor& b_in) {
  check_defined(op, a_in, "first operand");
  check_defined(op, b_in, "second operand");
  const Shape shape = broadcast_shapes(a_in.shape(), b_in.shape(), op);
  const Tensor a = converted(a_in, Dtype::bool_);
  const Tensor b = converted(b_in, Dtype::bool_);
  Tensor out = make_tensor(shape, Dtype::bool_, op);
  switch (l) {
    case LogicalOp::and_:
      binary_walk<bool, bool, bool>(out, a, b, [](bool x, bool y) { return x && y; });
      break;
    case LogicalOp::or_:
      binary_walk<bool, bool, bool>(out, a, b, [](bool x, bool y) { return x || y; });
      break;
    case LogicalOp::xor_:
      binary_walk<bool, bool, bool>(out, a, b, [](bool x, bool y) { return x != y; });
      break;
  }
  return out;
}

Tensor logical_not_kernel(const Tensor& x_in) {
  check_defined("logical_not", x_in);
  const Tensor x = converted(x_in, Dtype::bool_);
  Tensor out = make_tensor(x.shape(), Dtype::bool_, "logical_not");
  // b is x again: a second operand the walk reads and ignores.
  binary_walk<bool, bool, bool>(out, x, x, [](bool v, bool) { return !v; });
  return out;
}

Tensor where_kernel(const char* op, const Tensor& cond, const Tensor& a_in, const Tensor& b_in) {
  check_defined(op, cond, "condition");
  check_defined(op, a_in, "second operand");
  check_defined(op, b_in, "third operand");
  check_bool(op, cond, "condition");
  const Dtype dtype = binary_result_dtype(op, a_in, b_in);
  const Shape shape =
      broadcast_shapes(cond.shape(), broadcast_shapes(a_in.shape(), b_in.shape(), op), op);
  const Tensor a = expand_view(converted(a_in, dtype), shape);
  const Tensor b = expand_view(converted(b_in, dtype), shape);
  const Tensor c = expand_view(cond, shape);
  Tensor out = make_tensor(shape, dtype, op);
  dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* o = data_ptr<T>(out);
    const bool* pc = base_ptr<bool>(c);
    const T* pa = base_ptr<T>(a);
    const T* pb = base_ptr<T>(b);
    for_each_run<4>(shape, {&out.impl()->strides, &c.impl()->strides, &a.impl()->strides, &b.impl()->strides},
                    [&](const std::array<std::int64_t, 4>& off, std::int64_t n,
                        const std::array<std::int64_t, 4>& st) {
                      for (std::int64_t i = 0; i < n; ++i) {
                        o[off[0] + i * st[0]] = pc[off[1] + i * st[1]] ? pa[off[2] + i * st[2]]
                                                                       : pb[off[3] + i * st[3]];
                      }
                    });
  });
  return out;
}

}  // namespace nabla::detail
