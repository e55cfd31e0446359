#pragma once
/// \file distributed.hpp
/// Data-parallel training over MPI, after torch.distributed: starting and ending MPI,
/// the process's rank, collectives on tensors (all_reduce, broadcast, all_gather,
/// reduce_scatter, an asynchronous all_reduce) and a DistributedSampler that gives each
/// rank its share of a dataset.
///
/// It is a library of its own, `nabla::distributed` in CMake (built when CMake finds MPI),
/// and this header is not part of nabla.hpp. Every process of an `mpirun -n N` job runs
/// the same program; each calls the same collectives in the same order:
///
/// ```cpp
/// int main(int argc, char** argv) {
///   nabla::distributed::InitGuard mpi(argc, argv);   // MPI_Init ... MPI_Finalize
///   nabla::Tensor g = nabla::full({3}, nabla::distributed::rank());
///   nabla::distributed::all_reduce(g, nabla::distributed::ReduceOp::mean);
/// }
/// ```
///
/// Before each synchronous collective the ranks agree on what they pass (the collective,
/// the tensor's dtype and shape, the reduction, the source rank) with one small
/// MPI_Allreduce: a rank that passes something else makes the collective throw
/// DistributedError on every rank, naming each rank's tensor, instead of hanging or
/// reducing mismatched buffers. Arguments that are wrong on every rank alike (an integer
/// tensor with ReduceOp::mean, say) throw std::invalid_argument on every rank, after the
/// agreement, so no rank is left waiting.
///
/// Collectives are not recorded by autograd. They may be given a tensor that requires
/// grad (a parameter, say): they change its values in place, as torch.distributed does,
/// and bump its version counter like the in-place methods do. MPI runs in
/// MPI_THREAD_SERIALIZED mode and nabla's calls take a lock around each MPI call, so
/// they may come from any thread.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "nabla/data.hpp"
#include "nabla/nn.hpp"
#include "nabla/tensor.hpp"

namespace nabla::distributed {

/// What the distributed calls throw when MPI fails, when the ranks disagree on a
/// collective's arguments, or when MPI is not initialized. what() is `call + ": " +
/// message`, e.g. "nabla::distributed::all_reduce: the tensors differ across ranks:
/// rank 0 has float32 [2, 3], rank 1 has float32 [3, 2]".
class DistributedError : public std::runtime_error {
 public:
  /// `call` is the function that failed ("nabla::distributed::all_reduce"), `rank` the
  /// rank of the process that throws (-1 when MPI is not running).
  DistributedError(std::string call, int rank, const std::string& message);
  /// The function that failed.
  const std::string& call() const noexcept { return call_; }
  /// The rank that threw, or -1 when MPI was not running.
  int rank() const noexcept { return rank_; }

 private:
  std::string call_;
  int rank_;
};

// ---- starting and ending MPI ------------------------------------------------------------

/// Starts MPI (MPI_Init_thread with MPI_THREAD_SERIALIZED) and makes MPI errors on
/// MPI_COMM_WORLD return codes (MPI_ERRORS_RETURN), which nabla turns into
/// DistributedError. argc and argv are handed to MPI, which may take its own arguments out
/// of them. A second call, or a call after MPI was started by other code, does nothing.
/// Throws DistributedError after finalize() (MPI cannot be started twice in a process)
/// or when MPI fails to start.
void init(int* argc = nullptr, char*** argv = nullptr);
/// Ends MPI (MPI_Finalize); nothing when MPI is not running. Every rank must call it.
void finalize();
/// True between init() and finalize().
bool is_initialized();

/// init() in the constructor, finalize() in the destructor, for main's scope:
/// `nabla::distributed::InitGuard mpi(argc, argv);`.
///
/// When the destructor runs because an exception is leaving the guard's scope, it calls
/// MPI_Abort(MPI_COMM_WORLD, 1) instead of finalize(): the other ranks are most likely
/// waiting in a collective this rank will never join, and MPI_Abort ends the whole job
/// within seconds instead of leaving it hanging. (Catch the exception outside the guard's
/// scope, or in main: an exception that leaves main uncaught calls std::terminate without
/// unwinding, which ends this process and then, through mpirun, the job.) A guard made
/// while MPI was already running finalizes nothing: whoever started MPI ends it.
class InitGuard {
 public:
  InitGuard();
  InitGuard(int& argc, char**& argv);
  ~InitGuard();
  InitGuard(const InitGuard&) = delete;
  InitGuard& operator=(const InitGuard&) = delete;

