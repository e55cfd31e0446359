#include "fuzz_common.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace nabla::fuzz {
namespace {

[[noreturn]] void abort_handler(const std::string&) {
  std::abort();
}

FailureHandler g_handler = abort_handler;

std::string scratch_dir() {
  static const std::string dir = [] {
    std::filesystem::path p = std::filesystem::temp_directory_path() /
                              ("nabla_fuzz." + std::to_string(static_cast<long>(::getpid())));
    std::filesystem::create_directories(p);
    return p.string();
  }();
  return dir;
}

}  // namespace

void fail(const std::string& report) {
  std::fprintf(stderr, "\n==== nabla fuzz FAILURE ====\n%s\n============================\n",
               report.c_str());
  std::fflush(stderr);
  g_handler(report);
  std::abort();  // a handler that returns is itself a bug
}

void set_failure_handler(FailureHandler handler) {
  g_handler = handler ? handler : abort_handler;
}

bool is_nabla_error(const std::exception& e) {
  return std::string_view(e.what()).find("nabla") != std::string_view::npos;
}

TempFile::TempFile(std::span<const std::uint8_t> bytes, const std::string& suffix) {
  static unsigned counter = 0;
  path_ = scratch_dir() + "/input" + std::to_string(counter++ % 4) + suffix;
  std::ofstream out(path_, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) fail("fuzz harness: cannot write the scratch file " + path_);
}

TempFile::~TempFile() {
  std::remove(path_.c_str());
}

}  // namespace nabla::fuzz
