// DistributedDataParallel: gradient averaging in buckets, started from the parameters'
// post-accumulate-grad hooks while the backward runs, finished by a callback the engine
// runs before backward returns (nabla::queue_callback).

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "nabla/distributed.hpp"

namespace nabla::distributed {
namespace detail {

namespace {

// One parameter's signature, for comparing ranks: dtype, rank, up to 8 extents (a longer
// shape folds the rest into the last).
constexpr std::int64_t kSignature = 10;

void signature(const Tensor& t, std::int64_t* out) {
  std::fill_n(out, kSignature, -1);
  out[0] = static_cast<std::int64_t>(t.dtype());
  out[1] = t.dim();
  for (std::int64_t d = 0; d < t.dim(); ++d) {
    const std::int64_t slot = std::min<std::int64_t>(d, kSignature - 3) + 2;
    out[slot] = d <= kSignature - 3 ? t.size(d) : out[slot] * t.size(d);
  }
}

std::string describe(const std::int64_t* s) {
  if (s[0] < 0) return "nothing";
  Shape shape;
  for (std::int64_t d = 0; d < std::min<std::int64_t>(s[1], kSignature - 2); ++d) {
    shape.push_back(s[d + 2]);
  }
  return fmt::format("{} {}", dtype_name(static_cast<Dtype>(s[0])), shape_str(shape));
}

}  // namespace

struct Reducer {
  struct Bucket {
    Dtype dtype = f32;
    std::vector<std::size_t> params;  // indices into Reducer::params
    std::int64_t numel = 0;
    Tensor flat;                      // the bucket's gradients, one after another
    std::size_t pending = 0;          // gradients not yet in flat this backward
    Work work;
    bool launched = false;
  };

  std::vector<Tensor> params;
  std::vector<std::string> names;
  std::vector<std::size_t> bucket_of;
  std::vector<std::int64_t> offset_of;  // where a parameter's gradient starts in its bucket
  std::vector<Bucket> buckets;
  std::vector<RemovableHandle> hooks;
  bool find_unused = false;
  bool sync = true;
  bool active = false;  // a synchronized backward has started reducing
  std::vector<bool> ready;
  std::size_t next_bucket = 0;
  double last_wait = 0;

  // A parameter's gradient is final: into its bucket; launch what is ready, in order.
  void on_grad(std::size_t i) {
    if (!sync) return;
    if (!active) begin();
    if (ready[i]) return;  // (a second hook in one pass: a parameter used inside nn::checkpoint and out)
    const Tensor g = params[i].grad();
    Bucket& b = buckets[bucket_of[i]];
    {
      NoGradGuard no_grad;
      b.flat.narrow(0, offset_of[i], params[i].numel()).copy_(g.reshape({-1}));
    }
    ready[i] = true;
    --b.pending;
    launch_ready();
    poll();
  }

  // MPI moves a non-blocking collective along only inside MPI calls (Open MPI has no
  // progress thread by default): each gradient that arrives tests the buckets in flight,
  // so that their all-reduces advance while the backward goes on.
  void poll() {
    for (std::size_t k = 0; k < next_bucket; ++k) {
      if (buckets[k].launched) (void)buckets[k].work.is_completed();
    }
  }

  void begin() {
    active = true;
    std::fill(ready.begin(), ready.end(), false);
    for (Bucket& b : buckets) {
      b.pending = b.params.size();
      b.launched = false;
    }
    next_bucket = 0;
    queue_callback([this] { finish(); });
  }

  // Buckets start in index order on every rank (MPI matches collectives by order), each
  // once all of its gradients are in.
  void launch_ready() {
    while (next_bucket < buckets.size() && buckets[next_bucket].pending == 0) {
      Bucket& b = buckets[next_bucket++];
      b.work = all_reduce_async(b.flat, ReduceOp::mean);
      b.launched = true;
    }
  }

  void wait_launched() noexcept {
    for (Bucket& b : buckets) {
      if (!b.launched) continue;
      try {
        b.work.wait();
      } catch (...) {  // (already failing: the first error is the one reported)
      }
      b.launched = false;
    }
  }

