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

struct Module::Hooks {
  template <class F>
  struct Entry {
    std::uint64_t id;
    F fn;
  };
  std::vector<Entry<ForwardPreHook>> pre;
  std::vector<Entry<ForwardHook>> post;
  std::vector<Entry<BackwardHook>> backward;
  std::uint64_t next_id = 1;
};

Module::Module(std::string type_name)
    : type_name_(std::move(type_name)), self_(std::make_shared<Module*>(this)) {}

Module::~Module() {
  if (self_) *self_ = nullptr;
}

Module::Module(Module&& other) noexcept
    : type_name_(std::move(other.type_name_)),
      params_(std::move(other.params_)),
      buffers_(std::move(other.buffers_)),
      children_(std::move(other.children_)),
      training_(other.training_),
      hooks_(std::move(other.hooks_)),
      self_(std::move(other.self_)) {
  if (self_) *self_ = this;
}

Module& Module::operator=(Module&& other) noexcept {
  if (this == &other) return *this;
  if (self_) *self_ = nullptr;
  type_name_ = std::move(other.type_name_);
  params_ = std::move(other.params_);
  buffers_ = std::move(other.buffers_);
  children_ = std::move(other.children_);
  training_ = other.training_;
  hooks_ = std::move(other.hooks_);
  self_ = std::move(other.self_);
  if (self_) *self_ = this;
  return *this;
}

// Throws unless `name` is a valid, unused name for a parameter, buffer or submodule (`what`).
void Module::check_new_name(const char* what, const std::string& name) const {
  if (name.empty()) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: a {} needs a non-empty name", type_name_, what));
  }
  if (name.find('.') != std::string::npos) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: {} name '{}' contains '.', which separates qualified names",
                    type_name_, what, name));
  }
  const bool taken =
      std::any_of(params_.begin(), params_.end(), [&](const auto& p) { return p.first == name; }) ||
      std::any_of(buffers_.begin(), buffers_.end(), [&](const auto& b) { return b.name == name; }) ||
      std::any_of(children_.begin(), children_.end(),
                  [&](const auto& c) { return c.first == name; });
  if (taken) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: the name '{}' is already registered", type_name_, name));
  }
}

Tensor Module::forward(const Tensor&) {
  throw std::logic_error(fmt::format(
      "nabla::nn::{}: this module has no forward(const Tensor&); override it, or call the "
      "module's own method",
      type_name_));
}

Tensor Module::register_parameter(const std::string& name, Tensor tensor) {
  check_new_name("parameter", name);
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

Tensor Module::register_buffer(const std::string& name, Tensor tensor, bool persistent) {
  check_new_name("buffer", name);
  if (tensor.defined() && tensor.requires_grad()) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}: buffer '{}' requires grad; a buffer is state that is not trained "
        "(register it as a parameter, or register t.detach())",
        type_name_, name));
  }
  buffers_.push_back({name, tensor, persistent});
  return tensor;
}

const Tensor& Module::parameter(const std::string& name) const {
  for (const auto& [n, t] : params_) {
    if (n == name) return t;
  }
  throw std::out_of_range(fmt::format("nabla::nn::{}: no parameter called '{}'", type_name_, name));
}

const Tensor& Module::buffer(const std::string& name) const {
  for (const auto& b : buffers_) {
    if (b.name == name) return b.tensor;
  }
  throw std::out_of_range(fmt::format("nabla::nn::{}: no buffer called '{}'", type_name_, name));
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name("submodule", name);
  if (!module) {
    throw std::invalid_argument(
        fmt::format("nabla::nn::{}: submodule '{}' is a null pointer", type_name_, name));
  }
  for (Module* m : module->modules()) {
    if (m == this) {
      throw std::invalid_argument(fmt::format(
          "nabla::nn::{}: submodule '{}' is this module or contains it, which would make a "
          "cycle",
          type_name_, name));
    }
  }
  module->train(training_);
  NamedTensors inner;
  module->collect("", inner);
  for (auto& [qualified, t] : inner) {
    if (t.name() == qualified) t.set_name(name + "." + qualified);  // still the given name
  }
  children_.emplace_back(name, std::move(module));
}

