// view: the same values seen with another shape, never copied.
//   forward : result = x seen as `shape` (one extent may be -1, inferred)
//   backward: grad_x = reshape(grad_out, x.shape)
//   saves   : nothing
//   shapes  : numel(shape) = numel(x); x's strides must express the new shape: axes merge
//             or split only within runs of axes laid out contiguously relative to each
//             other (PyTorch's rule), else std::invalid_argument naming shape and strides
//             (reshape copies instead)

#include "ops/view_common.hpp"

namespace nabla {
namespace detail {

std::optional<Strides> view_strides(const Shape& shape, const Strides& strides,
                                    const Shape& new_shape) {
  if (shape_numel(shape) == 0 || shape.empty()) return contiguous_strides(new_shape);
  Strides out(new_shape.size(), 1);
  // Walk the old axes from the innermost, cutting them into runs that are contiguous
  // relative to each other; each run must be covered exactly by consecutive new axes,
  // which then get strides as a row-major block over the run's innermost stride.
  auto nd = static_cast<std::ptrdiff_t>(new_shape.size()) - 1;
  std::int64_t run_base = strides.back();
  std::int64_t run_numel = 1;
  std::int64_t new_numel = 1;
  for (auto od = static_cast<std::ptrdiff_t>(shape.size()) - 1; od >= 0; --od) {
    run_numel *= shape[static_cast<std::size_t>(od)];
    const bool run_ends =
        od == 0 || (shape[static_cast<std::size_t>(od) - 1] != 1 &&
                    strides[static_cast<std::size_t>(od) - 1] != run_numel * run_base);
    if (!run_ends) continue;
    while (nd >= 0 && (new_numel < run_numel || new_shape[static_cast<std::size_t>(nd)] == 1)) {
      out[static_cast<std::size_t>(nd)] = new_numel * run_base;
      new_numel *= new_shape[static_cast<std::size_t>(nd)];
      --nd;
    }
    if (new_numel != run_numel) return std::nullopt;
    if (od > 0) {
      run_base = strides[static_cast<std::size_t>(od) - 1];
      run_numel = 1;
      new_numel = 1;
    }
  }
  if (nd != -1) return std::nullopt;
  return out;
}

Tensor shape_view(const char* op, const Tensor& x, const Shape& shape, const Strides& strides) {
  Tensor result = make_view(x, shape, strides, x.storage_offset());
  record<ShapeViewNode>(result, {x}, op);
  return result;
}

}  // namespace detail

Tensor view(const Tensor& x, const Shape& shape, CallSite where) {
  detail::CallSiteScope site(where);
  detail::check_defined("view", x);
  const Shape target = detail::infer_shape("view", x, shape);
  const auto strides = detail::view_strides(x.shape(), x.impl()->strides, target);
  if (!strides) {
    throw std::invalid_argument(fmt::format(
        "nabla::view: a tensor of shape {} and strides {} cannot be viewed as {}: its axes are "
        "not laid out contiguously where the new shape merges or splits them (use reshape, "
        "which copies)",
        shape_str(x.shape()), shape_str(x.strides()), shape_str(target)));
  }
  return detail::shape_view("view", x, target, *strides);
}

Tensor Tensor::view(const Shape& s) const {
  return nabla::view(*this, s);
}

namespace detail {
void register_view(OpRegistry& r) {
  r.add({.name = "view",
         .formula = "x viewed as [-1] (flat)",
         .arity = 1,
         .fn = [](const std::vector<Tensor>& in) { return view(in[0].contiguous(), {-1}); },
         .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
  r.add(
      {.name = "view_split",
       .formula = "x [.., 6] viewed as [.., 2, 3]",
       .arity = 1,
       .fn =
           [](const std::vector<Tensor>& in) {
             Shape s = in[0].shape();
             if (s.empty()) return view(in[0], {2, 3});  // a 0-d input: view names the mismatch
             s.back() = 2;
             s.push_back(3);
             return view(in[0], s);
           },
       .samples =
           [](Generator& g, Dtype d) {
             return std::vector<OpSample>{{"matrix [4,6]", {sample_tensor({4, 6}, g, d)}},
                                          {"vector [6]", {sample_tensor({6}, g, d)}},
                                          {"rank 3 [2,1,6]", {sample_tensor({2, 1, 6}, g, d)}}};
           },
       .bad_samples =
           [](Generator& g, Dtype d) {
             return std::vector<OpSample>{{"last axis not 6 [4,5]", {sample_tensor({4, 5}, g, d)}}};
           }});
}
}  // namespace detail
}  // namespace nabla
