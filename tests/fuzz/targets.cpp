// The file-reader targets and the target table. A reader must return normally or throw
// one of nabla's errors naming the reader ("nabla::load: ...", "nabla::data::read_idx:
// ..."); anything else, a crash or a sanitizer report included, is a failure.

#include "targets.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <array>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <vector>

#include "fuzz_common.hpp"
#include "graph_program.hpp"
#include "nabla/autograd.hpp"
#include "nabla/data.hpp"
#include "nabla/io.hpp"
#include "nabla/ops.hpp"
#include "nabla/registry.hpp"

namespace nabla::fuzz {
namespace {

bool g_print = false;

struct GraphTotals {
  std::size_t programs = 0, valid = 0, gradchecked = 0, checked_programs = 0, nonfinite = 0,
              kinks = 0, steps = 0, exceptions = 0, backward_calls = 0;
} g_graph;

// Runs `f`, which may throw only nabla's errors naming `reader`.
template <class F>
void expect_reader_errors(const char* reader, F&& f) {
  try {
    f();
  } catch (const FuzzFailure&) {
    throw;
  } catch (const std::exception& e) {
    if (!is_nabla_error(e) || std::string_view(e.what()).find(reader) == std::string_view::npos) {
      fail(fmt::format("{} threw a {} that is not one of its errors: {}", reader, typeid(e).name(),
                       e.what()));
    }
  } catch (...) {
    fail(fmt::format("{} threw something that is not a std::exception", reader));
  }
}

bool same_values(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape() || a.dtype() != b.dtype()) return false;
  const std::vector<double> x = a.to_vector(), y = b.to_vector();
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i])))) return false;
  }
  return true;
}

void run_graph(std::span<const std::uint8_t> bytes, const std::string& focus_op = "") {
  GraphOptions o;
  o.print = g_print;
  o.focus_op = focus_op;
  const GraphStats st = run_graph_program(bytes, o);
  ++g_graph.programs;
  g_graph.valid += st.valid;
  g_graph.gradchecked += st.gradchecked;
  g_graph.checked_programs += st.gradchecked > 0;
  g_graph.nonfinite += st.skipped_nonfinite;
  g_graph.kinks += st.kink_skips;
  g_graph.steps += st.steps;
  g_graph.exceptions += st.exceptions;
  g_graph.backward_calls += st.backward_calls;
}

// A safetensors file that loads must also save and load back the same.
void run_safetensors(std::span<const std::uint8_t> bytes) {
  TempFile file(bytes, ".safetensors");
  nn::NamedTensors tensors;
  bool loaded = false;
  expect_reader_errors("nabla::load", [&] {
    tensors = load(file.path());
    loaded = true;
  });
  expect_reader_errors("nabla::load", [&] { (void)load_metadata(file.path()); });
  if (!loaded) return;
  for (const auto& [name, t] : tensors) {
    if (t.requires_grad()) fail(fmt::format("nabla::load: tensor '{}' requires grad", name));
  }
  TempFile copy({}, ".copy.safetensors");
  try {
    save(tensors, copy.path());
  } catch (const std::invalid_argument& e) {
    return;  // a name nabla would not write (e.g. not valid UTF-8) may still be read
  }
  nn::NamedTensors again;
  try {
    again = load(copy.path());
  } catch (const std::exception& e) {
    fail(fmt::format("nabla::load: a loaded file, saved again by nabla, does not load: {}",
                     e.what()));
  }
  if (again.size() != tensors.size())
    fail("nabla::load: a loaded file saves and reloads differently");
  for (std::size_t i = 0; i < again.size(); ++i) {
    if (again[i].first != tensors[i].first || !same_values(again[i].second, tensors[i].second)) {
      fail(fmt::format("nabla::load: tensor '{}' saves and reloads differently", tensors[i].first));
    }
  }
}

