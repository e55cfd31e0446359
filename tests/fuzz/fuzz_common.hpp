#pragma once
// Shared by every fuzz target and both front ends (libFuzzer and the seeded driver):
// how a failure is reported, what counts as one of nabla's own errors, and a byte reader.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <string>

namespace nabla::fuzz {

/// Thrown by the seeded driver's failure handler. Deliberately not a std::exception, so
/// that no `catch (const std::exception&)` in a target can swallow it.
struct FuzzFailure {
  std::string report;
};

/// Reports a failure: prints `report` to stderr and calls the failure handler, which by
/// default calls std::abort() so that libFuzzer records the input. Never returns.
[[noreturn]] void fail(const std::string& report);

/// Replaces the failure handler (the seeded driver throws FuzzFailure instead of aborting).
/// The handler must not return.
using FailureHandler = void (*)(const std::string& report);
void set_failure_handler(FailureHandler handler);

/// True when `e` is one of nabla's own errors: its message names nabla ("nabla::add: ...",
/// "nabla: a tensor that ..."). A bare std::bad_alloc or a library's own exception is not.
bool is_nabla_error(const std::exception& e);

/// Reads a fuzzer's bytes as small numbers; past the end every read gives 0, as libFuzzer
/// expects of a target (a shorter input is a prefix of a longer one).
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::uint8_t byte() { return pos_ < bytes_.size() ? bytes_[pos_++] : 0; }
  /// A number in [0, n) (n ≥ 1).
  std::size_t below(std::size_t n) { return n <= 1 ? 0 : byte() % n; }
  bool flag() { return (byte() & 1) != 0; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | byte();
    return v;
  }
  bool done() const { return pos_ >= bytes_.size(); }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

/// A file in a per-process scratch directory holding `bytes` (the readers take paths);
/// removed by the destructor.
class TempFile {
 public:
  TempFile(std::span<const std::uint8_t> bytes, const std::string& suffix);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace nabla::fuzz
