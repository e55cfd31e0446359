// The collectives on tensors (all_reduce, broadcast, all_gather, reduce_scatter, the
// asynchronous all_reduce) and the agreement that precedes each synchronous one. Uses
// nabla's public API only (layer 7 of DESIGN.md): values are reached through data() and
// mutable_data(), layouts through contiguous() and copy_().

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <numeric>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "nabla/distributed.hpp"

#include "distributed/mpi_common.hpp"

namespace nabla::distributed {

using detail::check;

namespace {

using Lock = std::lock_guard<std::recursive_mutex>;

// ---- dtypes and ops ---------------------------------------------------------------------

MPI_Datatype mpi_type(Dtype d) {
  switch (d) {
    case Dtype::f32:
      return MPI_FLOAT;
    case Dtype::f64:
      return MPI_DOUBLE;
    case Dtype::i64:
      return MPI_INT64_T;
    case Dtype::i32:
      return MPI_INT32_T;
    case Dtype::u8:
      return MPI_UINT8_T;
    case Dtype::bool_:
      return MPI_C_BOOL;  // one byte holding 0 or 1, as nabla's bool
  }
  return MPI_DATATYPE_NULL;
}

MPI_Op mpi_op(ReduceOp op, Dtype d) {
  if (d == Dtype::bool_) {
    // MPI defines no arithmetic on booleans; on 0/1, sum ≠ 0 and max are or, min is and.
    return op == ReduceOp::min ? MPI_LAND : MPI_LOR;
  }
  switch (op) {
    case ReduceOp::sum:
    case ReduceOp::mean:
      return MPI_SUM;
    case ReduceOp::max:
      return MPI_MAX;
    case ReduceOp::min:
      return MPI_MIN;
  }
  return MPI_OP_NULL;
}

const char* op_name(std::int64_t op) {
  switch (static_cast<ReduceOp>(op)) {
    case ReduceOp::sum:
      return "sum";
    case ReduceOp::mean:
      return "mean";
    case ReduceOp::max:
      return "max";
    case ReduceOp::min:
      return "min";
  }
  return "an unknown reduction";
}

// The first element of a contiguous tensor, whatever its dtype.
void* raw(Tensor& t) {
  switch (t.dtype()) {
    case Dtype::f32:
      return t.mutable_data<float>();
    case Dtype::f64:
      return t.mutable_data<double>();
    case Dtype::i64:
      return t.mutable_data<std::int64_t>();
    case Dtype::i32:
      return t.mutable_data<std::int32_t>();
    case Dtype::u8:
      return t.mutable_data<std::uint8_t>();
    case Dtype::bool_:
      return t.mutable_data<bool>();
  }
  return nullptr;
}

// Divides every element of a contiguous floating tensor by n (ReduceOp::mean). Division,
// not multiplication by 1/n, so that a mean over 3 ranks is correctly rounded.
void divide(Tensor& t, int n) {
  switch (t.dtype()) {
    case Dtype::f32: {
      float* p = t.mutable_data<float>();
      const auto d = static_cast<float>(n);
      for (std::int64_t i = 0; i < t.numel(); ++i) p[i] /= d;
      return;
    }
    case Dtype::f64: {
      double* p = t.mutable_data<double>();
      const auto d = static_cast<double>(n);
      for (std::int64_t i = 0; i < t.numel(); ++i) p[i] /= d;
      return;
    }
    case Dtype::i64:
    case Dtype::i32:
    case Dtype::u8:
    case Dtype::bool_:
      return;  // refused before any MPI call (check_reduce_op)
  }
}

// MPI wrote t's values through its pointer, which the version counter does not see: a
// one-element copy_ onto itself bumps it (the counter is the storage's, so this marks all
// of t changed), so a graph that saved t fails at backward instead of using new values.
void bump_version(Tensor& t) {
  if (t.numel() == 0) return;
  Tensor first = t.flatten().narrow(0, 0, 1);
  first.copy_(first);
}

std::int64_t world(const char* call) {
  int n = 0;
  check(MPI_Comm_size(MPI_COMM_WORLD, &n), call, "MPI_Comm_size");
  return n;
}

int this_rank(const char* call) {
  int r = 0;
  check(MPI_Comm_rank(MPI_COMM_WORLD, &r), call, "MPI_Comm_rank");
  return r;
}

void check_defined(const char* call, const Tensor& t) {
  if (!t.defined()) throw std::invalid_argument(fmt::format("{}: the tensor is undefined", call));
}

void check_reduce_op(const char* call, Dtype d, ReduceOp op) {
  if (op == ReduceOp::mean && !is_floating_point(d)) {
    throw std::invalid_argument(fmt::format(
        "{}: ReduceOp::mean needs a floating-point tensor (float32 or float64), got {}; use "
        "ReduceOp::sum, or convert with .to(nabla::f32)",
        call, dtype_name(d)));
  }
}

void check_count(const char* call, const Tensor& t, std::int64_t count) {
  if (count > detail::max_count()) {
    throw std::invalid_argument(
        fmt::format("{}: {} {} has {} elements per rank, more than one MPI call takes ({})", call,
                    dtype_name(t.dtype()), shape_str(t.shape()), count, detail::max_count()));
  }
}

// Calls f(offset, count) over [0, n) in pieces of at most max_count() elements.
template <class F>
void in_pieces(std::int64_t n, F&& f) {
  for (std::int64_t at = 0; at < n; at += detail::max_count()) {
    f(at, static_cast<int>(std::min(detail::max_count(), n - at)));
  }
}

char* byte_at(void* base, std::int64_t element, Dtype d) {
  return static_cast<char*>(base) + element * static_cast<std::int64_t>(dtype_size(d));
}

// A stride-0 axis of extent > 1: one element standing for many, which copy_ refuses to
// write into.
bool is_expanded(const Tensor& t) {
  if (t.numel() == 0) return false;
  for (std::int64_t d = 0; d < t.dim(); ++d) {
    if (t.stride(d) == 0 && t.size(d) > 1) return true;
  }
  return false;
}

// ---- the agreement ------------------------------------------------------------------------

enum class Collective : std::int64_t {
  all_reduce = 1,
  broadcast,
  all_gather,
  all_gather_into_tensor,
  reduce_scatter
};

const char* collective_name(std::int64_t c) {
  switch (static_cast<Collective>(c)) {
    case Collective::all_reduce:
      return "all_reduce";
    case Collective::broadcast:
      return "broadcast";
    case Collective::all_gather:
      return "all_gather";
    case Collective::all_gather_into_tensor:
      return "all_gather_into_tensor";
    case Collective::reduce_scatter:
      return "reduce_scatter";
  }
  return "an unknown collective";
}

// What a rank passes to a collective, as numbers every rank compares: the collective, the
// tensor (defined, dtype, rank, extents), the reduction or source rank, and whether the
// tensor is an expanded view. Extents past the 8th enter as a hash; on a mismatch the
// full shapes are gathered for the message.
constexpr std::size_t kMaxDims = 8;
enum Field : std::size_t {
  kCollective,
  kDefined,
  kDtype,
  kDim,
  kParam,
  kExpanded,
  kTail,
  kExtents
};
constexpr std::size_t kFields = kExtents + kMaxDims;
using Signature = std::array<std::int64_t, kFields>;

Signature signature_of(Collective c, const Tensor& t, std::int64_t param, bool writes) {
  Signature s{};
  s[kCollective] = static_cast<std::int64_t>(c);
  s[kParam] = param;
  s[kDefined] = t.defined();
  if (!t.defined()) {
    s[kDtype] = s[kDim] = -1;
    return s;
  }
  s[kDtype] = static_cast<std::int64_t>(t.dtype());
  s[kDim] = t.dim();
  s[kExpanded] = writes && is_expanded(t);
  std::uint64_t tail = 0xcbf29ce484222325ull;  // FNV-1a over the extents past kMaxDims
  for (std::int64_t d = 0; d < t.dim(); ++d) {
    const auto e = t.size(d);
    if (static_cast<std::size_t>(d) < kMaxDims) {
      s[kExtents + static_cast<std::size_t>(d)] = e;
    } else {
      tail = (tail ^ static_cast<std::uint64_t>(e)) * 0x100000001b3ull;
    }
  }
  // Kept below 2⁶² so that its negation (see agree) cannot overflow.
  s[kTail] =
      t.dim() > static_cast<std::int64_t>(kMaxDims) ? static_cast<std::int64_t>(tail >> 2) : 0;
  return s;
}

std::string describe(Dtype d, const Shape& shape) {
  return fmt::format("{} {}", dtype_name(d), shape_str(shape));
}

// "rank 0 has float32 [2, 3], rank 1 has float32 [3, 2]" and the like: `what(r)` for each
// rank r.
template <class F>
std::string per_rank(std::int64_t n, F&& what) {
  std::string out;
  for (std::int64_t r = 0; r < n; ++r) {
    if (r) out += ", ";
    out += fmt::format("rank {} {}", r, what(static_cast<std::size_t>(r)));
  }
  return out;
}

// The error after a disagreement, or after an expanded view on some rank: every rank's
// signature (and full shape) is gathered so that each rank's message names them all.
[[noreturn]] void disagree(const char* call, const Signature& mine, const Tensor& t) {
  const std::int64_t n = world(call);
  std::vector<std::int64_t> all(kFields * static_cast<std::size_t>(n));
  check(MPI_Allgather(mine.data(), static_cast<int>(kFields), MPI_INT64_T, all.data(),
                      static_cast<int>(kFields), MPI_INT64_T, MPI_COMM_WORLD),
        call, "MPI_Allgather");
  const auto field = [&](std::size_t r, Field f) { return all[r * kFields + f]; };

  // The full shapes: one MPI_Allgatherv of every rank's extents.
  std::vector<int> counts(static_cast<std::size_t>(n)), offsets(static_cast<std::size_t>(n));
  for (std::size_t r = 0; r < counts.size(); ++r) {
    counts[r] = static_cast<int>(std::max<std::int64_t>(field(r, kDim), 0));
  }
  std::exclusive_scan(counts.begin(), counts.end(), offsets.begin(), 0);
  std::vector<std::int64_t> extents(static_cast<std::size_t>(offsets.back() + counts.back()));
  const Shape my_shape = t.defined() ? t.shape() : Shape{};
  check(MPI_Allgatherv(my_shape.data(), static_cast<int>(my_shape.size()), MPI_INT64_T,
                       extents.data(), counts.data(), offsets.data(), MPI_INT64_T, MPI_COMM_WORLD),
        call, "MPI_Allgatherv");
  const auto shape_of = [&](std::size_t r) {
    const auto b = extents.begin() + offsets[r];
    return Shape(b, b + counts[r]);
  };
  const auto tensor_of = [&](std::size_t r) -> std::string {
    if (!field(r, kDefined)) return "has an undefined tensor";
    return "has " + describe(static_cast<Dtype>(field(r, kDtype)), shape_of(r));
  };
  const auto differs = [&](auto&& key) {
    for (std::size_t r = 1; r < static_cast<std::size_t>(n); ++r) {
      if (key(r) != key(0)) return true;
    }
    return false;
  };

  const int me = this_rank(call);
  const auto c = static_cast<Collective>(mine[kCollective]);
  std::string message;
  if (differs([&](std::size_t r) { return field(r, kCollective); })) {
    message = "the ranks are in different collectives: " + per_rank(n, [&](std::size_t r) {
                return fmt::format("in {}", collective_name(field(r, kCollective)));
              });
  } else if (differs([&](std::size_t r) {
               return std::tuple(field(r, kDefined), field(r, kDtype), shape_of(r));
             })) {
    message = "the tensors differ across ranks: " + per_rank(n, tensor_of);
  } else if (differs([&](std::size_t r) { return field(r, kParam); })) {
    if (c == Collective::broadcast) {
      message = "the ranks name different sources: " +
                per_rank(n, [&](std::size_t r) { return fmt::format("src {}", field(r, kParam)); });
    } else {
      message = "the ranks ask for different reductions: " +
                per_rank(n, [&](std::size_t r) { return std::string(op_name(field(r, kParam))); });
    }
  } else {
    // Everything agrees, but some rank's tensor is an expanded view: every rank refuses,
    // as copy_ would have refused on that rank alone, after the collective.
    std::string ranks;
    int count = 0;
    for (std::size_t r = 0; r < static_cast<std::size_t>(n); ++r) {
      if (!field(r, kExpanded)) continue;
      ranks += (count++ ? ", " : "") + std::to_string(r);
    }
    throw std::invalid_argument(fmt::format(
        "{}: the tensor is an expanded view (an axis of stride 0 repeating one element) on "
        "{} {}, so the result cannot be written into it in place; pass a contiguous "
        "tensor (clone() or contiguous())",
        call, count == 1 ? "rank" : "ranks", ranks));
  }
  throw DistributedError(call, me, message);
}

// Every rank checks that the others pass the same collective, tensor and parameter, with
// one MPI_Allreduce of [s, −s] under MPI_MIN (giving min s and −max s): all agree when
// min = max in every field. `writes`: the collective writes into t in place.
void agree(Collective c, const char* call, const Tensor& t, std::int64_t param, bool writes) {
  const Signature mine = signature_of(c, t, param, writes);
  std::array<std::int64_t, 2 * kFields> both{};
  for (std::size_t i = 0; i < kFields; ++i) {
    both[i] = mine[i];
    both[kFields + i] = -mine[i];
  }
  check(MPI_Allreduce(MPI_IN_PLACE, both.data(), static_cast<int>(both.size()), MPI_INT64_T,
                      MPI_MIN, MPI_COMM_WORLD),
        call, "MPI_Allreduce");
  bool same = true;
  for (std::size_t i = 0; i < kFields; ++i) same = same && both[i] == -both[kFields + i];
  const bool expanded = -both[kFields + kExpanded] != 0;  // on some rank
  if (!same || expanded) disagree(call, mine, t);
}

// ---- elementwise collectives ---------------------------------------------------------------

// Runs `mpi(buffer)` on a dense copy of t, or on t itself when it is contiguous, then makes
// t hold the result (copy_ back, or a bump of its version counter). `changes`: whether
// this rank's values change (not at the source of a broadcast).
template <class F>
void in_place(Tensor& t, bool changes, F&& mpi) {
  NoGradGuard no_grad;  // contiguous() and copy_ record nothing
  const bool dense = t.is_contiguous();
  Tensor buffer = dense ? t : t.contiguous();
  mpi(buffer);
  if (!changes) return;
  if (dense) {
    bump_version(t);
  } else {
    t.copy_(buffer);
  }
}

}  // namespace

void all_reduce(Tensor& t, ReduceOp op) {
  constexpr const char* kCall = "nabla::distributed::all_reduce";
  Lock lock(detail::mpi_mutex());
  detail::require_running(kCall);
  agree(Collective::all_reduce, kCall, t, static_cast<std::int64_t>(op), true);
  check_defined(kCall, t);
  check_reduce_op(kCall, t.dtype(), op);
  const Dtype d = t.dtype();
  in_place(t, true, [&](Tensor& buffer) {
    void* base = raw(buffer);
    in_pieces(buffer.numel(), [&](std::int64_t at, int count) {
      check(MPI_Allreduce(MPI_IN_PLACE, byte_at(base, at, d), count, mpi_type(d), mpi_op(op, d),
                          MPI_COMM_WORLD),
            kCall, "MPI_Allreduce");
    });
    if (op == ReduceOp::mean) divide(buffer, static_cast<int>(world(kCall)));
  });
}

void broadcast(Tensor& t, int src) {
  constexpr const char* kCall = "nabla::distributed::broadcast";
  Lock lock(detail::mpi_mutex());
  detail::require_running(kCall);
  agree(Collective::broadcast, kCall, t, src, true);
  check_defined(kCall, t);
  const std::int64_t n = world(kCall);
  if (src < 0 || src >= n) {
    throw std::invalid_argument(
        fmt::format("{}: src {} is outside [0, {}) (the world size is {})", kCall, src, n, n));
  }
  const Dtype d = t.dtype();
  in_place(t, this_rank(kCall) != src, [&](Tensor& buffer) {
    void* base = raw(buffer);
    in_pieces(buffer.numel(), [&](std::int64_t at, int count) {
      check(MPI_Bcast(byte_at(base, at, d), count, mpi_type(d), src, MPI_COMM_WORLD), kCall,
            "MPI_Bcast");
    });
  });
}

// ---- gathering and scattering ----------------------------------------------------------------

namespace {

// Every rank's t stacked along a new dim 0: [world, ...t's shape].
Tensor gather(Collective c, const char* call, const Tensor& t) {
  agree(c, call, t, 0, false);
  check_defined(call, t);
  NoGradGuard no_grad;
  Tensor dense = t.contiguous();
  check_count(call, t, dense.numel());
  Shape shape = t.shape();
  shape.insert(shape.begin(), world(call));
  Tensor out = empty(shape, t.dtype());
  const int count = static_cast<int>(dense.numel());
  const MPI_Datatype type = mpi_type(t.dtype());
  check(MPI_Allgather(raw(dense), count, type, raw(out), count, type, MPI_COMM_WORLD), call,
        "MPI_Allgather");
  return out;
}

}  // namespace

std::vector<Tensor> all_gather(const Tensor& t) {
  constexpr const char* kCall = "nabla::distributed::all_gather";
  Lock lock(detail::mpi_mutex());
  detail::require_running(kCall);
  const Tensor all = gather(Collective::all_gather, kCall, t);
  NoGradGuard no_grad;
  std::vector<Tensor> out;
  out.reserve(static_cast<std::size_t>(all.size(0)));
  // Copies rather than views of one buffer: an in-place change of one rank's tensor
  // bumps no other's version counter.
  for (std::int64_t r = 0; r < all.size(0); ++r) out.push_back(all.select(0, r).clone());
  return out;
}

Tensor all_gather_into_tensor(const Tensor& t) {
  constexpr const char* kCall = "nabla::distributed::all_gather_into_tensor";
  Lock lock(detail::mpi_mutex());
  detail::require_running(kCall);
  Tensor all = gather(Collective::all_gather_into_tensor, kCall, t);
  if (t.dim() == 0) return all;  // [world]
  Shape shape = t.shape();
  shape[0] *= all.size(0);
  NoGradGuard no_grad;
  return all.view(shape);  // [world, d₀, ...] → [world·d₀, ...], rank order
}

Tensor reduce_scatter(const Tensor& input, ReduceOp op) {
  constexpr const char* kCall = "nabla::distributed::reduce_scatter";
  Lock lock(detail::mpi_mutex());
  detail::require_running(kCall);
  agree(Collective::reduce_scatter, kCall, input, static_cast<std::int64_t>(op), false);
  check_defined(kCall, input);
  const std::int64_t n = world(kCall);
  if (input.dim() == 0) {
    throw std::invalid_argument(fmt::format(
        "{}: input is 0-d; it needs a dim 0 of world_size()·n rows ({}·n here)", kCall, n));
  }
  if (input.size(0) % n != 0) {
    throw std::invalid_argument(
        fmt::format("{}: dim 0 of input {} is {}, not a multiple of the world size {}", kCall,
                    shape_str(input.shape()), input.size(0), n));
  }
  check_reduce_op(kCall, input.dtype(), op);
  NoGradGuard no_grad;
  Tensor dense = input.contiguous();
  Shape shape = input.shape();
  shape[0] /= n;
  check_count(kCall, input, shape_numel(shape));
  Tensor out = empty(shape, input.dtype());
  const Dtype d = input.dtype();
  check(MPI_Reduce_scatter_block(raw(dense), raw(out), static_cast<int>(out.numel()), mpi_type(d),
                                 mpi_op(op, d), MPI_COMM_WORLD),
        kCall, "MPI_Reduce_scatter_block");
  if (op == ReduceOp::mean) divide(out, static_cast<int>(n));
  return out;
}

// ---- the asynchronous all_reduce -------------------------------------------------------------

struct Work::State {
  Tensor tensor;  // kept alive while MPI writes into its storage
  ReduceOp op = ReduceOp::sum;
  int world = 1;
  std::vector<MPI_Request> requests;
  bool done = false;