// gzip of `bytes` (zlib's deflate with the gzip wrapper).
std::vector<std::uint8_t> gzip(std::span<const std::uint8_t> bytes) {
  z_stream s{};
  if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    fail("fuzz harness: deflateInit2 failed");
  }
  std::vector<std::uint8_t> out(deflateBound(&s, static_cast<uLong>(bytes.size())) + 32);
  s.next_in = const_cast<Bytef*>(bytes.data());
  s.avail_in = static_cast<uInt>(bytes.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  if (deflate(&s, Z_FINISH) != Z_STREAM_END) fail("fuzz harness: deflate failed");
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

// The bytes as an IDX file; a first byte 'Z' (never the start of an IDX file, whose magic
// begins with two zero bytes) means: gzip the rest first, so that the fuzzer explores the
// IDX parser behind zlib too, not only zlib's own checks.
void run_idx(std::span<const std::uint8_t> bytes) {
  std::vector<std::uint8_t> content(bytes.begin(), bytes.end());
  const bool compress = !bytes.empty() && bytes[0] == 'Z';
  if (compress) content = gzip(bytes.subspan(1));
  TempFile file(content, compress ? ".idx.gz" : ".idx");
  expect_reader_errors("nabla::data::read_idx", [&] {
    const Tensor t = data::read_idx(file.path());
    // The file's own element type: uint8, int32 (0x09, 0x0B and 0x0C), float32 or float64.
    if (t.dtype() != u8 && t.dtype() != i32 && t.dtype() != f32 && t.dtype() != f64)
      fail("nabla::data::read_idx returned a dtype no IDX element type maps to");
  });
}

// First byte: bit 0 header, bits 1–2 the delimiter; the rest is the file.
void run_csv(std::span<const std::uint8_t> bytes) {
  const std::uint8_t flags = bytes.empty() ? 0 : bytes[0];
  const bool header = (flags & 1) != 0;
  const char delimiter = std::array{',', ';', '\t', ' '}[(flags >> 1) & 3];
  TempFile file(bytes.empty() ? bytes : bytes.subspan(1), ".csv");
  expect_reader_errors("nabla::data::read_csv", [&] {
    std::vector<std::string> names;
    const Tensor t = data::read_csv(file.path(), header, &names, delimiter);
    if (t.dim() != 2) fail(fmt::format("nabla::data::read_csv returned rank {}", t.dim()));
    // With a header, every column has a name (the header is the first non-empty line; a
    // blank first line once made read_csv read the real header as data: 05 0d 0a 31 09 32
    // 0d 0a, now tests/fuzz/corpus/csv/blank_first_line).
    if (header && t.size(0) > 0 && names.size() != static_cast<std::size_t>(t.size(1))) {
      fail(fmt::format("nabla::data::read_csv: {} column names for {} columns", names.size(),
                       t.size(1)));
    }
  });
}

// Self-tests of the machinery (tests Fuzz.SelfTest*): each must make the driver fail.
// selftest-crash: a "reader" that throws a plain std::runtime_error for every input.
void run_selftest_crash(std::span<const std::uint8_t>) {
  expect_reader_errors("nabla::selftest", [] {
    throw std::runtime_error("selftest: an error that is not one of nabla's");
  });
}

// selftest-wrong-grad: the graph target with one more registered op whose rule is wrong
// (cube with the derivative 2x² instead of 3x²), as a user's buggy op would be: the
// gradient oracle must catch it.
struct WrongCubeNode : Node {
  WrongCubeNode() : Node("selftest_wrong_cube") {}
  std::vector<Tensor> backward(const Tensor& grad_out) override {
    return {mul(grad_out, mul(pow(saved(0), 2.0), 2.0))};
  }
};

Tensor wrong_cube(const Tensor& x) {
  Tensor result = pow(x.detach(), 3.0);
  if (auto node = record<WrongCubeNode>(result, {x})) node->save(x);
  return result;
}

void run_selftest_wrong_grad(std::span<const std::uint8_t> bytes) {
  static const bool registered = [] {
    register_op({.name = "selftest_wrong_cube",
                 .formula = "x^3 (with a wrong rule)",
                 .arity = 1,
                 .fn = [](const std::vector<Tensor>& in) { return wrong_cube(in[0]); },
                 .samples = [](Generator& g, Dtype d) { return unary_samples(g, d); }});
    return true;
  }();
  (void)registered;
  run_graph(bytes, "selftest_wrong_cube");
}

constexpr FuzzTarget kTargets[] = {
    {"graph", [](std::span<const std::uint8_t> b) { run_graph(b); }, 512, false},
    {"safetensors", run_safetensors, 4096, false},
    {"idx", run_idx, 4096, false},
    {"csv", run_csv, 4096, false},
    {"selftest-crash", run_selftest_crash, 64, true},
    {"selftest-wrong-grad", run_selftest_wrong_grad, 512, true},
};

}  // namespace

std::span<const FuzzTarget> fuzz_targets() {
  return kTargets;
}

const FuzzTarget* find_target(std::string_view name) {
  for (const FuzzTarget& t : kTargets) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

void set_print_programs(bool print) {
  g_print = print;
}

std::string target_summary(std::string_view name) {
  if (name != "graph" && name != "selftest-wrong-grad") return "";
  const GraphTotals& t = g_graph;
  return fmt::format(
      "graph programs: {} ({} steps, {} backward/grad calls), {} valid, {} threw nabla errors "
      "({} exceptions); gradcheck ran on {} losses of {} programs, skipped for NaN/inf in {}, "
      "mismatches explained by kinks {}",
      t.programs, t.steps, t.backward_calls, t.valid, t.programs - t.valid, t.exceptions,
      t.gradchecked, t.checked_programs, t.nonfinite, t.kinks);
}

}  // namespace nabla::fuzz