  // The backward is done: parameters without a gradient, the waits, the averages back.
  void finish() {
    active = false;
    std::vector<std::string> unused;
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (ready[i]) continue;
      if (!find_unused) {
        unused.push_back("'" + names[i] + "'");
        continue;
      }
      Bucket& b = buckets[bucket_of[i]];
      NoGradGuard no_grad;
      b.flat.narrow(0, offset_of[i], params[i].numel()).zero_();
      --b.pending;
    }
    if (!unused.empty()) {
      wait_launched();
      throw std::runtime_error(fmt::format(
          "nabla::distributed::DistributedDataParallel: {} parameter{} got no gradient in this "
          "backward: {}. Every rank must all-reduce every bucket; construct it with "
          "{{.find_unused_parameters = true}} to count them as zero gradients, or freeze "
          "them (requires_grad_(false)) before wrapping the module",
          unused.size(), unused.size() == 1 ? "" : "s",
          fmt::join(unused.begin(), unused.begin() + std::min<std::size_t>(unused.size(), 8),
                    ", ")));
    }
    launch_ready();
    const auto t0 = std::chrono::steady_clock::now();
    for (Bucket& b : buckets) {
      b.work.wait();
      b.launched = false;
    }
    last_wait = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    NoGradGuard no_grad;
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Bucket& b = buckets[bucket_of[i]];
      const Tensor avg =
          b.flat.narrow(0, offset_of[i], params[i].numel()).reshape(params[i].shape());
      Tensor g = params[i].grad();
      if (g.defined()) {
        g.copy_(avg);
      } else {
        params[i].set_grad(avg.clone());
      }
    }
  }
};

}  // namespace detail

void DistributedDataParallel::setup(std::shared_ptr<nn::Module> module,
                                    const DistributedDataParallelOptions& options) {
  constexpr const char* kWho = "nabla::distributed::DistributedDataParallel";
  if (!module) throw std::invalid_argument(fmt::format("{}: the module is null", kWho));
  if (!is_initialized()) {
    throw DistributedError(kWho, -1,
                           "MPI is not initialized: call nabla::distributed::init() first (or "
                           "make a nabla::distributed::InitGuard in main)");
  }
  if (!(options.bucket_cap_mb > 0)) {
    throw std::invalid_argument(
        fmt::format("{}: bucket_cap_mb must be positive, got {}", kWho, options.bucket_cap_mb));
  }
  options_ = options;
  module_ = register_module("module", module);
  auto r = std::make_shared<detail::Reducer>();
  r->find_unused = options.find_unused_parameters;
  for (auto& [name, p] : module_->named_parameters()) {
    if (!p.requires_grad()) continue;  // frozen: no gradient to average
    r->names.push_back(name);
    r->params.push_back(p);
  }

  // Every rank must hold the same parameters: compare their signatures with rank 0's.
  const int me = rank(), world = world_size();
  const Tensor count =
      all_gather_into_tensor(nabla::full({1}, static_cast<double>(r->params.size()), i64));
  const std::vector<double> counts = count.to_vector();
  for (int k = 1; k < world; ++k) {
    if (counts[static_cast<std::size_t>(k)] != counts[0]) {
      throw DistributedError(
          kWho, me,
          fmt::format("the ranks' modules differ: rank 0 has {} parameters that require grad, "
                      "rank {} has {}",
                      counts[0], k, counts[static_cast<std::size_t>(k)]));
    }
  }
  Tensor mine = nabla::zeros({static_cast<std::int64_t>(r->params.size()), detail::kSignature}, i64);
  for (std::size_t i = 0; i < r->params.size(); ++i) {
    detail::signature(r->params[i], mine.mutable_data<std::int64_t>() + i * detail::kSignature);
  }
  const Tensor all = all_gather_into_tensor(mine.reshape({-1}));
  const std::int64_t* a = all.data<std::int64_t>();
  const std::int64_t per_rank = mine.numel();
  for (int k = 1; k < world; ++k) {
    for (std::size_t i = 0; i < r->params.size(); ++i) {
      const std::int64_t* s0 = a + i * detail::kSignature;
      const std::int64_t* sk = a + k * per_rank + i * detail::kSignature;
      if (!std::equal(s0, s0 + detail::kSignature, sk)) {
        throw DistributedError(
            kWho, me,
            fmt::format("the ranks' modules differ: parameter {} ('{}' here) is {} on rank 0 and "
                        "{} on rank {}",
                        i, r->names[i], detail::describe(s0), detail::describe(sk), k));
      }
    }
  }

  // The same starting point everywhere.
  {
    NoGradGuard no_grad;
    for (Tensor& p : r->params) broadcast(p, 0);
    for (Tensor b : module_->buffers()) broadcast(b, 0);
  }

  // Buckets in the reverse order of parameters(), split by dtype and by size.
  const double cap_bytes = options.bucket_cap_mb * 1024.0 * 1024.0;
  r->bucket_of.resize(r->params.size());
  r->offset_of.resize(r->params.size());
  r->ready.assign(r->params.size(), false);
  for (std::size_t j = r->params.size(); j-- > 0;) {
    const Tensor& p = r->params[j];
    const double bytes = static_cast<double>(p.numel() * static_cast<std::int64_t>(dtype_size(p.dtype())));
    if (r->buckets.empty() || r->buckets.back().dtype != p.dtype() ||
        (!r->buckets.back().params.empty() &&
         static_cast<double>(r->buckets.back().numel * static_cast<std::int64_t>(dtype_size(p.dtype()))) + bytes > cap_bytes)) {
      r->buckets.emplace_back();
      r->buckets.back().dtype = p.dtype();
    }
    detail::Reducer::Bucket& b = r->buckets.back();
    r->bucket_of[j] = r->buckets.size() - 1;
    r->offset_of[j] = b.numel;
    b.params.push_back(j);
    b.numel += p.numel();
  }
  for (auto& b : r->buckets) b.flat = nabla::zeros({b.numel}, b.dtype);
  for (std::size_t i = 0; i < r->params.size(); ++i) {
    detail::Reducer* raw = r.get();
    r->hooks.push_back(
        r->params[i].register_post_accumulate_grad_hook([raw, i](Tensor&) { raw->on_grad(i); }));
  }
  reducer_ = std::move(r);
}

