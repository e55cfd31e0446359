// The table of the ops' contracts, from the build's generated nabla_op_rules.inc.

#include "check/op_rules.hpp"

#include <algorithm>
#include <iterator>

namespace nabla::detail {
namespace {

const OpContract kContracts[] = {
#include "nabla_op_rules.inc"
};

}  // namespace

const OpContract* find_op_contract(std::string_view name) noexcept {
  // the generator writes the table sorted by name
  const auto it =
      std::lower_bound(std::begin(kContracts), std::end(kContracts), name,
                       [](const OpContract& c, std::string_view n) { return c.name < n; });
  return it != std::end(kContracts) && it->name == name ? &*it : nullptr;
}

}  // namespace nabla::detail
