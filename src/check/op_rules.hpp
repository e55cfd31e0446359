#pragma once
// Internal: each built-in op's contract as its file under ops/ states it (generated at
// build time by cmake/op_rules_gen.cpp).

#include <string_view>

namespace nabla::detail {

struct OpContract {
  std::string_view name, summary, forward, backward;
};

/// The contract of the op (its file's stem) named `name`, or null.
const OpContract* find_op_contract(std::string_view name) noexcept;

}  // namespace nabla::detail
