// transpose: swaps two axes (a view: the strides are swapped, no values are copied;
// matmul reads a transposed matrix through gemm's transpose flag).
//   forward : result[.., j, .., i, ..] = x[.., i, .., j, ..]  (axes dim0 and dim1 swapped)
//   backward: grad_x = transpose(grad_out, dim0, dim1)
//   saves   : nothing
//   shapes  : dim0, dim1 may be negative; outside the rank → std::out_of_range.
//             transpose(x) and x.t() swap the axes of a matrix [M, N] → [N, M]; x.t()
//             returns a 0-d or 1-d x as it is (as PyTorch), transpose(x) wants a 2-d x

#include "ops/op_common.hpp"

namespace nabla {
namespace {
struct TransposeNode final : Node {
  TransposeNode(std::size_t d0, std::size_t d1) : Node("transpose"), d0_(d0), d1_(d1) {}
  std::size_t d0_, d1_;
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {transpose(grad_out, static_cast<std::int64_t>(d0_), static_cast<std::int64_t>(d1_))};
  }
};

Tensor swap_axes(const Tensor& x, std::size_t d0, std::size_t d1) {
  if (d0 == d1) return x;
  Shape shape = x.shape();
  detail::Strides strides = x.impl()->strides;
  std::swap(shape[d0], shape[d1]);
  std::swap(strides[d0], strides[d1]);
  Tensor result = detail::make_view(x, std::move(shape), std::move(strides), x.storage_offset());
  record<TransposeNode>(result, {x}, d0, d1);
  return result;
}
}  // namespace

Tensor transpose(const Tensor& x, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("transpose", x);
  if (x.dim() != 2) {
    throw std::invalid_argument(fmt::format(
        "nabla::transpose: expects a 2-d tensor, got shape {} (rank {}); use transpose(x, "
        "dim0, dim1) or permute for other ranks",
        shape_str(x.shape()), x.dim()));
  }
  return swap_axes(x, 0, 1);
}

Tensor transpose(const Tensor& x, std::int64_t dim0, std::int64_t dim1, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("transpose", x);
  const auto d0 = static_cast<std::size_t>(normalize_axis(dim0, x.dim(), "transpose"));
  const auto d1 = static_cast<std::size_t>(normalize_axis(dim1, x.dim(), "transpose"));
  return swap_axes(x, d0, d1);
}

Tensor Tensor::t() const {
  check_defined("t");
  if (dim() > 2) {
    throw std::invalid_argument(
        fmt::format("nabla::t: expects a tensor of rank at most 2, got shape {} (rank {}); use "
                    "transpose(dim0, dim1) or permute for other ranks",
                    shape_str(shape()), dim()));
  }
  return dim() < 2 ? *this : nabla::transpose(*this);
}

Tensor Tensor::transpose(std::int64_t dim0, std::int64_t dim1) const {
  return nabla::transpose(*this, dim0, dim1);
}

namespace detail {
void register_transpose(OpRegistry& r) {
  r.add({.name = "transpose",
         .formula = "x^T",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return transpose(in[0]); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"row [1,5]", {sample_tensor({1, 5}, g, d)}},
                                            {"column [4,1]", {sample_tensor({4, 1}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"vector [4]", {sample_tensor({4}, g, d)}},
                                            {"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
             }});
  r.add({.name = "transpose_dims",
         .formula = "x.transpose(0, -1): the first and last axes swapped",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return transpose(in[0], 0, -1); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}},
                                            {"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"vector [5]", {sample_tensor({5}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"scalar []", {sample_tensor({}, g, d)}}};
             }});
  r.add({.name = "t",
         .formula = "x.t(): a matrix transposed, a vector or scalar as is",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return in[0].t(); },
         .samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"matrix [3,4]", {sample_tensor({3, 4}, g, d)}},
                                            {"vector [5]", {sample_tensor({5}, g, d)}},
                                            {"scalar []", {sample_tensor({}, g, d)}}};
             },
         .bad_samples =
             [](Generator& g, Dtype d) {
               return std::vector<OpSample>{{"rank 3 [2,3,4]", {sample_tensor({2, 3, 4}, g, d)}}};
             }});
}
}  // namespace detail
}  // namespace nabla
