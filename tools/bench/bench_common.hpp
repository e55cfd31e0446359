#pragma once
// What nabla-bench and nabla-bench-torch share, so that both measure the same work the
// same way and print it in the same format: command-line options, the timing harness
// (warm-up, calibration, median of repetitions), the input data (a seeded generator of
// our own, so both programs see identical numbers), the table and the JSON file.
//
// Deliberately free of nabla and of libtorch: each benchmark program includes one of
// them and this header.

#include <time.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bench {

// ---- the work both programs measure ----------------------------------------------------

/// Ops in the scalar chain: op i is mul (i % 3 == 0), add (1) or tanh (2), so 334 mul,
/// 333 add and 333 tanh.
inline constexpr int kChainOps = 1000;
/// Leaf values of the chain z ← tanh(z·w + c). Chosen so that the gradient, a product of
/// 333 factors w·(1 − z²), stays a normal float (∂z/∂x ≈ 7e-12): with an attracting fixed
/// point such as w = 0.9, c = 0.1 it sinks below 1e-38, and the last fifth of the backward
/// would time the CPU's slow path for subnormal numbers instead of the library.
inline constexpr float kChainX = 0.5f, kChainW = 1.01f, kChainC = 0.005f;

/// One seed-network size: o = sigmoid(X·W + b), X [batch, inputs], W [inputs, outputs].
struct SeedSize {
  const char* key;    // stable name in the JSON
  const char* label;  // human name in the table
  int batch, inputs, outputs;
  float lr;
};
inline constexpr SeedSize kSeedSmall{"seed_step_small", "seed step 4x3->2", 4, 3, 2, 0.5f};
inline constexpr SeedSize kSeedBig{"seed_step_big", "seed step 64x784->128", 64, 784, 128, 0.01f};

/// Uniform floats in [0, 1) from a 64-bit LCG: identical in both programs, unlike a
/// standard distribution, whose output is implementation-defined.
struct Lcg {
  std::uint64_t state;
  float operator()() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>(state >> 40) / static_cast<float>(1ull << 24);
  }
};

/// Deterministic inputs for a seed network, identical in both programs.
struct SeedData {
  std::vector<float> x, w, b, y;
};
inline SeedData make_seed_data(const SeedSize& s) {
  Lcg uniform{0x2545F4914F6CDD1Dull ^ static_cast<std::uint64_t>(s.inputs)};
  SeedData d;
  const auto n = static_cast<std::size_t>(s.batch), k = static_cast<std::size_t>(s.inputs),
             m = static_cast<std::size_t>(s.outputs);
  d.x.resize(n * k);
  for (float& v : d.x) v = uniform();
  const float scale = 1.0f / std::sqrt(static_cast<float>(s.inputs));  // keeps X·W near 0
  d.w.resize(k * m);
  for (float& v : d.w) v = (2.0f * uniform() - 1.0f) * scale;
  d.b.assign(m, 0.0f);
  d.y.resize(n * m);
  for (float& v : d.y) v = uniform() < 0.5f ? 0.0f : 1.0f;
  return d;
}

/// The Fashion-MNIST classifier of examples/fashion_mnist.cpp, one training step:
/// Flatten → Linear(784, 256) → ReLU → Linear(256, 128) → ReLU → Linear(128, 10) on a batch
/// of 64 images [64, 28, 28], cross-entropy loss (mean), backward, Adam (lr 2e-3).
inline constexpr int kMlpBatch = 64, kMlpSide = 28;
inline constexpr std::array<int, 4> kMlpWidths{784, 256, 128, 10};
inline constexpr double kMlpLr = 2e-3;

