// Anomaly mode: NaN and infinity caught at the op (forward) or rule (backward) that
// produced them, with the place in the user's code that called the op.

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "core/tensor_impl.hpp"
#include "nabla/autograd.hpp"

namespace nabla {
namespace detail {

thread_local int anomaly_depth = 0;
thread_local const std::source_location* current_call_site = nullptr;

void CallSiteScope::enter(const CallSite& where) noexcept {
  // Operators (a + b) are inline in ops.hpp: their default location is that header, which
  // tells the user nothing; leave the place unknown rather than misleading.
  const std::string_view file = where.location.file_name();
  if (file.ends_with("nabla/ops.hpp")) return;
  current_call_site = &where.location;
  owner_ = true;
}

namespace {

// True when some value of p[0..n) is NaN or infinite: its exponent bits are all ones. An
// integer OR-reduction, which the compiler vectorizes (a floating-point one it may not).
template <class T, class U>
bool any_nonfinite(const T* p, std::int64_t n) {
  constexpr U kExponent =
      static_cast<U>(std::is_same_v<T, float> ? 0x7f800000ull : 0x7ff0000000000000ull);
  U bad = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    U bits;
    std::memcpy(&bits, p + i, sizeof bits);
    bad |= static_cast<U>((bits & kExponent) == kExponent);
  }
  return bad != 0;
}

// Flat index of the first NaN or infinity in t, or -1.
std::int64_t first_nonfinite(const Tensor& t) {
  return dispatch(t.dtype(), [&](auto tag) -> std::int64_t {
    using T = decltype(tag);
    using U = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;
    const Tensor values = dense(t);
    const T* p = data_ptr<T>(values);
    if (!any_nonfinite<T, U>(p, t.numel())) return -1;
    for (std::int64_t i = 0; i < t.numel(); ++i) {
      if (!std::isfinite(p[i])) return i;
    }
    return -1;
  });
}

std::string place(const Node& node) {
  const std::source_location& w = node.location();
  if (w.line() == 0) return "at an unknown place (called through an operator or internally)";
  return fmt::format("at {}:{} in {}", w.file_name(), w.line(), w.function_name());
}

std::string index_of(std::int64_t flat, const Shape& shape) {
  std::vector<std::int64_t> idx(shape.size());
  for (std::size_t i = shape.size(); i-- > 0;) {
    idx[i] = flat % shape[i];
    flat /= shape[i];
  }
  return fmt::format("[{}]", fmt::join(idx, ", "));
}

double value_at(const Tensor& t, std::int64_t i) {
  return dispatch(t.dtype(), [&](auto tag) {
    return static_cast<double>(data_ptr<decltype(tag)>(dense(t))[i]);
  });
}

}  // namespace

void check_forward_anomaly(const Node& node, const Tensor& result) {
  const std::int64_t bad = first_nonfinite(result);
  if (bad < 0) return;
  throw std::runtime_error(fmt::format(
      "nabla anomaly: forward of '{}' produced {} at index {} of its result (shape {}); the op "
      "was called {}",
      node.name(), value_at(result, bad), index_of(bad, result.shape()), shape_str(result.shape()),
      place(node)));
}

void check_backward_anomaly(const Node& node, const std::vector<Tensor>& grads) {
  for (std::size_t i = 0; i < grads.size(); ++i) {
    if (!grads[i].defined()) continue;
    const std::int64_t bad = first_nonfinite(grads[i]);
    if (bad < 0) continue;
    throw std::runtime_error(fmt::format(
        "nabla anomaly: backward of '{}' returned {} at index {} of the gradient for input {} "
        "(shape {}); the op was called {}",
        node.name(), value_at(grads[i], bad), index_of(bad, grads[i].shape()), i,
        shape_str(grads[i].shape()), place(node)));
  }
}

}  // namespace detail

DetectAnomalyGuard::DetectAnomalyGuard() {
  ++detail::anomaly_depth;
}
DetectAnomalyGuard::~DetectAnomalyGuard() {
  --detail::anomaly_depth;
}
bool is_anomaly_enabled() noexcept {
  return detail::anomaly_depth > 0;
}

}  // namespace nabla
