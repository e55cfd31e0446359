#pragma once
/// \file format.hpp
/// fmt support: `fmt::print("{}", tensor)` prints what `operator<<` prints.

#include <fmt/format.h>

#include <string_view>

#include "nabla/tensor.hpp"

template <>
struct fmt::formatter<nabla::Tensor> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const nabla::Tensor& t, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(nabla::to_string(t), ctx);
  }
};