/// Deterministic inputs, labels and initial parameters for the classifier, loaded into
/// both programs' models so that both start from the same weights.
struct MlpData {
  std::vector<float> x;                      // [64, 28, 28], pixels in [0, 1)
  std::vector<float> labels;                 // [64], class indices 0..9 as floats
  std::array<std::vector<float>, 3> weight;  // layer i: [out, in], torch.nn.Linear's layout
  std::array<std::vector<float>, 3> bias;    // layer i: [out]
};
inline MlpData make_mlp_data() {
  Lcg uniform{0x9E3779B97F4A7C15ull};
  MlpData d;
  d.x.resize(std::size_t{kMlpBatch} * kMlpSide * kMlpSide);
  for (float& v : d.x) v = uniform();
  const int classes = kMlpWidths.back();
  d.labels.resize(kMlpBatch);
  for (float& v : d.labels) {
    v = std::min(std::floor(uniform() * static_cast<float>(classes)),
                 static_cast<float>(classes - 1));
  }
  // U(−1/√in, 1/√in) for weights and biases: the bounds of torch.nn.Linear's default
  // initialization (and nabla's).
  for (std::size_t i = 0; i < 3; ++i) {
    const auto in = static_cast<std::size_t>(kMlpWidths[i]),
               out = static_cast<std::size_t>(kMlpWidths[i + 1]);
    const float bound = 1.0f / std::sqrt(static_cast<float>(in));
    d.weight[i].resize(out * in);
    for (float& v : d.weight[i]) v = (2.0f * uniform() - 1.0f) * bound;
    d.bias[i].resize(out);
    for (float& v : d.bias[i]) v = (2.0f * uniform() - 1.0f) * bound;
  }
  return d;
}

/// The CNN row: examples/fashion_mnist_cnn's network without its Dropout (whose random
/// mask would differ between the programs), one Adam step on a batch of 128.
///   Conv2d(1, 32, 3, pad 1) BatchNorm2d ReLU MaxPool2d(2) Conv2d(32, 64, 3, pad 1)
///   BatchNorm2d ReLU MaxPool2d(2) Flatten Linear(3136, 128) ReLU Linear(128, 10)
inline constexpr int kCnnBatch = 128;
inline constexpr double kCnnLr = 2e-3;

/// Deterministic inputs, labels and initial parameters of the CNN (BatchNorm starts at
/// weight 1, bias 0 in both programs), in PyTorch's layouts.
struct CnnData {
  std::vector<float> x;       // [128, 1, 28, 28], standardized-looking values in [-1, 1)
  std::vector<float> labels;  // [128], class indices as floats
  // conv1 [32,1,3,3] [32], conv2 [64,32,3,3] [64], fc1 [128,3136] [128], fc2 [10,128] [10]
  std::array<std::vector<float>, 4> weight, bias;
};
inline CnnData make_cnn_data() {
  Lcg uniform{0xC0FFEEull};
  CnnData d;
  d.x.resize(std::size_t{kCnnBatch} * 28 * 28);
  for (float& v : d.x) v = 2.0f * uniform() - 1.0f;
  d.labels.resize(kCnnBatch);
  for (float& v : d.labels) v = std::min(std::floor(uniform() * 10.0f), 9.0f);
  const std::array<std::pair<std::size_t, std::size_t>, 4> shapes{
      {{32, 1 * 9}, {64, 32 * 9}, {128, 3136}, {10, 128}}};  // (out, fan_in)
  for (std::size_t i = 0; i < 4; ++i) {
    const auto [out, fan_in] = shapes[i];
    const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in));  // PyTorch's bounds
    d.weight[i].resize(out * fan_in);
    for (float& v : d.weight[i]) v = (2.0f * uniform() - 1.0f) * bound;
    d.bias[i].resize(out);
    for (float& v : d.bias[i]) v = (2.0f * uniform() - 1.0f) * bound;
  }
  return d;
}

/// The elementwise row: add two [60000, 784] float32 tensors (the size of the whole
/// Fashion-MNIST training set, 188 MB each), so every result is a fresh big buffer.
inline constexpr std::int64_t kBigRows = 60000, kBigCols = 784;
/// Repetitions and warm-up runs for that row at most: one op lasts tens of milliseconds.
inline constexpr int kBigMaxReps = 11, kBigMaxWarmup = 2;

/// Fills the elementwise row's inputs (which = 0 for a, 1 for b) with exactly representable
/// values from a closed form: a generator over 47M values would dominate the start-up.
inline void fill_big(float* p, std::size_t n, int which) {
  const std::size_t mul = which == 0 ? 3 : 7, mod = which == 0 ? 1021 : 1031;
  for (std::size_t i = 0; i < n; ++i) {
    p[i] = static_cast<float>(i * mul % mod) / 1024.0f;
  }
}

/// Σ p[i] in double, the same way in both programs (the elementwise row's check).
inline double sum_floats(const float* p, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += p[i];
  return s;
}

// ---- options ----------------------------------------------------------------------------

enum class Clock { wall, cpu };

