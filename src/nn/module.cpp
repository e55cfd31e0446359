// nn::Module bookkeeping: named parameters, submodules, modes, state dicts, printing. Only the
// public Tensor and op API is used here.
#include "nabla/nn.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "nabla/shape.hpp"

namespace nabla::nn {

// ---- Module ---------------------------------------------------------------------------

namespace {

// Throws unless `name` is a valid, unused name for a parameter or submodule (`what`) of
// the module called `type_name` with these parameters and children.
void check_new_name(const std::string& type_name, const NamedTensors& params,
                    const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children,
                    const char* what, const std::string& name) {
  if (name.empty()) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: a {} needs a non-empty name", type_name, what));
  }
  if (name.find('.') != std::string::npos) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: {} name '{}' contains '.', which separates qualified names",
                    type_name, what, name));
  }
  const bool taken =
      std::any_of(params.begin(), params.end(), [&](const auto& p) { return p.first == name; }) ||
      std::any_of(children.begin(), children.end(), [&](const auto& c) { return c.first == name; });
  if (taken) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: the name '{}' is already registered", type_name, name));
  }
}

}  // namespace

Module::Module(std::string type_name) : type_name_(std::move(type_name)) {}

Tensor Module::forward(const Tensor&) {
  throw std::logic_error(fmt::format(
      "nabla::nn::{}: this module has no forward(const Tensor&); override it, or call the "
      "module's own method",
      type_name_));
}

Tensor Module::register_parameter(const std::string& name, Tensor tensor) {
  check_new_name(type_name_, params_, children_, "parameter", name);
  if (!tensor.defined()) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: parameter '{}' is an undefined tensor", type_name_, name));
  }
  if (!tensor.is_leaf()) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: parameter '{}' is the result of an op, not a leaf; register "
                    "t.detach() (a parameter is updated in place by optimizers)",
                    type_name_, name));
  }
  tensor.requires_grad_(true);
  // The qualified name doubles as the display name in graphs (to_dot), unless the user
  // named the tensor; add_child prefixes it when this module becomes a submodule. Names
  // are set here, at construction, so that const methods never write to the tensors.
  if (tensor.name().empty()) tensor.set_name(name);
  params_.emplace_back(name, tensor);
  return tensor;
}

const Tensor& Module::parameter(const std::string& name) const {
  for (const auto& [n, t] : params_) {
    if (n == name) return t;
  }
  throw std::out_of_range(fmt::format("nabla::nn::{}: no parameter called '{}'", type_name_, name));
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name(type_name_, params_, children_, "submodule", name);
  if (!module) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: submodule '{}' is a null pointer", type_name_, name));
  }
  if (module.get() == this) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: a module cannot be its own submodule ('{}')", type_name_, name));
  }
  module->train(training_);
  NamedTensors inner;
  module->collect("", inner);
  for (auto& [qualified, t] : inner) {
    if (t.name() == qualified) t.set_name(name + "." + qualified);  // still the given name
  }
  children_.emplace_back(name, std::move(module));
}

void Module::collect(const std::string& prefix, NamedTensors& out) const {
  for (const auto& [name, t] : params_) out.emplace_back(prefix + name, t);
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", out);
}

NamedTensors Module::named_parameters() const {
  NamedTensors out;
  collect("", out);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  NamedTensors named;
  collect("", named);
  std::vector<Tensor> out;
  out.reserve(named.size());
  for (auto& [name, t] : named) out.push_back(t);
  return out;
}

std::int64_t Module::num_parameters() const {
  std::int64_t n = 0;
  for (const Tensor& t : parameters()) n += t.numel();
  return n;
}

Module& Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
  return *this;
}

void Module::zero_grad() {
  for (Tensor& t : parameters()) t.zero_grad();
}

Module& Module::to(Dtype dtype) {
  for (auto& [name, t] : params_) {
    if (t.dtype() != dtype) t.set_data(t.detach().to(dtype));
  }
  for (auto& [name, child] : children_) child->to(dtype);
  return *this;
}

NamedTensors Module::state_dict() const {
  NamedTensors out;
  collect("", out);
  for (auto& [name, t] : out) t = t.detach();
  return out;
}

void Module::load_state_dict(const NamedTensors& state) {
  NamedTensors own;
  collect("", own);
  std::map<std::string, const Tensor*> given;
  std::vector<std::string> duplicated;
  for (const auto& [name, t] : state) {
    if (!given.emplace(name, &t).second) duplicated.push_back(name);
  }
  std::vector<std::string> missing, mis_shaped, undefined;
  for (const auto& [name, t] : own) {
    auto it = given.find(name);
    if (it == given.end()) {
      missing.push_back(name);
    } else if (!it->second->defined()) {
      undefined.push_back(name);
    } else if (it->second->shape() != t.shape()) {
      mis_shaped.push_back(fmt::format("{} (model {}, given {})", name, shape_str(t.shape()),
                                       shape_str(it->second->shape())));
    }
    if (it != given.end()) given.erase(it);
  }
  std::vector<std::string> unexpected;
  for (const auto& [name, t] : given) unexpected.push_back(name);
  if (!missing.empty() || !unexpected.empty() || !mis_shaped.empty() || !undefined.empty() ||
      !duplicated.empty()) {
    std::string msg = fmt::format(
        "nabla::nn::{}::load_state_dict: the state does not match the model's {} parameters; "
        "nothing was loaded",
        type_name_, own.size());
    if (!missing.empty()) msg += fmt::format("\n  missing: {}", fmt::join(missing, ", "));
    if (!unexpected.empty()) msg += fmt::format("\n  unexpected: {}", fmt::join(unexpected, ", "));
    if (!mis_shaped.empty()) msg += fmt::format("\n  wrong shape: {}", fmt::join(mis_shaped, ", "));
    if (!undefined.empty())
      msg += fmt::format("\n  undefined tensor: {}", fmt::join(undefined, ", "));
    if (!duplicated.empty()) msg += fmt::format("\n  given twice: {}", fmt::join(duplicated, ", "));
    throw std::invalid_argument(msg);
  }
  std::map<std::string, const Tensor*> by_name;
  for (const auto& [name, t] : state) by_name.emplace(name, &t);
  NoGradGuard no_grad;
  for (auto& [name, t] : own) t.copy_(*by_name.at(name));
}

namespace {

void print_module(std::ostream& os, const Module& m, int indent) {
  os << m.type_name() << '(' << m.extra_repr();
  if (m.named_children().empty()) {
    os << ')';
    return;
  }
  os << '\n';
  const std::string pad(static_cast<std::size_t>(indent + 2), ' ');
  for (const auto& [name, child] : m.named_children()) {
    os << pad << '(' << name << "): ";
    print_module(os, *child, indent + 2);
    os << '\n';
  }
  os << std::string(static_cast<std::size_t>(indent), ' ') << ')';
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Module& m) {
  print_module(os, m, 0);
  return os;
}

std::string to_string(const Module& m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

}  // namespace nabla::nn
