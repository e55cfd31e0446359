// The CSV reader: a numeric table as float32. Layer 6 of DESIGN.md.

#include "nabla/data.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "nabla/ops.hpp"

#include "data/input_file.hpp"

namespace nabla::data {

using detail::missing_hint;
using detail::open_input;

// ---- CSV -------------------------------------------------------------------------------

namespace {

constexpr const char* kCsv = "nabla::data::read_csv";

// All of `fd`'s bytes.
std::string read_all(int fd, const std::string& path, std::uint64_t size_hint) {
  std::string text;
  text.reserve(static_cast<std::size_t>(size_hint));
  char buf[1 << 16];
  for (;;) {
    const ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      throw std::runtime_error(fmt::format("{}: cannot read '{}' (after {} bytes): {}", kCsv, path,
                                           text.size(), std::strerror(err)));
    }
    if (r == 0) return text;
    text.append(buf, static_cast<std::size_t>(r));
  }
}

// Up to 40 characters of a cell, for messages.
std::string brief_cell(std::string_view cell) {
  if (cell.size() <= 40) return std::string(cell);
  return fmt::format("{}...", cell.substr(0, 37));
}

// Whether a decimal number that from_chars found out of double's range is too large (rather
// than too small): whether its leading significant digit stands for a positive power of 10.
bool too_large(std::string_view s) {
  std::size_t i = s[0] == '-' ? 1 : 0;
  bool seen_digit = false, after_point = false;
  std::int64_t before_point = 0, zeros_after_point = 0;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
    if (s[i] == '.') {
      after_point = true;
    } else if (!seen_digit && s[i] == '0') {
      if (after_point) ++zeros_after_point;
    } else {
      if (!seen_digit) seen_digit = true;
      if (!after_point) ++before_point;
    }
  }
  const std::int64_t order = before_point > 0 ? before_point - 1 : -(zeros_after_point + 1);
  std::int64_t exponent = 0;
  if (i < s.size()) {
    std::string_view e = s.substr(i + 1);
    const bool negative = !e.empty() && e[0] == '-';
    if (!e.empty() && (e[0] == '+' || e[0] == '-')) e.remove_prefix(1);
    const auto [ptr, ec] = std::from_chars(e.data(), e.data() + e.size(), exponent);
    if (ec == std::errc::result_out_of_range) return !negative;
    if (negative) exponent = -exponent;
  }
  return order + exponent > 0;
}

}  // namespace

Tensor read_csv(const std::string& path, bool header, std::vector<std::string>* column_names,
                char delimiter) {
  std::string text;
  {
    auto [fd, st] = open_input(
        kCsv, path, "", [](mode_t m) -> bool { return S_ISREG(m) || S_ISFIFO(m); },
        "regular files and pipes");
    text =
        read_all(fd.get(), path, S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0);
  }
  auto split = [&](std::string_view line) {
    std::vector<std::string_view> cells;
    for (std::size_t start = 0;;) {
      const std::size_t end = line.find(delimiter, start);
      cells.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
      if (end == std::string_view::npos) return cells;
      start = end + 1;
    }
  };
  std::size_t line_no = 0, cols = 0;
  bool header_pending = header;
  std::vector<float> values;
  std::int64_t rows = 0;
  const std::string_view all(text);
  for (std::size_t pos = 0; pos < all.size();) {
    const std::size_t nl = all.find('\n', pos);
    std::string_view line = all.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? all.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const auto cells = split(line);
    if (header_pending) {  // the first line that is not empty
      header_pending = false;
      cols = cells.size();
      if (column_names != nullptr) column_names->assign(cells.begin(), cells.end());
      continue;
    }
    if (cols == 0) cols = cells.size();
    if (cells.size() != cols) {
      throw std::runtime_error(fmt::format("{}: '{}' line {}: expected {} columns, found {}", kCsv,
                                           path, line_no, cols, cells.size()));
    }
    for (std::size_t c = 0; c < cells.size(); ++c) {
      std::string_view s = cells[c];
      s.remove_prefix(std::min(s.find_first_not_of(" \t"), s.size()));
      s.remove_suffix(s.size() - (s.find_last_not_of(" \t") + 1));
      // from_chars takes no '+': drop one, but not before another sign.
      if (s.size() > 1 && s[0] == '+' && s[1] != '+' && s[1] != '-') s.remove_prefix(1);
      auto fail = [&](const std::string& what) {
        throw std::runtime_error(
            fmt::format("{}: '{}' line {} column {}: {}", kCsv, path, line_no, c + 1, what));
      };
      const char* end = s.data() + s.size();
      float v = 0.0f;
      auto [ptr, ec] = std::from_chars(s.data(), end, v);  // correctly rounded to float32
      if (s.empty() || ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
        fail(fmt::format("expected a number, found '{}'", brief_cell(cells[c])));
      }
      if (ec == std::errc::result_out_of_range) {
        // Beyond float32: too small rounds to a subnormal or ±0 (as numpy does), too large
        // is an error.
        double d = 0.0;
        const bool in_double = std::from_chars(s.data(), end, d).ec == std::errc();
        v = in_double ? static_cast<float>(d) : (s[0] == '-' ? -0.0f : 0.0f);
        if (in_double ? std::isinf(v) : too_large(s)) {
          fail(fmt::format(
              "'{}' is outside float32's range (finite values up to ±{:.8g}); write inf for "
              "infinity",
              brief_cell(cells[c]), std::numeric_limits<float>::max()));
        }
      }
      values.push_back(v);
    }
    ++rows;
  }
  return tensor(std::span<const float>(values), {rows, static_cast<std::int64_t>(cols)}, f32);
}

}  // namespace nabla::data
