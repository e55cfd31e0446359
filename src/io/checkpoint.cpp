// Checkpoints: a module's parameters and an optimizer's state as safetensors files, told
// apart by their "nabla.kind" metadata. Layer 6 of DESIGN.md.

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>
#include <system_error>

#include "io/safetensors.hpp"

namespace nabla {
namespace {

constexpr const char* kKindKey = "nabla.kind";
constexpr const char* kOptimizerKey = "nabla.optimizer";
constexpr const char* kLrKey = "nabla.lr";

const std::string* find(const Metadata& metadata, const char* key) {
  auto it = metadata.find(key);
  return it == metadata.end() ? nullptr : &it->second;
}

// "optimizer state" / "a module's parameters" / the raw kind, for messages.
std::string describe_kind(const std::string& kind) {
  if (kind == "module") return "a module's parameters";
  if (kind == "optimizer") return "optimizer state";
  return fmt::format("\"nabla.kind\": \"{}\"", kind);
}

}  // namespace

void save(const nn::Module& module, const std::string& path) {
  save(module.state_dict(), path, {{kKindKey, "module"}});
}

void load(nn::Module& module, const std::string& path) {
  detail::SafetensorsFile file = detail::read_safetensors("nabla::load", path);
  // A file without nabla's metadata (written by PyTorch, say) is taken as parameters.
  if (const std::string* kind = find(file.metadata, kKindKey); kind && *kind != "module") {
    throw std::invalid_argument(fmt::format(
        "nabla::load: '{}' holds {}, not a module's parameters{}", path, describe_kind(*kind),
        *kind == "optimizer" ? ": load it with nabla::load(optimizer, path)" : ""));
  }
  try {
    module.load_state_dict(file.tensors);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(
        fmt::format("nabla::load: '{}' does not fit the module: {}", path, e.what()));
  }
}

void save(const optim::Optimizer& optimizer, const std::string& path) {
  // "nabla.lr" (group 0's rate) stays for readers of the older format; the state itself
  // holds every group's options. fmt writes the shortest text that reads back as the same double.
  save(optimizer.state(), path,
       {{kKindKey, "optimizer"},
        {kOptimizerKey, optimizer.name()},
        {kLrKey, fmt::format("{}", optimizer.lr())}});
}

void load(optim::Optimizer& optimizer, const std::string& path) {
  detail::SafetensorsFile file = detail::read_safetensors("nabla::load", path);
  auto fail = [&path](const std::string& what) {
    throw std::invalid_argument(fmt::format("nabla::load: '{}' {}", path, what));
  };
  const std::string* kind = find(file.metadata, kKindKey);
  if (kind == nullptr) {
    fail(
        "has no \"nabla.kind\" metadata: it is not optimizer state written by "
        "nabla::save(optimizer, path)");
  }
  if (*kind != "optimizer") {
    fail(fmt::format("holds {}, not optimizer state{}", describe_kind(*kind),
                     *kind == "module" ? ": load it with nabla::load(module, path)" : ""));
  }
  const std::string* name = find(file.metadata, kOptimizerKey);
  if (name == nullptr) fail("has no \"nabla.optimizer\" metadata naming the optimizer");
  if (*name != optimizer.name()) {
    fail(fmt::format("holds the state of {}, but this optimizer is {}", *name, optimizer.name()));
  }
  const std::string* lr_text = find(file.metadata, kLrKey);
  if (lr_text == nullptr) fail("has no \"nabla.lr\" metadata (the learning rate)");
  double lr = 0.0;
  const char* end = lr_text->data() + lr_text->size();
  const auto [ptr, ec] = std::from_chars(lr_text->data(), end, lr);
  if (ec != std::errc() || ptr != end || !(lr >= 0.0) || !std::isfinite(lr)) {
    fail(fmt::format("has \"nabla.lr\": \"{}\", which is not a finite non-negative number",
                     *lr_text));
  }
  try {
    optimizer.load_state(file.tensors);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(
        fmt::format("nabla::load: '{}' does not fit the optimizer: {}", path, e.what()));
  }
  // Files written since parameter groups carry every group's options ("group.<g>.lr", ...),
  // which load_state restored; older ones have only "nabla.lr", for every group.
  bool with_groups = false;
  for (const auto& entry : file.tensors)
    with_groups = with_groups || entry.first.rfind("group.", 0) == 0;
  if (!with_groups) optimizer.set_lr(lr);
}

}  // namespace nabla