struct Options {
  int reps = 31;              // measured repetitions; the median is reported
  int warmup = 5;             // unmeasured runs of the work first (they also calibrate)
  int threads = 1;            // OpenBLAS (and libtorch intra-op) threads
  double min_rep_ms = 2.0;    // each repetition runs the work often enough to last this long
  Clock clock = Clock::cpu;   // resolved from --clock (auto: cpu with 1 thread, else wall)
  std::string json;           // write results here when not empty
  bool skip_kernels = false;  // --no-kernels: leave out nabla-bench's kernel rows
};

inline const char* clock_name(Clock c) {
  return c == Clock::cpu ? "thread CPU time" : "wall time";
}

inline void print_usage(std::FILE* out, const char* prog, const char* what) {
  std::fprintf(out,
               "usage: %s [--reps N] [--warmup N] [--threads N] [--clock auto|cpu|wall]\n"
               "       [--min-rep-ms MS] [--json FILE] [--no-kernels] [--help]\n"
               "\n"
               "Times %s: a chain of %d scalar ops (mul, add, tanh) forward and backward,\n"
               "the seed network's training step (sigmoid(X*W + b), squared loss,\n"
               "backward, SGD update) at 4x3->2 and 64x784->128, a training step of the\n"
               "Fashion-MNIST classifier (784-256-128-10, batch 64, cross-entropy, Adam),\n"
               "and an add of two [60000, 784] float32 tensors. Prints the median over\n"
               "the repetitions, in nanoseconds per op or per step.\n"
               "\n"
               "  --reps N        measured repetitions (default 31)\n"
               "  --warmup N      unmeasured runs of each benchmark's work before timing it;\n"
               "                  they also size the repetitions (default 5)\n"
               "  --threads N     BLAS threads (default 1)\n"
               "  --clock C       what to time: 'cpu' is this thread's CPU time, which time\n"
               "                  slices lost to other processes do not inflate; 'wall' is\n"
               "                  elapsed time; 'auto' (default) is cpu with one thread and\n"
               "                  wall with more (the other threads' work is not this\n"
               "                  thread's CPU time)\n"
               "  --min-rep-ms MS repeat the work inside one repetition until it lasts\n"
               "                  at least MS milliseconds (default 2)\n"
               "  --json FILE     also write the results as JSON to FILE\n"
               "  --no-kernels    leave out the kernel rows (add/mul/exp/sigmoid on 10^6\n"
               "                  and 10^7 values, matmul of views; nabla-bench only)\n"
               "  --help          show this help\n",
               prog, what, kChainOps);
}

/// Parses the command line. Returns the options, or an exit code: 0 after --help, 2 after
/// a bad flag (with the usage on stderr).
inline std::pair<std::optional<Options>, int> parse_args(int argc, char** argv, const char* what) {
  Options o;
  std::string clock = "auto";
  const char* prog = argc > 0 ? argv[0] : "bench";
  auto fail = [&](const std::string& why) {
    std::fprintf(stderr, "%s: %s\n\n", prog, why.c_str());
    print_usage(stderr, prog, what);
    return std::pair<std::optional<Options>, int>{std::nullopt, 2};
  };
  auto parse_int = [](const char* s, int lo, int& out) {
    char* end = nullptr;
    const long v = std::strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < lo || v > 1000000) return false;
    out = static_cast<int>(v);
    return true;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      print_usage(stdout, prog, what);
      return {std::nullopt, 0};
    }
    if (arg == "--no-kernels") {
      o.skip_kernels = true;
      continue;
    }
    const bool takes_value = arg == "--reps" || arg == "--warmup" || arg == "--threads" ||
                             arg == "--json" || arg == "--min-rep-ms" || arg == "--clock";
    if (!takes_value) return fail("unknown argument '" + arg + "'");
    if (i + 1 >= argc) return fail(arg + " needs a value");
    const char* value = argv[++i];
    if (arg == "--reps") {
      if (!parse_int(value, 1, o.reps)) return fail("--reps wants an integer >= 1");
    } else if (arg == "--warmup") {
      if (!parse_int(value, 0, o.warmup)) return fail("--warmup wants an integer >= 0");
    } else if (arg == "--threads") {
      if (!parse_int(value, 1, o.threads)) return fail("--threads wants an integer >= 1");
    } else if (arg == "--min-rep-ms") {
      char* end = nullptr;
      o.min_rep_ms = std::strtod(value, &end);
      if (end == value || *end != '\0' || !(o.min_rep_ms >= 0.0) || o.min_rep_ms > 1e4) {
        return fail("--min-rep-ms wants a number of milliseconds in [0, 10000]");
      }
    } else if (arg == "--clock") {
      clock = value;
      if (clock != "auto" && clock != "cpu" && clock != "wall") {
        return fail("--clock wants auto, cpu or wall");
      }
    } else {
      if (*value == '\0') return fail("--json wants a file name");
      o.json = value;
    }
  }
  if (clock == "cpu" && o.threads > 1) {
    return fail("--clock cpu counts one thread's time: use it with --threads 1");
  }
  o.clock = clock == "wall" || (clock == "auto" && o.threads > 1) ? Clock::wall : Clock::cpu;
  return {o, 0};
}

