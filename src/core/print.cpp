// Printing tensors the way PyTorch does: nested brackets, aligned columns, large tensors
// summarized with "...", floating values with four decimals (or in scientific notation),
// integers as integers and bools as True/False; then the shape (always, unlike PyTorch),
// the dtype when it is not a default one, and the grad_fn.
// Views print their values in row-major order (read through dense).

#include <fmt/format.h>

#include <cmath>
#include <ostream>

#include "core/tensor_impl.hpp"
#include "nabla/autograd.hpp"

namespace nabla {
namespace {

constexpr std::int64_t kSummarizeAbove = 1000;  // PyTorch's default threshold
constexpr std::int64_t kEdgeItems = 3;

enum class Kind { floating, integer, boolean };

struct Printer {
  const Shape& shape;
  Kind kind;
  std::vector<double> values;      // floating tensors
  std::vector<std::int64_t> ints;  // integer and bool tensors (exact, bool as 0 or 1)
  std::vector<std::int64_t> strides;
  bool summarize;
  bool scientific = false;
  std::size_t width = 0;

  // Indices shown along an axis of extent n.
  std::vector<std::int64_t> shown(std::int64_t n) const {
    std::vector<std::int64_t> idx;
    if (summarize && n > 2 * kEdgeItems) {
      for (std::int64_t i = 0; i < kEdgeItems; ++i) idx.push_back(i);
      idx.push_back(-1);  // the ellipsis
      for (std::int64_t i = n - kEdgeItems; i < n; ++i) idx.push_back(i);
    } else {
      for (std::int64_t i = 0; i < n; ++i) idx.push_back(i);
    }
    return idx;
  }

  std::string text(std::int64_t offset) const {
    const auto i = static_cast<std::size_t>(offset);
    switch (kind) {
      case Kind::floating:
        return number(values[i]);
      case Kind::integer:
        return fmt::format("{}", ints[i]);
      case Kind::boolean:
        return ints[i] != 0 ? "True" : "False";
    }
    return {};
  }

  std::string number(double v) const {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return scientific ? fmt::format("{:.4e}", v) : fmt::format("{:.4f}", v);
  }

  // Visits every shown element to pick the number format and column width.
  void measure(std::size_t axis, std::int64_t offset, double& max_abs, double& min_abs) {
    if (axis == shape.size()) {
      const double v = values[static_cast<std::size_t>(offset)];
      if (std::isfinite(v) && v != 0.0) {
        max_abs = std::max(max_abs, std::abs(v));
        min_abs = std::min(min_abs, std::abs(v));
      }
      return;
    }
    for (auto i : shown(shape[axis])) {
      if (i >= 0) measure(axis + 1, offset + i * strides[axis], max_abs, min_abs);
    }
  }

  void widths(std::size_t axis, std::int64_t offset) {
    if (axis == shape.size()) {
      width = std::max(width, text(offset).size());
      return;
    }
    for (auto i : shown(shape[axis])) {
      if (i >= 0) widths(axis + 1, offset + i * strides[axis]);
    }
  }

  void write(std::string& out, std::size_t axis, std::int64_t offset, std::size_t indent) {
    if (axis == shape.size()) {
      out += fmt::format("{:>{}}", text(offset), width);
      return;
    }
    out += '[';
    const auto idx = shown(shape[axis]);
    const bool last_axis = axis + 1 == shape.size();
    for (std::size_t j = 0; j < idx.size(); ++j) {
      if (j > 0) {
        out += ',';
        if (last_axis) {
          out += ' ';
        } else {
          out += std::string(shape.size() - axis - 1, '\n');
          out += std::string(indent + 1, ' ');
        }
      }
      if (idx[j] < 0) {
        out += "...";
      } else {
        write(out, axis + 1, offset + idx[j] * strides[axis], indent + 1);
      }
    }
    out += ']';
  }
};

// Whether the printout names the dtype. As PyTorch: not for the defaults, float32, int64
// and bool, which the values already tell apart (four decimals, integers, True/False);
// but an empty tensor shows no values, so there only float32 goes unnamed.
bool shows_dtype(Dtype d, bool empty) {
  switch (d) {
    case Dtype::f32:
      return false;
    case Dtype::i64:
    case Dtype::bool_:
      return empty;
    case Dtype::f64:
    case Dtype::i32:
    case Dtype::u8:
      return true;
  }
  return true;
}

}  // namespace

std::string to_string(const Tensor& t) {
  if (!t.defined()) return "tensor(undefined)";
  const Kind kind = is_floating_point(t.dtype()) ? Kind::floating
                    : t.dtype() == Dtype::bool_  ? Kind::boolean
                                                 : Kind::integer;
  Printer p{t.shape(), kind, {}, {}, {}, t.numel() > kSummarizeAbove};
  if (kind == Kind::floating) {
    p.values = t.to_vector();
  } else {
    // Read exactly (an int64 past 2⁵³ does not survive a trip through double).
    const Tensor values = detail::dense(t);
    p.ints.resize(static_cast<std::size_t>(t.numel()));
    detail::dispatch(t.dtype(), [&](auto tag) {
      const auto* v = detail::data_ptr<decltype(tag)>(values);
      for (std::size_t i = 0; i < p.ints.size(); ++i) p.ints[i] = static_cast<std::int64_t>(v[i]);
    });
  }
  p.strides.assign(p.shape.size(), 1);
  for (std::size_t i = p.shape.size(); i-- > 1;) p.strides[i - 1] = p.strides[i] * p.shape[i];
  std::string out = "tensor(";
  if (t.numel() == 0) {
    out += "[]";
  } else {
    if (kind == Kind::floating) {
      double max_abs = 0.0, min_abs = INFINITY;
      p.measure(0, 0, max_abs, min_abs);
      p.scientific = max_abs >= 1e8 || (min_abs < 1e-4 && max_abs > 0.0);
    }
    p.widths(0, 0);
    p.write(out, 0, 0, 7);
  }
  out += fmt::format(", shape={}", shape_str(t.shape()));
  if (shows_dtype(t.dtype(), t.numel() == 0))
    out += fmt::format(", dtype={}", dtype_name(t.dtype()));
  if (auto fn = t.grad_fn()) {
    out += fmt::format(", grad_fn=<{}>", fn->name());
  } else if (t.requires_grad()) {
    out += ", requires_grad=true";
  }
  out += ')';
  return out;
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  return os << to_string(t);
}

}  // namespace nabla