DistributedDataParallel::~DistributedDataParallel() {
  if (reducer_) {
    for (RemovableHandle& h : reducer_->hooks) h.remove();
  }
}
DistributedDataParallel::DistributedDataParallel(DistributedDataParallel&&) noexcept = default;
DistributedDataParallel& DistributedDataParallel::operator=(DistributedDataParallel&&) noexcept =
    default;

Tensor DistributedDataParallel::forward(const Tensor& x) {
  if (options_.broadcast_buffers && reducer_->sync) {
    NoGradGuard no_grad;
    for (Tensor b : module_->buffers()) broadcast(b, 0);
  }
  return (*module_)(x);
}

nn::Module& DistributedDataParallel::module() const { return *module_; }

DistributedDataParallel::NoSyncGuard::NoSyncGuard(std::shared_ptr<detail::Reducer> reducer)
    : reducer_(std::move(reducer)), previous_(reducer_->sync) {
  reducer_->sync = false;
}
DistributedDataParallel::NoSyncGuard::NoSyncGuard(NoSyncGuard&& other) noexcept
    : reducer_(std::move(other.reducer_)), previous_(other.previous_) {}
DistributedDataParallel::NoSyncGuard::~NoSyncGuard() {
  if (reducer_) reducer_->sync = previous_;
}

DistributedDataParallel::NoSyncGuard DistributedDataParallel::no_sync() {
  return NoSyncGuard(reducer_);
}

std::vector<std::vector<std::string>> DistributedDataParallel::buckets() const {
  std::vector<std::vector<std::string>> out;
  for (const auto& b : reducer_->buckets) {
    out.emplace_back();
    for (const std::size_t i : b.params) out.back().push_back(reducer_->names[i]);
  }
  return out;
}

double DistributedDataParallel::last_wait_seconds() const { return reducer_->last_wait; }

std::string DistributedDataParallel::extra_repr() const {
  return fmt::format("world_size={}, buckets={}, bucket_cap_mb={}", world_size(),
                     reducer_->buckets.size(), options_.bucket_cap_mb);
}

}  // namespace nabla::distributed
