#pragma once
/// \file errors.hpp
/// The exception types nabla throws beyond the standard ones. Bad arguments throw
/// std::invalid_argument (std::out_of_range for axes and indices), misuse of the graph
/// std::logic_error or std::runtime_error, unreadable files std::runtime_error; every
/// message starts with the function that threw it (`nabla::matmul: ...`).

#include <new>
#include <string>

namespace nabla {

/// Thrown when the memory for a tensor cannot be had. It is a std::bad_alloc, so code that
/// handles running out of memory keeps working, with a message that names the op, the
/// shape, the dtype and the bytes asked for.
class OutOfMemoryError : public std::bad_alloc {
 public:
  explicit OutOfMemoryError(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

}  // namespace nabla