 private:
  int uncaught_;       ///< std::uncaught_exceptions() at construction
  bool owns_ = false;  ///< this guard started MPI, so it ends it
};

/// Ends every process of the job now (MPI_Abort on MPI_COMM_WORLD with `code`), after
/// flushing this process's C streams. Without MPI running it ends this process with
/// `code` (std::_Exit).
[[noreturn]] void abort(int code = 1) noexcept;

/// This process's rank in MPI_COMM_WORLD, 0 ≤ rank() < world_size().
int rank();
/// The number of processes in MPI_COMM_WORLD.
int world_size();
/// Waits until every rank has called barrier() (MPI_Barrier).
/// rank(), world_size() and barrier() throw DistributedError when MPI is not running.
void barrier();

// ---- collectives ------------------------------------------------------------------------

/// How all_reduce and reduce_scatter combine the ranks' values, elementwise. For bool
/// tensors sum and max are logical or, min is logical and. mean is sum divided by
/// world_size(), for floating tensors only. Integer sums wrap around on overflow.
enum class ReduceOp { sum, mean, max, min };

/// Replaces t's values, on every rank, by the reduction of all ranks' values of t
/// (elementwise). Any dtype (float32, float64, int64, int32, uint8, bool); any layout (a
/// non-contiguous view is copied to a dense buffer, reduced, and copied back).
/// Throws DistributedError when the ranks' tensors (dtype, shape) or ops differ;
/// std::invalid_argument for an undefined tensor, an expanded view (which cannot be
/// written in place) or ReduceOp::mean on an integer or bool tensor.
void all_reduce(Tensor& t, ReduceOp op = ReduceOp::sum);

/// Replaces t's values, on every rank, by those of rank `src` (MPI_Bcast). Throws
/// DistributedError when the ranks' tensors or sources differ; std::invalid_argument for
/// an undefined tensor, an expanded view or `src` outside [0, world_size()).
void broadcast(Tensor& t, int src = 0);

/// Every rank's t, in rank order (entry r is rank r's values, a tensor of its own).
/// Throws DistributedError when the ranks' tensors differ; std::invalid_argument for an
/// undefined tensor.
std::vector<Tensor> all_gather(const Tensor& t);

/// Every rank's t concatenated along dim 0 in rank order: [d₀, ...] on each rank gives
/// [world_size()·d₀, ...]; a 0-d t gives [world_size()]. Throws as all_gather.
Tensor all_gather_into_tensor(const Tensor& t);

/// The reduction of every rank's `input` [world_size()·n, ...], cut along dim 0 into
/// world_size() blocks of n rows: returns block rank() of it, [n, ...] (MPI_Reduce_scatter_block).
/// Throws DistributedError when the ranks' tensors or ops differ; std::invalid_argument
/// for an undefined or 0-d input, a dim 0 not divisible by world_size(), or
/// ReduceOp::mean on an integer or bool tensor.
Tensor reduce_scatter(const Tensor& input, ReduceOp op = ReduceOp::sum);

/// A collective in flight (torch's Work), returned by all_reduce_async. wait() blocks
/// until it is done; is_completed() asks without blocking. Move-only; the destructor
/// waits for a collective still in flight, so its buffer is never released under MPI.
/// A default-constructed Work has nothing in flight.
class Work {
 public:
  Work();
  Work(Work&& other) noexcept;
  /// Waits for this Work's own collective (if any) before taking `other`'s.
  Work& operator=(Work&& other) noexcept;
  Work(const Work&) = delete;
  Work& operator=(const Work&) = delete;
  ~Work();
  /// Blocks until the collective is done and its tensor holds the result (for
  /// ReduceOp::mean, divided by world_size() here). Nothing once done. Throws
  /// DistributedError when MPI fails.
  void wait();
  /// True when the collective is done (the tensor then holds the result, as after
  /// wait()); does not block.
  bool is_completed();

