// Storage, the making of tensors and views, and the layout helpers every layer uses.

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <mutex>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "core/strided.hpp"
#include "core/tensor_impl.hpp"

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace nabla {
namespace detail {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kHugeBytes = std::size_t{8} << 20;  // buffers this big or bigger

// The heap buffer of an n-byte storage: its alignment and its size rounded up to it.
std::size_t alignment_for(std::size_t n) {
#ifdef __linux__
  // Big buffers are fresh pages from the kernel, and touching them one 4 KiB page
  // fault at a time cost more than the arithmetic (an elementwise op on 47M floats:
  // 0.57 s, most of it in the kernel). On 2 MiB boundaries, with MADV_HUGEPAGE, they
  // fault in 2 MiB at a time where transparent huge pages are enabled.
  if (n >= kHugeBytes) return kHugePage;
#endif
  // 64-byte alignment suits every SIMD width xsimd may use.
  return 64;
}

std::size_t rounded_size(std::size_t n) {
  const std::size_t align = alignment_for(n);
  return (n + align - 1) / align * align;
}

// Freed buffers of 256 KiB and more, kept for the next storage of the same rounded size.
// malloc hands such sizes to mmap and back to the kernel on free, so a training step that
// makes and drops the same activations each time paid for fresh, zeroed pages every time
// (a fifth of a CNN step in clear_page). Bounded: beyond kCacheLimit bytes a freed buffer
// goes back to malloc. Under AddressSanitizer nothing is kept, so that a use after free
// is still caught.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCacheBuffers = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kCacheBuffers = false;
#else
constexpr bool kCacheBuffers = true;
#endif
#else
constexpr bool kCacheBuffers = true;
#endif
constexpr std::size_t kCacheMinBytes = std::size_t{256} << 10;
constexpr std::size_t kCacheLimit = std::size_t{1} << 30;

struct BufferCache {
  std::mutex mutex;
  std::unordered_multimap<std::size_t, void*> free;  // rounded size → buffer
  std::size_t bytes = 0;
};

BufferCache& buffer_cache() {
  static auto* cache = new BufferCache;  // never destroyed: storages may outlive statics
  return *cache;
}

void* take_cached(std::size_t rounded) {
  if (!kCacheBuffers || rounded < kCacheMinBytes) return nullptr;
  BufferCache& c = buffer_cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  auto it = c.free.find(rounded);
  if (it == c.free.end()) return nullptr;
  void* p = it->second;
  c.free.erase(it);
  c.bytes -= rounded;
  return p;
}

// True when the cache kept the buffer.
bool give_cached(void* p, std::size_t rounded) {
  if (!kCacheBuffers || rounded < kCacheMinBytes) return false;
  BufferCache& c = buffer_cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  if (c.bytes + rounded > kCacheLimit) return false;
  c.free.emplace(rounded, p);
  c.bytes += rounded;
  return true;
}
}  // namespace

std::size_t release_cached_buffers() {
  BufferCache& c = buffer_cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  const std::size_t bytes = c.bytes;
  for (auto& [size, p] : c.free) std::free(p);
  c.free.clear();
  c.bytes = 0;
  return bytes;
}

std::atomic<std::int64_t> live_nodes{0};  // counted by Node's constructor and destructor
std::atomic<std::int64_t> live_storages{0};

Storage::Storage(std::size_t n) : nbytes(n) {
  if (n <= kInlineBytes) {
    data = inline_buf;
  } else {
    const std::size_t align = alignment_for(n), rounded = rounded_size(n);
    data = take_cached(rounded);
    if (data == nullptr) {
      data = std::aligned_alloc(align, rounded);  // (aligned_alloc wants a multiple of align)
      if (data == nullptr) throw std::bad_alloc();
#ifdef __linux__
      if (align == kHugePage) madvise(data, rounded, MADV_HUGEPAGE);  // a hint: failure is fine
#endif
    }
  }
  live_storages.fetch_add(1, std::memory_order_relaxed);  // after the last throw
}

Storage::~Storage() {
  if (data != inline_buf && !give_cached(data, rounded_size(nbytes))) std::free(data);
  live_storages.fetch_sub(1, std::memory_order_relaxed);
}

TensorImpl::~TensorImpl() {
  // The bookkeeping may hold the head of a long chain of nodes; hand it to the deferred
  // release queue rather than recursing through it.
  if (meta && meta.use_count() == 1 && meta->grad_fn) defer_release(std::move(meta->grad_fn));
}

namespace {
std::string byte_count(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes);
  std::size_t u = 0;
  while (v >= 1024.0 && u + 1 < std::size(kUnits)) {
    v /= 1024.0;
    ++u;
  }
  return u == 0 ? fmt::format("{} bytes", bytes) : fmt::format("{:.1f} {}", v, kUnits[u]);
}
}  // namespace

