// nabla's kernel threads: a persistent pool that run_parallel hands pieces of one range to,
// and set_num_threads / get_num_threads. OpenBLAS stays on one thread: gemm splits its
// work over this pool (kernels/blas.cpp).

#include "kernels/parallel.hpp"

#include <cblas.h>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "nabla/threads.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace nabla {
namespace detail {
namespace {

// Set on the pool's own threads, and on a caller while the pool runs its job: work they
// start runs inline (no nested splitting).
thread_local bool t_pool_thread = false;

int default_threads() {
  for (const char* var : {"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"}) {
    if (const char* v = std::getenv(var)) {
      char* end = nullptr;
      const long n = std::strtol(v, &end, 10);
      if (end != v && *end == '\0' && n >= 1 && n <= 1024) return static_cast<int>(n);
    }
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw ? static_cast<int>(hw) : 1;
}

// How a thread that waits, for work (a worker) or for the other pieces of its job (the
// caller), waits: it polls for 50 µs, then polls between sched_yields up to 1 ms, then
// sleeps on a condition variable. A training step runs hundreds of parallel pieces, most
// a few microseconds apart, some after a serial stretch (an optimizer step) of a few
// hundred; waking a sleeping thread costs tens of microseconds on a virtual machine, and
// with a plain 50 µs spin the MLP step of tools/bench was 1.15× slower than with
// OpenBLAS's own threads, which spin for about 0.1 s. Yielding gives the core to any
// other runnable thread (the data loader's) meanwhile, and the short bound gives the
// cores back soon after the work stops.
constexpr auto kSpin = std::chrono::microseconds(50);
constexpr auto kYield = std::chrono::microseconds(1000);

template <class Ready>
void spin_until(Ready ready) {
  const auto start = std::chrono::steady_clock::now();
  for (unsigned i = 1; !ready(); ++i) {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
    if (i % 64 != 0) continue;
    const auto waited = std::chrono::steady_clock::now() - start;
    if (waited >= kYield) return;
    if (waited >= kSpin) std::this_thread::yield();
  }
}

class Pool {
 public:
  Pool() : threads_(default_threads()) {}

  int threads() const { return threads_.load(std::memory_order_relaxed); }

  void set_threads(int n) {
    std::lock_guard busy(busy_);  // waits for a running job
    stop_workers();
    threads_.store(n, std::memory_order_relaxed);
  }

  void run(std::int64_t n, std::int64_t chunks, RangeFn fn) {
    std::unique_lock busy(busy_, std::try_to_lock);
    if (t_pool_thread || !busy.owns_lock()) {
      fn.call(fn.ctx, 0, n);  // another caller has the pool: this one runs on its own thread
      return;
    }
    // The caller works on the job too; work it starts from there runs inline.
    t_pool_thread = true;
    struct Reset {
      ~Reset() { t_pool_thread = false; }
    } reset;
    std::unique_lock lock(m_);
    if (workers_.size() + 1 < static_cast<std::size_t>(threads_)) start_workers(lock);
    chunks = std::min<std::int64_t>(chunks, static_cast<std::int64_t>(workers_.size()) + 1);
    fn_ = fn;
    n_ = n;
    chunks_ = chunks;
    next_ = 0;
    finished_ = 0;
    error_ = nullptr;
    ++generation_;
    published_.store(generation_, std::memory_order_release);
    wake_.notify_all();  // (no system call when every worker is still spinning)
    work(lock);
    if (finished_.load(std::memory_order_relaxed) != chunks_) {
      lock.unlock();
      spin_until([&] { return finished_.load(std::memory_order_acquire) == chunks_; });
      lock.lock();
      done_.wait(lock, [&] { return finished_.load(std::memory_order_relaxed) == chunks_; });
    }
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // Takes pieces of the current job until none is left; `lock` holds m_ on entry and exit.
  void work(std::unique_lock<std::mutex>& lock) {
    while (next_ < chunks_) {
      const std::int64_t c = next_++;
      const RangeFn fn = fn_;
      const std::int64_t lo = n_ * c / chunks_, hi = n_ * (c + 1) / chunks_;
      lock.unlock();
      std::exception_ptr error;
      try {
        fn.call(fn.ctx, lo, hi);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      if (error && !error_) error_ = error;
      if (finished_.fetch_add(1, std::memory_order_release) + 1 == chunks_) done_.notify_all();
    }
  }

  void worker_loop() {
    t_pool_thread = true;
    std::unique_lock lock(m_);
    std::uint64_t seen = generation_;
    for (;;) {
      lock.unlock();
      spin_until([&] { return published_.load(std::memory_order_acquire) != seen; });
      lock.lock();
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      work(lock);
    }
  }

  void start_workers(std::unique_lock<std::mutex>& lock) {
    const int want = threads_ - 1;
    lock.unlock();
    std::vector<std::thread> fresh;
    for (auto i = workers_.size(); i < static_cast<std::size_t>(want); ++i)
      fresh.emplace_back([this] { worker_loop(); });
    lock.lock();
    for (auto& t : fresh) workers_.push_back(std::move(t));
  }

  // Called with busy_ held, so no job runs.
  void stop_workers() {
    {
      std::lock_guard lock(m_);
      stopping_ = true;
      wake_.notify_all();
    }
    for (auto& t : workers_) t.join();
    std::lock_guard lock(m_);
    workers_.clear();
    stopping_ = false;
  }

  std::mutex busy_;  // held by the one caller whose job the pool runs
  mutable std::mutex m_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  std::atomic<int> threads_;
  bool stopping_ = false;
  std::uint64_t generation_ = 0;
  RangeFn fn_{};
  std::int64_t n_ = 0, chunks_ = 0, next_ = 0;
  std::atomic<std::int64_t> finished_{0};  // written under m_; read by a spinning caller
  std::atomic<std::uint64_t> published_{0};  // generation_, for workers that spin
  std::exception_ptr error_;
};

// Never destroyed: kernels may run during static destruction, and idle workers need no
// cleanup at exit.
Pool& pool() {
  static Pool* const p = new Pool;
  return *p;
}

}  // namespace

void run_parallel(std::int64_t n, std::int64_t chunks, RangeFn fn) {
  pool().run(n, chunks, fn);
}

int kernel_threads() {
  return pool().threads();
}

}  // namespace detail

void set_num_threads(int n) {
  if (n < 1) {
    throw std::invalid_argument(
        fmt::format("nabla::set_num_threads: the number of threads must be at least 1, got {}", n));
  }
  detail::pool().set_threads(n);
  openblas_set_num_threads(1);  // gemm splits over nabla's threads (kernels/blas.cpp)
}

int get_num_threads() {
  return detail::pool().threads();
}

}  // namespace nabla
