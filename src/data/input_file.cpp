// Opening the readers' input files (see input_file.hpp).

#include "data/input_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace nabla::detail {

std::string missing_hint(const std::string& path) {
  if (path.find("fashion-mnist") != std::string::npos) {
    return " (Fashion-MNIST comes from the Debian package dataset-fashion-mnist: "
           "apt-get install dataset-fashion-mnist)";
  }
  return "";
}

// Opens `path` for reading and checks its kind: a directory is named as such, and any other
// kind that `allowed` rejects is named by what it is. Returns the open descriptor and its
// status.
std::pair<UniqueFd, struct stat> open_input(const char* fn, const std::string& path,
                                            const std::string& hint, bool (*allowed)(mode_t),
                                            const char* wanted) {
  UniqueFd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.get() < 0) {
    const int err = errno;
    throw std::runtime_error(
        fmt::format("{}: cannot open '{}': {}{}", fn, path, std::strerror(err), hint));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    const int err = errno;
    throw std::runtime_error(
        fmt::format("{}: cannot read the status of '{}': {}", fn, path, std::strerror(err)));
  }
  if (S_ISDIR(st.st_mode)) {
    throw std::runtime_error(fmt::format("{}: '{}' is a directory, not a file", fn, path));
  }
  if (!allowed(st.st_mode)) {
    const char* kind = S_ISCHR(st.st_mode)    ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISFIFO(st.st_mode) ? "a pipe"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "not a regular file";
    throw std::runtime_error(fmt::format("{}: '{}' is {}; it reads {}", fn, path, kind, wanted));
  }
  return {std::move(fd), st};
}

}  // namespace nabla::detail