Tensor make_tensor(Shape shape, Dtype dtype, const char* op) {
  const std::int64_t numel = shape_numel(shape, op);
  const auto elem = static_cast<std::int64_t>(dtype_size(dtype));
  if (numel > std::numeric_limits<std::int64_t>::max() / elem) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: a {} tensor of shape {} would need {} × {} bytes, more than a 64-bit byte "
        "count holds",
        op, dtype_name(dtype), shape_str(shape), numel, elem));
  }
  const auto nbytes = static_cast<std::size_t>(numel * elem);
  auto impl = make_pooled<TensorImpl>();
  try {
    impl->storage = make_pooled<Storage>(nbytes);
  } catch (const std::bad_alloc&) {
    throw OutOfMemoryError(fmt::format(
        "nabla::{}: out of memory: a {} tensor of shape {} needs {} ({} bytes), which could not "
        "be allocated",
        op, dtype_name(dtype), shape_str(shape), byte_count(nbytes), nbytes));
  }
  impl->numel = numel;
  if (const std::size_t rank = shape.size()) {  // a scalar has no strides
    impl->strides.resize(rank);
    std::int64_t stride = 1;
    for (std::size_t d = rank; d-- > 0;) {
      impl->strides[d] = stride;
      stride *= shape[d] > 1 ? shape[d] : 1;
    }
  }
  impl->shape = std::move(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Strides contiguous_strides(const Shape& shape) {
  Strides strides(shape.size());
  std::int64_t s = 1;
  for (std::size_t d = shape.size(); d-- > 0;) {
    strides[d] = s;
    s *= std::max<std::int64_t>(shape[d], 1);
  }
  return strides;
}

bool is_contiguous_layout(const Shape& shape, const Strides& strides) {
  std::int64_t expected = 1;
  for (std::size_t d = shape.size(); d-- > 0;) {
    if (shape[d] == 0) return true;
    if (shape[d] != 1 && strides[d] != expected) return false;
    expected *= shape[d];
  }
  return true;
}

Tensor make_view(const Tensor& src, Shape shape, Strides strides, std::int64_t offset) {
  auto impl = make_pooled<TensorImpl>();
  impl->numel = shape_numel(shape, "view");
  impl->contiguous = is_contiguous_layout(shape, strides);
  impl->shape = std::move(shape);
  impl->strides = std::move(strides);
  impl->offset = offset;
  impl->dtype = src.dtype();
  impl->storage = src.impl()->storage;
  return Tensor(std::move(impl));
}

Tensor alias_of(const Tensor& t) {
  const TensorImpl& from = *t.impl();
  auto impl = make_pooled<TensorImpl>();
  impl->shape = from.shape;
  impl->strides = from.strides;
  impl->offset = from.offset;
  impl->numel = from.numel;
  impl->dtype = from.dtype;
  impl->contiguous = from.contiguous;
  impl->storage = from.storage;
  return Tensor(std::move(impl));
}

void throw_not_contiguous(const Tensor& t) {
  throw std::logic_error(fmt::format(
      "nabla internal error: a kernel read a non-contiguous tensor (shape {}, strides {}) as "
      "dense memory; please report this",
      shape_str(t.shape()), shape_str(t.strides())));
}

void throw_not_floating(const char* op, Dtype dtype, const char* arg) {
  throw std::invalid_argument(fmt::format(
      "nabla::{}: {} is {}, but {} works on floating-point tensors only (float32 or float64); "
      "convert it with .to(nabla::f32)",
      op, arg, dtype_name(dtype), op));
}

Tensor copy_of(const Tensor& t) {
  Tensor out = make_tensor(t.shape(), t.dtype(), "contiguous");
  copy_values(out, t);
  return out;
}

Tensor expand_view(const Tensor& t, const Shape& shape) {
  if (t.shape() == shape) return t;
  const Shape& from = t.shape();
  const std::size_t lead =
      shape.size() - from.size();  // broadcastable: from.size() <= shape.size()
  Strides strides(shape.size(), 0);
  for (std::size_t d = 0; d < from.size(); ++d) {
    strides[lead + d] = from[d] == 1 && shape[lead + d] != 1 ? 0 : t.impl()->strides[d];
  }
  return make_view(t, shape, std::move(strides), t.impl()->offset);
}

void copy_values(const Tensor& dst, const Tensor& src) {
  dispatch(dst.dtype(), [&](auto dtag) {
    using D = decltype(dtag);
    dispatch(src.dtype(), [&](auto stag) {
      using S = decltype(stag);
      D* d = base_ptr<D>(dst);
      const S* s = base_ptr<S>(src);
      const std::array<const Strides*, 2> strides{&dst.impl()->strides, &src.impl()->strides};
      if (dst.numel() == 0) return;
      const RunLayout<2> l = merge_layout<2>(dst.shape(), strides);
      if (transposed_layout(l)) {
        // A transpose (contiguous() of x.t(), or copy_ into one): tile by tile, the lines
        // of both sides stay in the cache until every value on them is copied.
        for_each_tile_in<2>(l, 0, tile_count(l),
                            [&](const auto& off, std::int64_t rows, std::int64_t cols,
                                const auto& rs, const auto& cs) {
                              if constexpr (std::is_same_v<D, S>) {
                                if (rs[1] == 1 && cs[0] == 1) {  // contiguous() of x.t()
                                  transpose_block(s + off[1], cs[1], d + off[0], rs[0], cols,
                                                  rows);
                                  return;
                                }
                                if (rs[0] == 1 && cs[1] == 1) {  // copy_ into x.t()
                                  transpose_block(s + off[1], rs[1], d + off[0], cs[0], rows,
                                                  cols);
                                  return;
                                }
                              }
                              for (std::int64_t r = 0; r < rows; ++r) {
                                D* dp = d + off[0] + r * rs[0];
                                const S* sp = s + off[1] + r * rs[1];
                                for (std::int64_t c = 0; c < cols; ++c)
                                  dp[c * cs[0]] = convert<D>(sp[c * cs[1]]);
                              }
                            });
        return;
      }
      for_each_run_in<2>(l, 0, dst.numel(),
                         [&](const auto& off, std::int64_t n, const auto& inner) {
                           D* dp = d + off[0];
                           const S* sp = s + off[1];
                           if (inner[0] == 1 && inner[1] == 1) {
                             for (std::int64_t i = 0; i < n; ++i) dp[i] = convert<D>(sp[i]);
                           } else {
                             for (std::int64_t i = 0; i < n; ++i)
                               dp[i * inner[0]] = convert<D>(sp[i * inner[1]]);
                           }
                         });
    });
  });
}

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype()) {
    throw std::invalid_argument(fmt::format(
        "nabla::{}: dtype mismatch: {} {} and {} {}; nabla does not promote silently, convert "
        "one with .to(nabla::{})",
        op, dtype_name(a.dtype()), shape_str(a.shape()), dtype_name(b.dtype()),
        shape_str(b.shape()), dtype_name(Dtype::f64)));
  }
}

