// nabla_fuzz: the seeded fuzz driver, for builds without libFuzzer (g++, the normal test
// build). It runs every corpus file, then `--runs` inputs made by seeded random
// generation and by mutating corpus entries; the same seed gives the same inputs. There
// is no coverage feedback: that is what the libFuzzer build (tools/fuzz) adds.
//
//   nabla_fuzz --target graph --seed 7 --runs 2000 --corpus tests/fuzz/corpus/graph
//   nabla_fuzz --target graph --print crash-graph-1a2b3c4d    # replay one input, show it
//
// On a failure it writes the input to --crash-dir (default: the current directory), prints
// how to rerun it, and exits with status 1. A crash or a sanitizer report saves the input
// the same way before the process dies.

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "targets.hpp"

extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

namespace {

using Bytes = std::vector<std::uint8_t>;
namespace fz = nabla::fuzz;

[[noreturn]] void throw_failure(const std::string& report) {
  throw fz::FuzzFailure{report};
}

// The input being run, for the crash handlers (which may only make async-signal-safe calls).
const Bytes* g_current = nullptr;
char g_crash_path[4096] = {0};

void save_current_input() {
  if (g_current == nullptr || g_crash_path[0] == 0) return;
  const int fd = ::open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  std::size_t done = 0;
  while (done < g_current->size()) {
    const ssize_t n = ::write(fd, g_current->data() + done, g_current->size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  const char msg[] = "\nnabla_fuzz: the process is dying; its input was saved to ";
  (void)!::write(2, msg, sizeof msg - 1);
  (void)!::write(2, g_crash_path, std::strlen(g_crash_path));
  (void)!::write(2, "\n", 1);
}

void on_signal(int sig) {
  save_current_input();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

std::string hex_hash(const Bytes& b) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (std::uint8_t c : b) h = (h ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", h);
}

Bytes read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Seeded mutations in the spirit of libFuzzer's: bit flips, random and "interesting" bytes,
// insertions, deletions, copied chunks, splices with another entry, truncation.
class Mutator {
 public:
  explicit Mutator(std::uint64_t seed, std::size_t max_len) : rng_(seed), max_len_(max_len) {}
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }

  Bytes random_input() {
    Bytes b(below(max_len_ + 1));
    for (auto& c : b) c = static_cast<std::uint8_t>(rng_());
    return b;
  }

  Bytes mutate(Bytes b, const std::vector<Bytes>& pool) {
    const std::size_t n = 1 + below(4);
    for (std::size_t k = 0; k < n; ++k) {
      switch (below(8)) {
        case 0:  // flip a bit
          if (!b.empty()) b[below(b.size())] ^= static_cast<std::uint8_t>(1u << below(8));
          break;
        case 1:  // a random byte
          if (!b.empty()) b[below(b.size())] = static_cast<std::uint8_t>(rng_());
          break;
        case 2: {  // an interesting byte
          static constexpr std::uint8_t kInteresting[] = {
              0, 1, 0x7f, 0x80, 0xff, '0', '9', ',', '\n', '"', '[', '{', '-', 'e', '.'};
          if (!b.empty()) b[below(b.size())] = kInteresting[below(std::size(kInteresting))];
          break;
        }
        case 3:  // insert random bytes
          if (b.size() < max_len_) {
            const std::size_t at = below(b.size() + 1), len = 1 + below(8);
            for (std::size_t i = 0; i < len; ++i) {
              b.insert(b.begin() + static_cast<std::ptrdiff_t>(at),
                       static_cast<std::uint8_t>(rng_()));
            }
          }
          break;
        case 4:  // delete a range
          if (!b.empty()) {
            const std::size_t at = below(b.size()),
                              len = 1 + below(std::min<std::size_t>(16, b.size() - at));
            b.erase(b.begin() + static_cast<std::ptrdiff_t>(at),
                    b.begin() + static_cast<std::ptrdiff_t>(at + len));
          }
          break;
        case 5:  // copy a chunk elsewhere
          if (b.size() > 1 && b.size() < max_len_) {
            const std::size_t from = below(b.size()),
                              len = 1 + below(std::min<std::size_t>(32, b.size() - from));
            const Bytes chunk(b.begin() + static_cast<std::ptrdiff_t>(from),
                              b.begin() + static_cast<std::ptrdiff_t>(from + len));
            const std::size_t at = below(b.size() + 1);
            b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), chunk.begin(), chunk.end());
          }
          break;
        case 6:  // splice: this entry's head with another's tail
          if (!pool.empty()) {
            const Bytes& other = pool[below(pool.size())];
            const std::size_t cut = below(b.size() + 1), from = below(other.size() + 1);
            b.resize(cut);
            b.insert(b.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
          }
          break;
        default:  // truncate
          if (!b.empty()) b.resize(below(b.size()));
      }
    }
    if (b.size() > max_len_) b.resize(max_len_);
    return b;
  }

 private:
  std::mt19937_64 rng_;
  std::size_t max_len_;
};

int usage(const char* argv0, int status) {
  std::string names;
  for (const auto& t : fz::fuzz_targets()) {
    if (!t.hidden) names += fmt::format("{}{}", names.empty() ? "" : ", ", t.name);
  }
  std::fprintf(status == 0 ? stdout : stderr,
               "usage: %s --target NAME [--seed S] [--runs N] [--corpus DIR]... [--max-seconds S]\n"
               "          [--max-len N] [--crash-dir DIR] [--max-memory-mb M] [--print] [FILE...]\n"
               "  targets: %s\n"
               "  FILE...  run only these inputs (a reproducer); --print shows graph programs\n",
               argv0, names.c_str());
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::string target_name;
  std::uint64_t seed = 1;
  std::size_t runs = 1000, max_len = 0;
  double max_seconds = 0;
  std::vector<std::string> corpora, files;
  std::string crash_dir = ".";
  bool print = false;
  [[maybe_unused]] std::size_t max_memory_mb = 4096;  // unused under the sanitizers
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--target")
      target_name = value();
    else if (a == "--seed")
      seed = std::stoull(value());
    else if (a == "--runs")
      runs = std::stoull(value());
    else if (a == "--corpus")
      corpora.push_back(value());
    else if (a == "--max-seconds")
      max_seconds = std::stod(value());
    else if (a == "--max-len")
      max_len = std::stoull(value());
    else if (a == "--crash-dir")
      crash_dir = value();
    else if (a == "--max-memory-mb")
      max_memory_mb = std::stoull(value());
    else if (a == "--print")
      print = true;
    else if (a == "--help" || a == "-h")
      return usage(argv[0], 0);
    else if (!a.empty() && a[0] == '-')
      return usage(argv[0], 2);
    else
      files.push_back(a);
  }
  const fz::FuzzTarget* target = fz::find_target(target_name);
  if (target == nullptr) {
    std::fprintf(stderr, "no target named '%s'\n", target_name.c_str());
    return usage(argv[0], 2);
  }
  if (max_len == 0) max_len = target->max_len;
  fz::set_failure_handler(throw_failure);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && \
    !defined(NABLA_FUZZ_SANITIZED)
  // Bound the address space, so that a reader allocating what a corrupt header declares
  // gets std::bad_alloc (a failure) instead of taking the machine's memory. Sanitizers
  // reserve huge shadow mappings, so under them ASan's allocator limits apply instead.
  if (max_memory_mb > 0) {
    const rlim_t bytes = static_cast<rlim_t>(max_memory_mb) << 20;
    rlimit limit{bytes, bytes};
    ::setrlimit(RLIMIT_AS, &limit);
  }
#endif
  fz::set_print_programs(print);

  std::filesystem::create_directories(crash_dir);
  const std::string crash_base =
      (std::filesystem::path(crash_dir) / fmt::format("crash-{}-", target->name)).string();
  std::snprintf(g_crash_path, sizeof g_crash_path, "%sseed%llu-dying", crash_base.c_str(),
                static_cast<unsigned long long>(seed));
  for (int sig : {SIGSEGV, SIGABRT, SIGFPE, SIGBUS, SIGILL}) ::signal(sig, on_signal);
  if (__sanitizer_set_death_callback != nullptr) __sanitizer_set_death_callback(save_current_input);

  std::size_t corpus_runs = 0, generated_runs = 0;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  auto run_one = [&](const Bytes& input, const std::string& what) {
    g_current = &input;
    try {
      target->run(input);
    } catch (const fz::FuzzFailure&) {
      const std::string path = crash_base + hex_hash(input);
      std::ofstream(path, std::ios::binary)
          .write(reinterpret_cast<const char*>(input.data()),
                 static_cast<std::streamsize>(input.size()));
      std::fprintf(stderr,
                   "nabla_fuzz: target %s failed on %s (%zu bytes)\n"
                   "  reproducer: %s\n"
                   "  rerun:      %s --target %s %s%s\n",
                   target->name, what.c_str(), input.size(), path.c_str(), argv[0], target->name,
                   std::strcmp(target->name, "graph") == 0 ? "--print " : "", path.c_str());
      std::exit(1);
    }
    g_current = nullptr;
  };

  if (!files.empty()) {
    for (const std::string& f : files) {
      run_one(read_file(f), f);
      std::printf("nabla_fuzz: %s: ok\n", f.c_str());
    }
    return 0;
  }

  std::vector<Bytes> pool;
  for (const std::string& dir : corpora) {
    std::vector<std::filesystem::path> paths;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.is_regular_file()) paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) {
      Bytes b = read_file(p);
      run_one(b, p.string());
      ++corpus_runs;
      pool.push_back(std::move(b));
    }
  }
  Mutator m(seed, max_len);
  for (std::size_t i = 0; i < runs; ++i) {
    if (max_seconds > 0 && elapsed() > max_seconds) break;
    Bytes input = pool.empty() || m.below(4) == 0 ? m.random_input()
                                                  : m.mutate(pool[m.below(pool.size())], pool);
    run_one(input, fmt::format("generated input {} of seed {}", i, seed));
    ++generated_runs;
    // Without coverage feedback, keep a few generated inputs to mutate further.
    if (pool.size() < 256 && m.below(16) == 0) pool.push_back(std::move(input));
  }
  const double s = elapsed();
  std::printf(
      "nabla_fuzz: target %s, seed %llu: %zu inputs (%zu corpus, %zu generated) in %.2f s "
      "(%.0f/s), no failure\n",
      target->name, static_cast<unsigned long long>(seed), corpus_runs + generated_runs,
      corpus_runs, generated_runs, s, s > 0 ? double(corpus_runs + generated_runs) / s : 0.0);
  const std::string extra = fz::target_summary(target->name);
  if (!extra.empty()) std::printf("  %s\n", extra.c_str());
  return 0;
}
