// sum: sum of all elements, or over given axes.
//   forward : result = Σ x over the axes (every axis by default)
//   backward: grad_x = broadcast_to(reshape(grad_out, kept shape), x.shape)
//   saves   : nothing (x's shape is on the node)
//   shapes  : x [d0..dn] → the reduced shape; with keepdim the reduced axes stay as 1

#include "ops/op_common.hpp"

namespace nabla {
namespace detail {

std::vector<std::size_t> reduction_axes(const char* op, const Tensor& x,
                                        const std::vector<std::int64_t>& axes) {
  std::vector<std::size_t> out;
  if (axes.empty()) {
    for (std::int64_t i = 0; i < x.dim(); ++i) out.push_back(static_cast<std::size_t>(i));
    return out;
  }
  for (auto a : axes) {
    const auto n = static_cast<std::size_t>(normalize_axis(a, x.dim(), op));
    if (std::find(out.begin(), out.end(), n) != out.end()) {
      throw std::invalid_argument(fmt::format("nabla::{}: axis {} appears twice in the axes [{}]",
                                              op, a, fmt::join(axes, ", ")));
    }
    out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Shape reduced_shape(const Shape& shape, const std::vector<std::size_t>& axes, bool keepdim) {
  Shape out;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const bool reduced = std::find(axes.begin(), axes.end(), i) != axes.end();
    if (!reduced) {
      out.push_back(shape[i]);
    } else if (keepdim) {
      out.push_back(1);
    }
  }
  return out;
}

Tensor sum_kernel(const Tensor& x, const std::vector<std::size_t>& axes, Shape out_shape) {
  Tensor out = make_tensor(std::move(out_shape), x.dtype());
  const Shape& shape = x.shape();
  const std::size_t rank = shape.size();
  // Stride of each input axis in the output (0 on reduced axes), so that one pass over
  // the input in memory order adds every element into its output slot. Accumulates in
  // double so that float32 sums of many terms stay accurate.
  std::vector<std::int64_t> out_stride(rank, 0);
  std::int64_t s = 1;
  for (std::size_t i = rank; i-- > 0;) {
    if (std::find(axes.begin(), axes.end(), i) == axes.end()) {
      out_stride[i] = s;
      s *= shape[i];
    }
  }
  std::vector<double> acc(static_cast<std::size_t>(out.numel()), 0.0);
  detail::dispatch_floating("sum", x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = data_ptr<T>(x);
    const std::int64_t inner = rank ? shape[rank - 1] : 1;
    const std::int64_t inner_stride = rank ? out_stride[rank - 1] : 0;
    std::vector<std::int64_t> idx(rank, 0);
    std::int64_t base = 0;  // output offset of the current row
    for (std::int64_t start = 0; start < x.numel(); start += inner) {
      if (inner_stride == 0) {
        double row = 0.0;
        for (std::int64_t j = 0; j < inner; ++j) row += static_cast<double>(p[start + j]);
        acc[static_cast<std::size_t>(base)] += row;
      } else {
        for (std::int64_t j = 0; j < inner; ++j) {
          acc[static_cast<std::size_t>(base + j)] += static_cast<double>(p[start + j]);
        }
      }
      // Advance the odometer over all axes but the last.
      for (std::size_t d = rank > 0 ? rank - 1 : 0; d-- > 0;) {
        base += out_stride[d];
        if (++idx[d] < shape[d]) break;
        base -= out_stride[d] * shape[d];
        idx[d] = 0;
      }
    }
    T* o = data_ptr<T>(out);
    for (std::size_t i = 0; i < acc.size(); ++i) o[i] = static_cast<T>(acc[i]);
  });
  return out;
}

}  // namespace detail

namespace {
struct SumNode final : Node {
  explicit SumNode(Shape kept) : Node("sum"), kept_(std::move(kept)) {}
  Shape kept_;  // the result's shape with reduced axes kept as 1
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {broadcast_to(reshape(grad_out, kept_), input_shape(0))};
  }
};
}  // namespace

Tensor sum(const Tensor& x, const std::vector<std::int64_t>& axes, bool keepdim, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("sum", x);
  const auto ax = detail::reduction_axes("sum", x, axes);
  Tensor result = detail::sum_kernel(x, ax, detail::reduced_shape(x.shape(), ax, keepdim));
  record<SumNode>(result, {x}, detail::reduced_shape(x.shape(), ax, true));
  return result;
}

Tensor sum(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  return sum(x, {}, false);
}

Tensor Tensor::sum() const {
  return nabla::sum(*this);
}

namespace detail {
void register_sum(OpRegistry& r) {
  r.add({.name = "sum",
         .formula = "sum of all elements",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return sum(in[0]); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
  auto rank2plus = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                 {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}},
                                 {"unit axis [3,1]", {sample_tensor({3, 1}, g, d)}}};
  };
  auto bad_axis = [](Generator& g, Dtype d) {
    return std::vector<OpSample>{{"axis 1 of a vector [4]", {sample_tensor({4}, g, d)}},
                                 {"axis 1 of a scalar []", {sample_tensor({}, g, d)}}};
  };
  r.add({.name = "sum_axis",
         .formula = "sum over axis 1",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return sum(in[0], {1}); },
         .samples = rank2plus,
         .bad_samples = bad_axis});
  r.add({.name = "sum_keepdim",
         .formula = "sum over axes (0, -1), keepdim",
         .arity = 1,
         .fn =
             [](const std::vector<Tensor>& in) {
               return sum(in[0], {0, -1}, true);
             },
         .samples = rank2plus,
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"scalar []", {sample_tensor({}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