// ---- timing -----------------------------------------------------------------------------

/// The clock now_ns() reads; set once by main from Options::clock.
inline Clock g_clock = Clock::wall;

/// Nanoseconds on the chosen clock. The thread CPU clock is a system call (about 1.4 µs
/// here, against 30 ns for the wall clock), so it is read only around work that lasts
/// hundreds of microseconds.
inline double now_ns() {
  if (g_clock == Clock::cpu) {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
  }
  return std::chrono::duration<double, std::nano>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// One measured quantity: the per-unit time of each repetition, summarized.
struct Result {
  std::string key;    // stable name, the same in both programs
  std::string label;  // human name
  std::string unit;   // "op" or "step"
  double median_ns = 0, min_ns = 0, max_ns = 0;
  int reps = 0;
  long iters_per_rep = 0;  // units of work per repetition
};

inline Result summarize(std::string key, std::string label, std::string unit,
                        std::vector<double> per_unit_ns, long iters) {
  std::sort(per_unit_ns.begin(), per_unit_ns.end());
  Result r{std::move(key), std::move(label), std::move(unit)};
  const std::size_t n = per_unit_ns.size();
  r.median_ns = n % 2 ? per_unit_ns[n / 2] : 0.5 * (per_unit_ns[n / 2 - 1] + per_unit_ns[n / 2]);
  r.min_ns = per_unit_ns.front();
  r.max_ns = per_unit_ns.back();
  r.reps = static_cast<int>(n);
  r.iters_per_rep = iters;
  return r;
}

/// How many units of work make one repetition last at least min_rep_ms, given the mean
/// time of one unit seen during warm-up.
inline long iters_for(const Options& o, double unit_ns) {
  const double want = o.min_rep_ms * 1e6;
  if (unit_ns <= 0) return 1;
  return std::clamp(static_cast<long>(std::ceil(want / unit_ns)), 1L, 100000000L);
}

/// Times `work()` (one unit of work, `ops` ops) as a block of calls per repetition, so the
/// clock is read twice per repetition whatever the unit's size. Returns ns per op.
template <class F>
Result measure_loop(const Options& o, std::string key, std::string label, std::string unit,
                    double ops, F&& work) {
  double t0 = now_ns();
  const int warm = std::max(o.warmup, 1);
  for (int i = 0; i < warm; ++i) work();
  const long iters = iters_for(o, (now_ns() - t0) / warm);
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(o.reps));
  for (int r = 0; r < o.reps; ++r) {
    t0 = now_ns();
    for (long i = 0; i < iters; ++i) work();
    samples.push_back((now_ns() - t0) / (static_cast<double>(iters) * ops));
  }
  return summarize(std::move(key), std::move(label), std::move(unit), std::move(samples), iters);
}

/// Per-op samples of a unit of work made of P phases: one vector per phase, and the last
/// one for their sum, each with one sample per repetition.
template <std::size_t P>
struct PhaseSamples {
  std::array<std::vector<double>, P + 1> per_op_ns;
  long iters_per_rep = 0;
};