void Module::replace_module(const std::string& name, std::shared_ptr<Module> module) {
  auto it = std::find_if(children_.begin(), children_.end(),
                         [&](const auto& c) { return c.first == name; });
  if (it == children_.end()) {
    add_child(name, std::move(module));
    return;
  }
  auto old = std::move(it->second);
  const std::size_t at = static_cast<std::size_t>(it - children_.begin());
  children_.erase(it);
  try {
    add_child(name, std::move(module));
  } catch (...) {
    children_.insert(children_.begin() + static_cast<std::ptrdiff_t>(at), {name, std::move(old)});
    throw;
  }
  std::rotate(children_.begin() + static_cast<std::ptrdiff_t>(at), children_.end() - 1,
              children_.end());
}

void Module::collect(const std::string& prefix, NamedTensors& out) const {
  for (const auto& [name, t] : params_) out.emplace_back(prefix + name, t);
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", out);
}

void Module::collect_buffers(const std::string& prefix, NamedTensors& out) const {
  for (const auto& b : buffers_) {
    if (b.tensor.defined()) out.emplace_back(prefix + b.name, b.tensor);
  }
  for (const auto& [name, child] : children_) child->collect_buffers(prefix + name + ".", out);
}

// PyTorch's state_dict order: a module's parameters, its persistent buffers, then each
// submodule's entries.
void Module::collect_state(const std::string& prefix, NamedTensors& out) const {
  for (const auto& [name, t] : params_) out.emplace_back(prefix + name, t);
  for (const auto& b : buffers_) {
    if (b.persistent && b.tensor.defined()) out.emplace_back(prefix + b.name, b.tensor);
  }
  for (const auto& [name, child] : children_) child->collect_state(prefix + name + ".", out);
}

void Module::collect_modules(const std::string& prefix, NamedModules& out) {
  for (const auto& [n, m] : out) {
    if (m == this) return;  // registered twice: listed once, as PyTorch
  }
  out.emplace_back(prefix, this);
  for (const auto& [name, child] : children_) {
    child->collect_modules(prefix.empty() ? name : prefix + "." + name, out);
  }
}

NamedModules Module::named_modules(const std::string& prefix) {
  NamedModules out;
  collect_modules(prefix, out);
  return out;
}

std::vector<Module*> Module::modules() {
  std::vector<Module*> out;
  for (auto& [name, m] : named_modules()) out.push_back(m);
  return out;
}

std::vector<Module*> Module::children() const {
  std::vector<Module*> out;
  for (const auto& [name, m] : children_) out.push_back(m.get());
  return out;
}

Module& Module::apply(const std::function<void(Module&)>& fn) {
  for (auto& [name, child] : children_) child->apply(fn);
  fn(*this);
  return *this;
}

Module& Module::submodule(const std::string& name) const {
  const Module* m = this;
  std::string_view rest = name;
  while (true) {
    const std::size_t dot = rest.find('.');
    const std::string_view head = rest.substr(0, dot);
    const Module* next = nullptr;
    for (const auto& [n, c] : m->children_) {
      if (n == head) next = c.get();
    }
    if (next == nullptr) {
      std::vector<std::string> names;
      for (const auto& [n, c] : m->children_) names.push_back(n);
      throw std::out_of_range(fmt::format(
          "nabla::nn::{}: no submodule '{}' (looking up '{}'); {} has {}", type_name_, head, name,
          m->type_name_,
          names.empty() ? std::string("no submodules")
                        : fmt::format("submodules {}", fmt::join(names, ", "))));
    }
    m = next;
    if (dot == std::string_view::npos) return const_cast<Module&>(*m);
    rest.remove_prefix(dot + 1);
  }
}

Module& Module::requires_grad_(bool requires_grad) {
  for (Tensor& t : parameters()) t.requires_grad_(requires_grad);
  return *this;
}

NamedTensors Module::named_buffers() const {
  NamedTensors out;
  collect_buffers("", out);
  return out;
}