  // After the requests completed: the mean's division and the version bump.
  void finish() {
    NoGradGuard no_grad;
    if (op == ReduceOp::mean) divide(tensor, world);
    bump_version(tensor);
    done = true;
  }
};

Work::Work() = default;
Work::Work(std::unique_ptr<State> state) noexcept : state_(std::move(state)) {}
Work::Work(Work&& other) noexcept = default;

Work& Work::operator=(Work&& other) noexcept {
  if (this != &other) {
    if (state_ && !state_->done) {
      try {
        wait();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "nabla::distributed::Work: %s\n", e.what());
      }
    }
    state_ = std::move(other.state_);
  }
  return *this;
}

Work::~Work() {
  if (!state_ || state_->done) return;
  try {
    wait();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nabla::distributed::Work: %s\n", e.what());
  }
}

void Work::wait() {
  constexpr const char* kCall = "nabla::distributed::Work::wait";
  if (!state_ || state_->done) return;
  Lock lock(detail::mpi_mutex());
  detail::require_running(kCall);
  check(MPI_Waitall(static_cast<int>(state_->requests.size()), state_->requests.data(),
                    MPI_STATUSES_IGNORE),
        kCall, "MPI_Waitall");
  state_->finish();
}

bool Work::is_completed() {
  constexpr const char* kCall = "nabla::distributed::Work::is_completed";
  if (!state_ || state_->done) return true;
  Lock lock(detail::mpi_mutex());
  detail::require_running(kCall);
  int flag = 0;
  check(MPI_Testall(static_cast<int>(state_->requests.size()), state_->requests.data(), &flag,
                    MPI_STATUSES_IGNORE),
        kCall, "MPI_Testall");
  if (flag) state_->finish();
  return flag != 0;
}