 private:
  struct State;
  explicit Work(std::unique_ptr<State> state) noexcept;
  friend Work all_reduce_async(Tensor& t, ReduceOp op);
  std::unique_ptr<State> state_;
};

/// Starts an all_reduce of t in place (MPI_Iallreduce on t's storage) and returns at
/// once; t holds the result after the Work's wait(). Meanwhile t must not be read or
/// written. For the gradient buckets of data-parallel training: there is no agreement
/// step, so the caller guarantees that every rank passes the same dtype and number of
/// elements in the same order (a mismatch is undefined behaviour of MPI). t is kept alive
/// by the Work. Throws std::invalid_argument for an undefined or non-contiguous tensor,
/// or ReduceOp::mean on an integer or bool tensor; DistributedError when MPI fails or is
/// not running.
Work all_reduce_async(Tensor& t, ReduceOp op = ReduceOp::sum);

// ---- DistributedSampler -----------------------------------------------------------------

struct DistributedSamplerOptions {
  std::int64_t num_replicas = -1;  ///< the number of shards; -1: world_size()
  std::int64_t rank = -1;          ///< which shard this sampler gives; -1: rank()
  bool shuffle = true;             ///< a new permutation each epoch, else 0, 1, ..., n − 1
  std::uint64_t seed = 0;          ///< the permutation's seed; the same on every rank
  bool drop_last = false;          ///< cut to a multiple of num_replicas instead of padding
};

/// The share of a dataset of `dataset_size` samples that one rank visits each epoch
/// (torch.utils.data.distributed.DistributedSampler): give it to the DataLoader as its
/// sampler, and call set_epoch(e) before each epoch.
///
/// Each epoch's order is a permutation of 0..n−1 from a generator seeded with
/// seed + epoch (so the same on every rank, whatever the loader's generator), or
/// 0, 1, ..., n − 1 without shuffle. Without drop_last it is padded, by repeating indices
/// from its start, to total_size = ⌈n / R⌉·R for R = num_replicas; with drop_last it is cut
/// to ⌊n / R⌋·R. Rank r takes positions r, r + R, r + 2R, ..., so the ranks' shards
/// partition the epoch and all have size() = total_size / R indices.
///
/// With num_replicas and rank given, it needs no MPI; left at -1 they are read from
/// world_size() and rank() here, which throw DistributedError when MPI is not running.
/// Throws std::invalid_argument for a negative dataset_size, num_replicas < 1 (other than
/// -1), or a rank outside [0, num_replicas).
class DistributedSampler : public data::Sampler {
 public:
  explicit DistributedSampler(std::int64_t dataset_size, DistributedSamplerOptions o = {});
  /// The epoch whose order indices() draws (torch's set_epoch); 0 until set.
  void set_epoch(std::int64_t epoch);
  /// This rank's indices of the current epoch; `gen` is not used.
  std::vector<std::int64_t> indices(Generator& gen) const override;
  /// How many indices each rank gets per epoch.
  std::int64_t size() const override { return num_samples_; }
  std::int64_t num_replicas() const noexcept { return num_replicas_; }
  std::int64_t rank() const noexcept { return rank_; }

