// Writes the seed corpus: small valid files of every kind the readers take, and graph
// programs chosen for variety. The committed tests/fuzz/corpus/ came from
//
//   build-test/tests/fuzz/nabla_fuzz_make_seeds tests/fuzz/corpus
//
// (then minimized with libFuzzer's -merge=1: tools/fuzz --merge). Deterministic.

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "graph_program.hpp"
#include "nabla/data.hpp"
#include "nabla/io.hpp"
#include "nabla/ops.hpp"

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

namespace {

void write(const fs::path& p, const Bytes& b) {
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

void write(const fs::path& p, const std::string& s) {
  write(p, Bytes(s.begin(), s.end()));
}

void safetensors_seeds(const fs::path& dir) {
  using nabla::f32;
  using nabla::f64;
  const std::vector<std::pair<std::string, nabla::nn::NamedTensors>> files = {
      {"one_f32", {{"w", nabla::tensor({1.0, -2.0, 3.5}, {3}, f32)}}},
      {"two_f64",
       {{"a", nabla::tensor({1.0, 2.0, 3.0, 4.0}, {2, 2}, f64)},
        {"b", nabla::tensor({0.5}, {1}, f64)}}},
      {"scalar_and_empty", {{"s", nabla::scalar_tensor(7.0)}, {"e", nabla::zeros({0, 3})}}},
      {"rank3", {{"layer.0.weight", nabla::arange(12.0).reshape({2, 3, 2})}}},
      {"empty_file_list", {}},
  };
  for (const auto& [name, tensors] : files) {
    nabla::save(tensors, (dir / (name + ".safetensors")).string());
  }
  nabla::save({{"x", nabla::ones({2})}}, (dir / "metadata.safetensors").string(),
              {{"nabla.kind", "module"}, {"note", "ünïcode"}});
}

Bytes idx(std::uint8_t type, const std::vector<std::uint32_t>& shape, std::size_t elem) {
  Bytes b = {0, 0, type, static_cast<std::uint8_t>(shape.size())};
  std::size_t n = 1;
  for (std::uint32_t e : shape) {
    for (int k = 3; k >= 0; --k) b.push_back(static_cast<std::uint8_t>(e >> (8 * k)));
    n *= e;
  }
  for (std::size_t i = 0; i < n * elem; ++i) b.push_back(static_cast<std::uint8_t>(i * 37 + 11));
  return b;
}

void idx_seeds(const fs::path& dir) {
  const std::vector<std::pair<std::string, Bytes>> files = {
      {"labels_u8", idx(0x08, {5}, 1)}, {"images_u8", idx(0x08, {2, 3, 3}, 1)},
      {"i8", idx(0x09, {4}, 1)},        {"i16", idx(0x0B, {2, 2}, 2)},
      {"i32", idx(0x0C, {3}, 4)},       {"f32", idx(0x0D, {2}, 4)},
      {"f64", idx(0x0E, {2}, 8)},       {"empty", idx(0x08, {0, 4}, 1)},
  };
  for (const auto& [name, b] : files) {
    write(dir / (name + ".idx"), b);
    // The same, to be gzipped by the target ('Z' prefix, see targets.cpp).
    Bytes z = {'Z'};
    z.insert(z.end(), b.begin(), b.end());
    write(dir / (name + ".zidx"), z);
  }
  // A real gzip file, as Fashion-MNIST ships: zlib's own checks get mutated too.
  nabla::fuzz::TempFile plain(files[1].second, ".idx");
  const std::string gz = (dir / "images_u8.idx.gz").string();
  const std::string cmd = fmt::format("gzip -9 -n -c '{}' > '{}'", plain.path(), gz);
  if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "warning: %s failed\n", cmd.c_str());
}

void csv_seeds(const fs::path& dir) {
  // First byte: bit 0 header, bits 1–2 the delimiter (, ; tab space).
  const std::vector<std::pair<std::string, std::string>> files = {
      {"header_comma", std::string(1, 1) + "x,y,label\n1,2,0\n3.5,-4e2,1\n"},
      {"no_header", std::string(1, 0) + "1,2\n3,4\n5,6\n"},
      {"semicolon", std::string(1, 1 | 2) + "a;b\n0.25;1e-3\n"},
      {"tab_crlf", std::string(1, 1 | 4) + "a\tb\r\n1\t2\r\n"},
      {"space_blank_lines", std::string(1, 6) + "1 2 3\n\n4 5 6\n"},
      {"header_only", std::string(1, 1) + "a,b,c\n"},
      {"empty_cell", std::string(1, 0) + "1,,3\n"},
  };
  for (const auto& [name, s] : files) write(dir / (name + ".csv"), s);
}

// Random programs, kept when they add a kind of outcome not seen yet, so the seeds cover
// valid programs (checked by gradcheck), programs that throw, and every step kind early on.
void graph_seeds(const fs::path& dir) {
  std::mt19937_64 rng(20240601);
  std::set<std::string> seen;
  int kept = 0;
  for (int i = 0; i < 4000 && kept < 32; ++i) {
    Bytes b(16 + rng() % 160);
    for (auto& c : b) c = static_cast<std::uint8_t>(rng());
    const nabla::fuzz::GraphStats s = nabla::fuzz::run_graph_program(b);
    const std::string key =
        fmt::format("{}{}{}{}-{}", s.valid, s.gradchecked > 0, s.skipped_nonfinite,
                    s.kink_skips > 0, std::min<std::size_t>(s.backward_calls, 3));
    if (seen.insert(key).second || (s.gradchecked && kept < 24 && rng() % 8 == 0)) {
      write(dir / fmt::format("program_{:02d}", kept++), b);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR   (writes CORPUS_DIR/<target>/...)\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  for (const char* t : {"graph", "safetensors", "idx", "csv"}) fs::create_directories(root / t);
  safetensors_seeds(root / "safetensors");
  idx_seeds(root / "idx");
  csv_seeds(root / "csv");
  graph_seeds(root / "graph");
  std::printf("seeds written under %s\n", root.c_str());
  return 0;
}