Work all_reduce_async(Tensor& t, ReduceOp op) {
  constexpr const char* kCall = "nabla::distributed::all_reduce_async";
  Lock lock(detail::mpi_mutex());
  detail::require_running(kCall);
  check_defined(kCall, t);
  if (!t.is_contiguous()) {
    throw std::invalid_argument(fmt::format(
        "{}: the tensor (shape {}, strides {}) is not contiguous; MPI reduces its storage in "
        "place, so pass a contiguous tensor (contiguous() gives a copy: reduce that one and "
        "read the result from it)",
        kCall, shape_str(t.shape()), shape_str(t.strides())));
  }
  check_reduce_op(kCall, t.dtype(), op);
  auto state = std::make_unique<Work::State>();
  state->tensor = t;
  state->op = op;
  state->world = static_cast<int>(world(kCall));
  const Dtype d = t.dtype();
  void* base = raw(state->tensor);
  try {
    in_pieces(t.numel(), [&](std::int64_t at, int count) {
      MPI_Request request = MPI_REQUEST_NULL;
      check(MPI_Iallreduce(MPI_IN_PLACE, byte_at(base, at, d), count, mpi_type(d), mpi_op(op, d),
                           MPI_COMM_WORLD, &request),
            kCall, "MPI_Iallreduce");
      state->requests.push_back(request);
    });
  } catch (...) {
    // The pieces already started still write into t: let them finish before t can go.
    MPI_Waitall(static_cast<int>(state->requests.size()), state->requests.data(),
                MPI_STATUSES_IGNORE);
    throw;
  }
  return Work(std::move(state));
}

}  // namespace nabla::distributed
