#pragma once
// Internal: a POSIX file descriptor that closes itself (used by the readers and writers of
// src/io and src/data).

#include <unistd.h>

#include <cerrno>
#include <utility>

namespace nabla::detail {

/// Owns a file descriptor (or -1): closes it on destruction unless released.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd& operator=(UniqueFd&&) = delete;
  ~UniqueFd() { (void)close(); }

  int get() const noexcept { return fd_; }
  /// Gives the descriptor up (someone else closes it now) and returns it.
  int release() noexcept { return std::exchange(fd_, -1); }
  /// Closes now; returns 0 or the errno of a failed close (which can report a failed write).
  int close() noexcept {
    if (fd_ < 0) return 0;
    const int r = ::close(fd_);
    fd_ = -1;
    return r == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

}  // namespace nabla::detail
