// Tensor handle, storage, factories and the generator.

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <numbers>

#include "nabla/ops.hpp"
#include "core/tensor_impl.hpp"

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace nabla {
namespace detail {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kHugeBytes = std::size_t{8} << 20;  // buffers this big or bigger
}  // namespace

std::atomic<std::int64_t> live_nodes{0};  // counted by Node's constructor and destructor
std::atomic<std::int64_t> live_storages{0};

Storage::Storage(std::size_t n) : nbytes(n) {
  if (n <= kInlineBytes) {
    data = inline_buf;
  } else {
    // 64-byte alignment suits every SIMD width xsimd may use; round the size up as
    // aligned_alloc requires.
    std::size_t align = 64;
#ifdef __linux__
    // Big buffers are fresh pages from the kernel, and touching them one 4 KiB page
    // fault at a time cost more than the arithmetic (an elementwise op on 47M floats:
    // 0.57 s, most of it in the kernel). On 2 MiB boundaries, with MADV_HUGEPAGE, they
    // fault in 2 MiB at a time where transparent huge pages are enabled.
    if (n >= kHugeBytes) align = kHugePage;
#endif
    const std::size_t rounded = (n + align - 1) / align * align;
    data = std::aligned_alloc(align, rounded);
    if (data == nullptr) {
      throw std::bad_alloc();
    }
#ifdef __linux__
    if (align == kHugePage) madvise(data, rounded, MADV_HUGEPAGE);  // a hint: failure is fine
#endif
  }
  live_storages.fetch_add(1, std::memory_order_relaxed);  // after the last throw
}

Storage::~Storage() {
  if (data != inline_buf) std::free(data);
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
  impl->shape = std::move(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor alias_with_shape(const Tensor& src, Shape shape) {
  auto impl = make_pooled<TensorImpl>();
  impl->numel = shape_numel(shape, "reshape");
  impl->shape = std::move(shape);
  impl->dtype = src.dtype();
  impl->storage = src.impl()->storage;
  return Tensor(std::move(impl));
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

}  // namespace detail

using detail::data_ptr;
using detail::make_tensor;

// ---- generator ---------------------------------------------------------------------

Generator::Generator(const Generator& other) {
  std::lock_guard<std::mutex> lock(other.mutex_);
  engine_ = other.engine_;
  has_spare_ = other.has_spare_;
  spare_ = other.spare_;
}

Generator& Generator::operator=(const Generator& other) {
  if (this == &other) return *this;
  std::scoped_lock lock(mutex_, other.mutex_);
  engine_ = other.engine_;
  has_spare_ = other.has_spare_;
  spare_ = other.spare_;
  return *this;
}

void Generator::manual_seed(std::uint64_t seed) {
  std::lock_guard<std::mutex> lock(mutex_);
  engine_.seed(seed);
  has_spare_ = false;
}

double Generator::uniform() {
  return locked([](Unlocked& g) { return g.uniform(); });
}
double Generator::normal() {
  return locked([](Unlocked& g) { return g.normal(); });
}
std::uint64_t Generator::integer(std::uint64_t n) {
  return locked([n](Unlocked& g) { return g.integer(n); });
}

double Generator::uniform_unlocked() {
  // 53 random bits give every double in [0, 1) on a grid of 2^-53.
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

double Generator::normal_unlocked() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = uniform_unlocked();
  while (u1 <= 0.0) u1 = uniform_unlocked();
  const double u2 = uniform_unlocked();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

std::uint64_t Generator::integer_unlocked(std::uint64_t n) {
  if (n == 0) throw std::invalid_argument("nabla::Generator::integer: n must be positive");
  // Rejection sampling removes the modulo bias.
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t r = engine_();
  while (r >= limit) r = engine_();
  return r % n;
}

Generator& default_generator() {
  static Generator gen(0);
  return gen;
}

void manual_seed(std::uint64_t seed) {
  default_generator().manual_seed(seed);
}

// ---- Tensor accessors --------------------------------------------------------------

void Tensor::check_defined(const char* what) const {
  if (!impl_) {
    throw std::logic_error(fmt::format("nabla::Tensor::{}: the tensor is undefined", what));
  }
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

template <class T>
T Tensor::item() const {
  check_defined("item");
  if (impl_->numel != 1) {
    throw std::invalid_argument(fmt::format(
        "nabla::Tensor::item: the tensor has {} elements (shape {}); item() needs exactly one",
        impl_->numel, shape_str(impl_->shape)));
  }
  return detail::dispatch(impl_->dtype, [&](auto tag) {
    const auto v = *data_ptr<decltype(tag)>(*this);
    if constexpr (std::is_integral_v<T>) {
      // Converting NaN, ±inf or an out-of-range float to an integer is undefined in C++;
      // PyTorch refuses as well ("cannot convert float NaN to integer").
      constexpr auto lo = static_cast<double>(std::numeric_limits<T>::min());
      constexpr double hi_excl = -lo;  // 2^(bits-1), exact in a double
      const auto d = static_cast<double>(v);
      if (!(d >= lo && d < hi_excl)) {
        throw std::invalid_argument(
            fmt::format("nabla::Tensor::item: the value {} does not fit in a {}-bit integer", d,
                        8 * sizeof(T)));
      }
    }
    return static_cast<T>(v);
  });
}
template float Tensor::item<float>() const;
template double Tensor::item<double>() const;
template std::int64_t Tensor::item<std::int64_t>() const;
template int Tensor::item<int>() const;

template <class T>
const T* Tensor::data() const {
  check_defined("data");
  if (dtype_of<T>() != impl_->dtype) {
    throw std::invalid_argument(
        fmt::format("nabla::Tensor::data: asked for {} but the tensor is {}",
                    dtype_name(dtype_of<T>()), dtype_name(impl_->dtype)));
  }
  return data_ptr<T>(*this);
}
template const float* Tensor::data<float>() const;
template const double* Tensor::data<double>() const;

template <class T>
T* Tensor::mutable_data() {
  return const_cast<T*>(data<T>());
}
template float* Tensor::mutable_data<float>();
template double* Tensor::mutable_data<double>();

std::vector<double> Tensor::to_vector() const {
  check_defined("to_vector");
  std::vector<double> out(static_cast<std::size_t>(impl_->numel));
  detail::dispatch(impl_->dtype, [&](auto tag) {
    const auto* p = data_ptr<decltype(tag)>(*this);
    std::copy(p, p + impl_->numel, out.begin());
  });
  return out;
}

Tensor Tensor::to(Dtype dtype) const {
  check_defined("to");
  if (dtype == impl_->dtype) return *this;
  return nabla::cast(*this, dtype);
}

Tensor Tensor::clone() const {
  check_defined("clone");
  return nabla::clone(*this);
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
  if (impl_->meta->grad_fn) impl_->meta->grad_fn->retained_ = impl_->meta;
}

Tensor Tensor::detach() const {
  check_defined("detach");
  return detail::alias_with_shape(*this, impl_->shape);
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
    std::fill_n(data_ptr<T>(*this), impl_->numel, static_cast<T>(value));
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
  Tensor src = other.shape() == shape() ? other : broadcast_to(other, shape());
  detail::dispatch(impl_->dtype, [&](auto tag) {
    using T = decltype(tag);
    T* d = data_ptr<T>(*this);
    const T* s = data_ptr<T>(src);
    const T a = static_cast<T>(alpha);
    for (std::int64_t i = 0; i < impl_->numel; ++i) d[i] += a * s[i];
  });
  ++impl_->storage->version;
  return *this;
}

Tensor& Tensor::mul_(double factor) {
  check_defined("mul_");
  check_inplace(*this, "mul_");
  detail::dispatch(impl_->dtype, [&](auto tag) {
    using T = decltype(tag);
    T* d = data_ptr<T>(*this);
    const T f = static_cast<T>(factor);
    for (std::int64_t i = 0; i < impl_->numel; ++i) d[i] *= f;
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
  Tensor src = other.dtype() == dtype() ? other : other.to(dtype());
  if (src.shape() != shape()) src = broadcast_to(src, shape());
  std::memcpy(impl_->storage->data, src.impl()->storage->data,
              static_cast<std::size_t>(impl_->numel) * dtype_size(impl_->dtype));
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
  impl_->numel = other.numel();
  impl_->dtype = other.dtype();
  impl_->storage = other.impl()->storage;
  // A graph that saved this tensor must see a change, whatever the new storage's count.
  impl_->storage->version = std::max(impl_->storage->version, old_version) + 1;
  if (!same_layout && impl_->meta) impl_->meta->grad = Tensor();
  return *this;
}

Tensor Tensor::reshape(const Shape& s) const {
  return nabla::reshape(*this, s);
}
Tensor Tensor::t() const {
  return nabla::transpose(*this);
}
Tensor Tensor::sum() const {
  return nabla::sum(*this);
}
Tensor Tensor::mean() const {
  return nabla::mean(*this);
}
Tensor Tensor::pow(double exponent) const {
  return nabla::pow(*this, exponent);
}

// ---- factories ---------------------------------------------------------------------

Tensor empty(const Shape& shape, Dtype dtype) {
  return make_tensor(shape, dtype, "empty");
}

namespace {
Tensor filled(const Shape& shape, double value, Dtype dtype, const char* op) {
  Tensor t = make_tensor(shape, dtype, op);
  detail::dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    std::fill_n(data_ptr<T>(t), t.numel(), static_cast<T>(value));
  });
  return t;
}
}  // namespace

Tensor full(const Shape& shape, double value, Dtype dtype) {
  return filled(shape, value, dtype, "full");
}
Tensor zeros(const Shape& shape, Dtype dtype) {
  return filled(shape, 0.0, dtype, "zeros");
}
Tensor ones(const Shape& shape, Dtype dtype) {
  return filled(shape, 1.0, dtype, "ones");
}
Tensor zeros_like(const Tensor& like) {
  return zeros(like.shape(), like.dtype());
}
Tensor ones_like(const Tensor& like) {
  return ones(like.shape(), like.dtype());
}
Tensor scalar_tensor(double value, Dtype dtype) {
  return filled({}, value, dtype, "scalar_tensor");
}

namespace {
template <class S>
Tensor from_values(std::span<const S> values, const Shape& shape, Dtype dtype) {
  const std::int64_t n = shape_numel(shape, "tensor");
  if (static_cast<std::int64_t>(values.size()) != n) {
    throw std::invalid_argument(
        fmt::format("nabla::tensor: {} values do not fill shape {} ({} elements)", values.size(),
                    shape_str(shape), n));
  }
  Tensor t = make_tensor(shape, dtype, "tensor");
  detail::dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    std::transform(values.begin(), values.end(), data_ptr<T>(t),
                   [](S v) { return static_cast<T>(v); });
  });
  return t;
}
}  // namespace

Tensor tensor(std::span<const double> values, const Shape& shape, Dtype dtype) {
  return from_values<double>(values, shape, dtype);
}

Tensor tensor(std::span<const float> values, const Shape& shape, Dtype dtype) {
  return from_values<float>(values, shape, dtype);
}

namespace {
// Walks nested braces, recording the extent of each level and the values in row-major
// order; every list at one depth must have the same length.
void flatten(const NestedList& node, std::size_t depth, Shape& shape, bool& shape_known,
             std::vector<double>& out, std::vector<std::int64_t>& path) {
  const auto where = [&] {
    return path.empty() ? std::string("the outer list")
                        : fmt::format("the list at index [{}]", fmt::join(path, "]["));
  };
  if (node.is_scalar()) {
    if (shape_known && depth != shape.size()) {
      throw std::invalid_argument(fmt::format(
          "nabla::tensor: ragged nested list: the entry at index [{}] is a number, but the "
          "entries before it at that depth are lists",
          fmt::join(path, "][")));
    }
    if (!shape_known) shape_known = true;
    out.push_back(node.value());
    return;
  }
  const auto n = static_cast<std::int64_t>(node.items().size());
  if (shape_known) {
    if (depth >= shape.size()) {
      throw std::invalid_argument(fmt::format(
          "nabla::tensor: ragged nested list: the entry at index [{}] is a list, but the "
          "entries before it at that depth are numbers",
          fmt::join(path, "][")));
    }
    if (shape[depth] != n) {
      throw std::invalid_argument(fmt::format(
          "nabla::tensor: ragged nested list: {} has {} entries but the lists before it at "
          "that depth have {}",
          where(), n, shape[depth]));
    }
  } else {
    shape.push_back(n);
    if (n == 0) shape_known = true;
  }
  for (std::int64_t i = 0; i < n; ++i) {
    path.push_back(i);
    flatten(node.items()[static_cast<std::size_t>(i)], depth + 1, shape, shape_known, out, path);
    path.pop_back();
  }
}
}  // namespace

Tensor tensor(const NestedList& values, Dtype dtype) {
  Shape shape;
  bool shape_known = false;
  std::vector<double> flat;
  std::vector<std::int64_t> path;
  flatten(values, 0, shape, shape_known, flat, path);
  return from_values<double>(flat, shape, dtype);
}

Tensor arange(double start, double end, double step, Dtype dtype) {
  if (!std::isfinite(start) || !std::isfinite(end) || !std::isfinite(step)) {
    throw std::invalid_argument(fmt::format(
        "nabla::arange: start, end and step must be finite, got start {}, end {}, step {}", start,
        end, step));
  }
  if (step == 0.0 || (end - start) * step < 0.0) {
    throw std::invalid_argument(
        fmt::format("nabla::arange: step {} cannot go from {} to {}", step, start, end));
  }
  const double count = std::ceil((end - start) / step);
  // Beyond 2⁶² the count is not even representable as an extent; make_tensor then
  // reports what the memory would be for anything smaller.
  if (!(count < 0x1p62)) {
    throw std::invalid_argument(
        fmt::format("nabla::arange: from {} to {} by {} is {} elements, too many for a tensor",
                    start, end, step, count));
  }
  const auto n = std::max<std::int64_t>(static_cast<std::int64_t>(count), 0);
  Tensor t = make_tensor({n}, dtype, "arange");
  detail::dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = data_ptr<T>(t);
    for (std::int64_t i = 0; i < n; ++i)
      p[i] = static_cast<T>(start + static_cast<double>(i) * step);
  });
  return t;
}

Tensor arange(double end, Dtype dtype) {
  return arange(0.0, end, 1.0, dtype);
}

Tensor rand(const Shape& shape, Generator& gen, Dtype dtype) {
  Tensor t = make_tensor(shape, dtype, "rand");
  detail::dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = data_ptr<T>(t);
    gen.locked([&](Generator::Unlocked& g) {
      for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<T>(g.uniform());
    });
  });
  return t;
}

Tensor randn(const Shape& shape, Generator& gen, Dtype dtype) {
  Tensor t = make_tensor(shape, dtype, "randn");
  detail::dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = data_ptr<T>(t);
    gen.locked([&](Generator::Unlocked& g) {
      for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<T>(g.normal());
    });
  });
  return t;
}

Tensor rand(const Shape& shape, Dtype dtype) {
  return rand(shape, default_generator(), dtype);
}
Tensor randn(const Shape& shape, Dtype dtype) {
  return randn(shape, default_generator(), dtype);
}

namespace debug {
LiveCounts live_counts() noexcept {
  return {detail::live_nodes.load(std::memory_order_relaxed),
          detail::live_storages.load(std::memory_order_relaxed)};
}
}  // namespace debug

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