/// Times a unit of work made of P phases: `work()` runs one unit and returns how long
/// each phase took (read with now_ns). Use it only for units long enough (microseconds)
/// that reading the clock around each phase is noise.
template <std::size_t P, class F>
PhaseSamples<P> measure_phases(const Options& o, double ops, F&& work) {
  const double t0 = now_ns();
  const int warm = std::max(o.warmup, 1);
  for (int i = 0; i < warm; ++i) work();
  PhaseSamples<P> s;
  s.iters_per_rep = iters_for(o, (now_ns() - t0) / warm);
  const double denom = static_cast<double>(s.iters_per_rep) * ops;
  for (int r = 0; r < o.reps; ++r) {
    std::array<double, P> sum{};
    for (long i = 0; i < s.iters_per_rep; ++i) {
      const std::array<double, P> t = work();
      for (std::size_t p = 0; p < P; ++p) sum[p] += t[p];
    }
    double total = 0;
    for (std::size_t p = 0; p < P; ++p) {
      s.per_op_ns[p].push_back(sum[p] / denom);
      total += sum[p];
    }
    s.per_op_ns[P].push_back(total / denom);
  }
  return s;
}

// ---- reporting --------------------------------------------------------------------------

/// A value computed by the benchmarked code, printed so that both programs can be seen
/// to do the same arithmetic.
struct Check {
  std::string key;
  double value;
};

inline void print_table(const char* title, const Options& o, const std::vector<Result>& results,
                        const std::vector<Check>& checks) {
  std::printf("%s  (threads %d, %s, median of %d repetitions after %d warm-up runs)\n", title,
              o.threads, clock_name(o.clock), o.reps, o.warmup);
  std::printf("  %-34s %14s  %-9s %12s %12s %10s\n", "benchmark", "median ns", "unit", "min ns",
              "max ns", "iters/rep");
  for (const Result& r : results) {
    std::printf("  %-34s %14.1f  per %-5s %12.1f %12.1f %10ld\n", r.label.c_str(), r.median_ns,
                r.unit.c_str(), r.min_ns, r.max_ns, r.iters_per_rep);
  }
  std::printf("  checks:");
  for (const Check& c : checks) std::printf(" %s=%.6g", c.key.c_str(), c.value);
  std::printf("\n");
}

inline std::string json_escape(const std::string& s) {
  std::string out;
  for (const char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(ch));
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

/// Writes a JSON object of named numbers on one line: `"name": {"a": 1, "b": 2}`.
inline void write_json_numbers(std::FILE* f, const char* name, const std::vector<Check>& values) {
  std::fprintf(f, "  \"%s\": {", name);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i].value;
    const std::string key = json_escape(values[i].key);
    if (std::isfinite(v)) {
      std::fprintf(f, "%s\"%s\": %.9g", i ? ", " : "", key.c_str(), v);
    } else {
      std::fprintf(f, "%s\"%s\": null", i ? ", " : "", key.c_str());
    }
  }
  std::fprintf(f, "}");
}

/// Writes the results as JSON, one result object per line (so that shell tools can read
/// it without a JSON parser), then the checks and, when given, heap allocations per unit.
/// Returns false when the file cannot be written.
inline bool write_json(const std::string& path, const char* tool, const char* library,
                       const Options& o, const std::vector<Result>& results,
                       const std::vector<Check>& checks,
                       const std::vector<Check>& allocations = {}) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return false;
  std::fprintf(f, "{\n  \"tool\": \"%s\",\n  \"library\": \"%s\",\n", tool, library);
  std::fprintf(f, "  \"threads\": %d,\n  \"clock\": \"%s\",\n  \"reps\": %d,\n  \"warmup\": %d,\n",
               o.threads, o.clock == Clock::cpu ? "cpu" : "wall", o.reps, o.warmup);
  std::fprintf(f, "  \"results\": [\n");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    std::fprintf(f,
                 "    {\"key\": \"%s\", \"label\": \"%s\", \"unit\": \"%s\", \"median_ns\": %.3f, "
                 "\"min_ns\": %.3f, \"max_ns\": %.3f, \"reps\": %d, \"iters_per_rep\": %ld}%s\n",
                 json_escape(r.key).c_str(), json_escape(r.label).c_str(),
                 json_escape(r.unit).c_str(), r.median_ns, r.min_ns, r.max_ns, r.reps,
                 r.iters_per_rep, i + 1 < results.size() ? "," : "");
  }
  std::fprintf(f, "  ],\n");
  write_json_numbers(f, "checks", checks);
  if (!allocations.empty()) {
    std::fprintf(f, ",\n");
    write_json_numbers(f, "allocations_per_unit", allocations);
  }
  std::fprintf(f, "\n}\n");
  return std::fclose(f) == 0;
}

}  // namespace bench