void check_defined(const char* op, const Tensor& t, const char* arg) {
  if (!t.defined()) {
    throw std::invalid_argument(fmt::format("nabla::{}: {} is an undefined tensor", op, arg));
  }
}

template <class T>
T checked_value(double value, const char* op) {
  if constexpr (std::is_same_v<T, bool>) {
    return value != 0.0;
  } else if constexpr (std::is_integral_v<T>) {
    constexpr auto lo = static_cast<double>(std::numeric_limits<T>::min());
    constexpr double hi_excl = static_cast<double>(std::numeric_limits<T>::max() / 2 + 1) * 2;
    const double whole = std::trunc(value);  // NaN stays NaN and fails both tests
    if (!(whole >= lo && whole < hi_excl)) {
      throw std::invalid_argument(fmt::format("nabla::{}: the value {} cannot be converted to {}",
                                              op, value, dtype_name(dtype_of<T>())));
    }
    return static_cast<T>(value);
  } else {
    return static_cast<T>(value);
  }
}
template float checked_value<float>(double, const char*);
template double checked_value<double>(double, const char*);
template std::int64_t checked_value<std::int64_t>(double, const char*);
template std::int32_t checked_value<std::int32_t>(double, const char*);
template std::uint8_t checked_value<std::uint8_t>(double, const char*);
template bool checked_value<bool>(double, const char*);

}  // namespace detail

namespace debug {
LiveCounts live_counts() noexcept {
  return {detail::live_nodes.load(std::memory_order_relaxed),
          detail::live_storages.load(std::memory_order_relaxed)};
}
std::size_t release_cached_memory() { return detail::release_cached_buffers(); }
}  // namespace debug

}  // namespace nabla