std::vector<Tensor> Module::buffers() const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_buffers()) out.push_back(t);
  return out;
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
  if (!is_floating_point(dtype)) {
    throw std::invalid_argument(fmt::format(
        "nabla::nn::{}::to: {} is not a floating dtype; parameters are float32 or float64",
        type_name_, dtype_name(dtype)));
  }
  for (auto& [name, t] : params_) {
    if (t.dtype() != dtype) t.set_data(t.detach().to(dtype));
  }
  for (auto& b : buffers_) {
    if (b.tensor.defined() && is_floating_point(b.tensor.dtype()) && b.tensor.dtype() != dtype) {
      b.tensor.set_data(b.tensor.to(dtype));
    }
  }
  for (auto& [name, child] : children_) child->to(dtype);
  return *this;
}

NamedTensors Module::state_dict() const {
  NamedTensors out;
  collect_state("", out);
  for (auto& [name, t] : out) t = t.detach();
  return out;
}

LoadResult Module::load_state_dict(const NamedTensors& state, bool strict) {
  NamedTensors own;
  collect_state("", own);
  std::map<std::string, const Tensor*> given;
  std::vector<std::string> duplicated;
  for (const auto& [name, t] : state) {
    if (!given.emplace(name, &t).second) duplicated.push_back(name);
  }
  LoadResult result;
  std::vector<std::string> mis_shaped, undefined;
  for (const auto& [name, t] : own) {
    auto it = given.find(name);
    if (it == given.end()) {
      result.missing_keys.push_back(name);
    } else if (!it->second->defined()) {
      undefined.push_back(name);
    } else if (it->second->shape() != t.shape()) {
      mis_shaped.push_back(fmt::format("{} (model {}, given {})", name, shape_str(t.shape()),
                                       shape_str(it->second->shape())));
    }
    if (it != given.end()) given.erase(it);
  }
  for (const auto& [name, t] : given) result.unexpected_keys.push_back(name);
  const bool unmatched = !result.missing_keys.empty() || !result.unexpected_keys.empty();
  if ((strict && unmatched) || !mis_shaped.empty() || !undefined.empty() || !duplicated.empty()) {
    std::string msg = fmt::format(
        "nabla::nn::{}::load_state_dict: the state does not match the model's {} entries "
        "(parameters and buffers); nothing was loaded",
        type_name_, own.size());
    if (strict && !result.missing_keys.empty())
      msg += fmt::format("\n  missing: {}", fmt::join(result.missing_keys, ", "));
    if (strict && !result.unexpected_keys.empty())
      msg += fmt::format("\n  unexpected: {}", fmt::join(result.unexpected_keys, ", "));
    if (!mis_shaped.empty()) msg += fmt::format("\n  wrong shape: {}", fmt::join(mis_shaped, ", "));
    if (!undefined.empty())
      msg += fmt::format("\n  undefined tensor: {}", fmt::join(undefined, ", "));
    if (!duplicated.empty()) msg += fmt::format("\n  given twice: {}", fmt::join(duplicated, ", "));
    throw std::invalid_argument(msg);
  }
  std::map<std::string, const Tensor*> by_name;
  for (const auto& [name, t] : state) by_name.emplace(name, &t);
  NoGradGuard no_grad;
  for (auto& [name, t] : own) {
    auto it = by_name.find(name);
    if (it != by_name.end()) t.copy_(*it->second);
  }
  return result;
}

// ---- hooks ------------------------------------------------------------------------------

namespace {

// A remover for entry `id` of one of a module's hook lists.
template <class List>
RemovableHandle remover(const std::shared_ptr<void>& owner, List* list, std::uint64_t id) {
  return RemovableHandle([weak = std::weak_ptr<void>(owner), list, id] {
    if (weak.lock()) std::erase_if(*list, [id](const auto& e) { return e.id == id; });
  });
}

}  // namespace

RemovableHandle Module::register_forward_pre_hook(ForwardPreHook hook) {
  if (!hook) throw std::invalid_argument("nabla::nn::Module::register_forward_pre_hook: empty hook");
  if (!hooks_) hooks_ = std::make_shared<Hooks>();
  const std::uint64_t id = hooks_->next_id++;
  hooks_->pre.push_back({id, std::move(hook)});
  return remover(hooks_, &hooks_->pre, id);
}