 private:
  std::int64_t dataset_size_;
  std::int64_t num_replicas_;
  std::int64_t rank_;
  bool shuffle_;
  std::uint64_t seed_;
  bool drop_last_;
  std::int64_t num_samples_;
  std::int64_t epoch_ = 0;
};

// ---- DistributedDataParallel -----------------------------------------------------------

namespace detail {
struct Reducer;  // src/distributed/data_parallel.cpp
}  // namespace detail

/// Options of DistributedDataParallel (torch.nn.parallel.DistributedDataParallel's).
struct DistributedDataParallelOptions {
  /// Gradients are averaged in buckets of about this many megabytes (2²⁰ bytes), each
  /// all-reduced as soon as all its gradients are final, while the backward goes on.
  double bucket_cap_mb = 25.0;
  /// Broadcast the module's buffers (BatchNorm's running statistics) from rank 0 before
  /// each forward, so every rank normalizes with the same ones.
  bool broadcast_buffers = true;
  /// A parameter that gets no gradient in a backward (a branch not taken) counts as a
  /// zero gradient; false: the backward throws naming such parameters.
  bool find_unused_parameters = false;
};

/// Data-parallel training over MPI: every rank holds a copy of the module and trains it
/// on its own part of the global batch; the gradients are averaged across the ranks during
/// the backward, so after `loss.backward()` every rank has the gradient of the global
/// batch's mean loss (when the ranks' batches are of one size) and the optimizers take
/// the same step. As PyTorch's DDP:
///
///     nabla::distributed::InitGuard mpi(argc, argv);
///     auto model = std::make_shared<nn::Sequential>(...);
///     nabla::distributed::DistributedDataParallel ddp(model);
///     optim::Adam opt(ddp.parameters());
///     ... opt.zero_grad(); loss_fn(ddp(x), y).backward(); opt.step();
///
/// The constructor checks that every rank's module has the same parameters (names,
/// dtypes, shapes), throwing DistributedError naming the first difference and both ranks,
/// then broadcasts the parameters and buffers from rank 0. Gradients go into buckets of
/// bucket_cap_mb (in the reverse order of parameters(), the order a backward finishes
/// them); a bucket's MPI_Iallreduce starts from the parameters'
/// post-accumulate-grad hooks as soon as its last gradient is final, the buckets in one
/// order on every rank, and all are waited for, and the averages written into grad(),
/// before backward returns. Under no_sync() the gradients accumulate locally; the next
/// backward outside it averages the accumulated ones. The state_dict is the module's
/// under "module." (as PyTorch's); save `ddp.module()` for a file the plain model loads.
/// Every rank must call forward and backward the same number of times (collectives).
/// Throws DistributedError when nabla::distributed is not initialized.
class DistributedDataParallel : public nn::Module {
 public:
  template <class M>
    requires nn::ModuleArg<M>
  explicit DistributedDataParallel(M&& module, DistributedDataParallelOptions options = {})
      : Module("DistributedDataParallel") {
    setup(as_shared(std::forward<M>(module)), options);
  }
  ~DistributedDataParallel() override;
  DistributedDataParallel(DistributedDataParallel&&) noexcept;
  DistributedDataParallel& operator=(DistributedDataParallel&&) noexcept;

  /// Broadcasts the buffers from rank 0 (broadcast_buffers, outside no_sync), then runs
  /// the module.
  Tensor forward(const Tensor& x) override;
  /// The wrapped module.
  nn::Module& module() const;

  /// While the returned guard lives, backward does not average gradients: they
  /// accumulate in grad() on each rank (gradient accumulation), and the first backward
  /// after it averages the sums. `{ auto guard = ddp.no_sync(); loss.backward(); }`
  class NoSyncGuard {
   public:
    NoSyncGuard(NoSyncGuard&& other) noexcept;
    NoSyncGuard(const NoSyncGuard&) = delete;
    NoSyncGuard& operator=(const NoSyncGuard&) = delete;
    NoSyncGuard& operator=(NoSyncGuard&&) = delete;
    ~NoSyncGuard();

   private:
    friend class DistributedDataParallel;
    explicit NoSyncGuard(std::shared_ptr<detail::Reducer> reducer);
    std::shared_ptr<detail::Reducer> reducer_;
    bool previous_ = true;
  };
  [[nodiscard]] NoSyncGuard no_sync();

  /// How the gradients were bucketed: the parameter names of each bucket, in the order the
  /// buckets are all-reduced.
  std::vector<std::vector<std::string>> buckets() const;
  /// Time the last synchronized backward spent waiting for its all-reduces after the
  /// graph was done (what communication did not overlap), in seconds.
  double last_wait_seconds() const;

  std::string extra_repr() const override;

 private:
  void setup(std::shared_ptr<nn::Module> module, const DistributedDataParallelOptions& options);
  std::shared_ptr<nn::Module> module_;
  std::shared_ptr<detail::Reducer> reducer_;
  DistributedDataParallelOptions options_;
};

}  // namespace nabla::distributed