RemovableHandle Module::register_forward_hook(ForwardHook hook) {
  if (!hook) throw std::invalid_argument("nabla::nn::Module::register_forward_hook: empty hook");
  if (!hooks_) hooks_ = std::make_shared<Hooks>();
  const std::uint64_t id = hooks_->next_id++;
  hooks_->post.push_back({id, std::move(hook)});
  return remover(hooks_, &hooks_->post, id);
}

RemovableHandle Module::register_full_backward_hook(BackwardHook hook) {
  if (!hook) {
    throw std::invalid_argument("nabla::nn::Module::register_full_backward_hook: empty hook");
  }
  if (!hooks_) hooks_ = std::make_shared<Hooks>();
  const std::uint64_t id = hooks_->next_id++;
  hooks_->backward.push_back({id, std::move(hook)});
  return remover(hooks_, &hooks_->backward, id);
}

namespace {

// One call's backward hooks: the hooks as they were at the call, and the gradient of the
// output once it arrives (it always arrives before the input's).
struct BackwardCall {
  std::vector<BackwardHook> hooks;
  std::shared_ptr<Module*> self;
  std::string type_name;
  Tensor grad_output;

  Module& module() const {
    if (*self == nullptr) {
      throw std::logic_error(fmt::format(
          "nabla::nn::{}: a backward hook ran after its module was destroyed; keep the "
          "module alive until backward",
          type_name));
    }
    return **self;
  }
  // Runs the hooks; each may replace grad_input.
  Tensor run(Tensor grad_input) const {
    Module& m = module();
    for (const BackwardHook& h : hooks) {
      Tensor r = h(m, grad_input, grad_output);
      if (!r.defined()) continue;
      if (!grad_input.defined()) {
        throw std::logic_error(fmt::format(
            "nabla::nn::{}: a backward hook returned a grad_input, but the module's input "
            "needs no gradient (grad_input is undefined)",
            type_name));
      }
      if (r.shape() != grad_input.shape() || r.dtype() != grad_input.dtype()) {
        throw std::runtime_error(fmt::format(
            "nabla::nn::{}: a backward hook returned a {} grad_input of shape {} for a {} "
            "input of shape {}",
            type_name, dtype_name(r.dtype()), shape_str(r.shape()),
            dtype_name(grad_input.dtype()), shape_str(grad_input.shape())));
      }
      grad_input = std::move(r);
    }
    return grad_input;
  }
};

}  // namespace

Tensor Module::call_with_hooks(const Tensor& x) {
  const std::shared_ptr<Hooks> hooks = hooks_;  // alive through the call, whatever hooks do
  Tensor input = x;
  for (const auto& e : std::vector(hooks->pre)) {
    Tensor r = e.fn(*this, input);
    if (r.defined()) input = std::move(r);
  }
  const bool backward_hooks = !hooks->backward.empty() && is_grad_enabled();
  std::shared_ptr<BackwardCall> call;
  Tensor used = input;
  if (backward_hooks) {
    call = std::make_shared<BackwardCall>();
    for (const auto& e : hooks->backward) call->hooks.push_back(e.fn);
    call->self = self_;
    call->type_name = type_name_;
    // A node of its own in front of forward, whose gradient is the input's.
    if (input.defined() && input.requires_grad()) used = view(input, input.shape());
  }
  Tensor output = forward(used);
  for (const auto& e : std::vector(hooks->post)) {
    Tensor r = e.fn(*this, input, output);
    if (r.defined()) output = std::move(r);
  }
  if (call && output.defined() && output.requires_grad()) {
    output = view(output, output.shape());  // its own node: its gradient is grad_output
    const bool input_hooked = used.defined() && used.requires_grad() && !used.is_leaf();
    output.register_hook([call, input_hooked](const Tensor& g) {
      call->grad_output = g;
      if (!input_hooked) call->run(Tensor());
    });
    if (input_hooked) {
      used.register_hook([call](const Tensor& g) { return call->run(g); });
    }
  }
  return output;
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
