// The random-graph fuzzer's interpreter and checks (see graph_program.hpp).
//
// How a program is replayed as a function of its float64 leaves, for gradcheck:
//  - a leaf that requires grad is an input of the function (its values when created);
//  - a value that does not require grad (a detached tensor, a result computed under a
//    NoGradGuard, a gradient returned without create_graph) is a constant: the values it
//    had when it was used, copied to float64. The engine sends no gradient through it, and
//    neither does the replay;
//  - a value that requires grad is replayed by applying the same op to the replayed inputs;
//  - an in-place update is not recorded on the graph, so the engine differentiates each use
//    of a value as the identity on whatever values the tensor held at that use. The replay
//    therefore uses `replayed value + (values at this use − values when created)`, the
//    difference a constant: the derivative is the identity, as in the engine, and the
//    values are those the program saw.
// That makes the replay a faithful model of what the engine must compute, so its gradient
// (gradcheck) and the program's accumulated .grad (the float64 comparison) can both be
// judged against it.
//
// When a finite-difference mismatch counts (no tolerance is loosened):
//  - a check is skipped when any value the loss depends on is NaN or infinite (log of a
//    negative value produced upstream, overflow);
//  - fast mode's one projection is only a screen: a mismatch there is re-checked element by
//    element by gradcheck's full check, and "fast_mode" failures whose full check passed are
//    not failures;
//  - a Jacobian element that gradcheck reports wrong is a failure only when the numerical
//    derivative there is trustworthy: the central differences at steps eps and 10·eps both
//    miss the analytical value, they agree with each other, and the one-sided differences
//    (f(x+eps) − f(x))/eps and (f(x) − f(x−eps))/eps agree. The last two fail exactly at a
//    kink (relu, abs, clamp, a tie of max) or a singularity within a step of the point, where
//    any subgradient is a right answer and the finite difference is not a reference; a wrong
//    rule on a smooth point passes all three and is reported. Every element is examined,
//    not just the worst, so a kink elsewhere cannot hide a wrong element.

#include "graph_program.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <set>
#include <typeinfo>

#include "fuzz_common.hpp"
#include "nabla/gradcheck.hpp"
#include "nabla/ops.hpp"
#include "nabla/registry.hpp"
#include "nabla/tensor.hpp"

namespace nabla::fuzz {
namespace {

constexpr std::int64_t kMaxNumel = 4096;     // larger results are dropped
constexpr std::size_t kMaxBackward = 8;      // backward and grad calls per program
constexpr std::size_t kMaxChecked = 3;       // losses gradchecked per program
constexpr std::size_t kMaxExplained = 4096;  // Jacobian elements re-examined on a mismatch

std::string describe(const Tensor& t) {
  if (!t.defined()) return "undefined";
  return fmt::format("{} {}{}", shape_str(t.shape()), dtype_name(t.dtype()),
                     t.requires_grad() ? " rg" : "");
}

// A float64 copy with its own storage and no history.
Tensor snapshot(const Tensor& t) {
  NoGradGuard no_grad;
  return tensor(t.to_vector(), t.shape(), f64);
}

bool finite(const Tensor& t) {
  for (double v : t.to_vector()) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

struct Use {
  std::size_t value = 0;
  bool differentiable = false;  // the tensor required grad when used
  Tensor snap;           // its values then (float64): the constant of a non-differentiable use
  Tensor offset;         // snap − values when created; undefined when equal
  bool tainted = false;  // NaN or infinity here or upstream
};

enum class Kind { leaf, op, constant, grad };

struct Value {
  Tensor t;
  Kind kind = Kind::constant;
  std::string origin;
  std::size_t leaf = 0;                                  // Kind::leaf: position in Program::leaves_
  std::function<Tensor(const std::vector<Tensor>&)> fn;  // Kind::op
  std::vector<Use> inputs;                               // Kind::op
  std::size_t call = 0, index = 0;                       // Kind::grad
  Tensor created;
  std::set<std::size_t> deps;  // leaves (positions in leaves_) it depends on differentiably
  bool tainted = false;
};

struct GradCall {
  Use output;                    // the function is sum(output)
  std::vector<std::size_t> wrt;  // positions in leaves_
  bool create_graph = false;
};

// A loss the program ran backward on: ∂/∂leaves of sum(loss · grad_output) (or of sum(loss)).
struct Target {
  Use loss;
  Tensor grad_output;  // float64 constant, undefined for a one-element loss
  std::string label;
};

struct Loss {
  std::size_t value = 0;
  Tensor grad_output;  // in the loss's dtype, as passed to backward
  bool retained = false;
};

class Program;

// The program as a function of its leaves (see the top of this file).
class Replay {
 public:
  Replay(const Program& p, const std::vector<std::size_t>& leaf_position,
         const std::vector<Tensor>& inputs);
  Tensor use(const Use& u);
  Tensor value(std::size_t v);
  Tensor target(const Target& t);

 private:
  const Program& p_;
  const std::vector<std::size_t>& position_;  // leaf → index into inputs_, or npos
  const std::vector<Tensor>& inputs_;
  std::vector<std::optional<Tensor>> memo_;
  std::vector<std::optional<std::vector<Tensor>>> calls_;
};

class Program {
 public:
  Program(std::span<const std::uint8_t> bytes, const GraphOptions& options)
      : in_(bytes), options_(options) {}

  GraphStats run();

  const std::vector<Value>& values() const { return values_; }
  const std::vector<GradCall>& calls() const { return calls_; }
  const std::vector<std::size_t>& leaves() const { return leaves_; }
  [[noreturn]] void failure(const std::string& why) const {
    fail(fmt::format("graph program (listing below, then the failure):\n{}FAILED: {}", listing_,
                     why));
  }

 private:
  void log(const std::string& line) {
    listing_ += line + "\n";
    if (options_.print) std::fprintf(stderr, "%s\n", line.c_str());
  }
  void step();
  void make_leaf();
  void apply_op();
  void detach_step();
  void in_place();
  void backward_step();
  void backward_again();
  void grad_step();
  void zero_grad_step();
  void check();
  void check_target(const Target& t);
  void check_accumulated();

  Dtype random_dtype() { return in_.below(16) == 0 ? (dtype_ == f32 ? f64 : f32) : dtype_; }
  Shape random_shape() {
    Shape s(in_.below(5));
    for (auto& e : s) e = static_cast<std::int64_t>(in_.below(6));
    return s;
  }
  Domain random_domain() { return static_cast<Domain>(in_.below(4)); }
  std::size_t pick() { return in_.below(values_.size()); }
  // A value that requires grad when there is one and the bytes ask for it.
  std::size_t pick_differentiable() {
    std::vector<std::size_t> rg;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      if (values_[i].t.requires_grad()) rg.push_back(i);
    }
    if (!rg.empty() && in_.below(4) != 0) return rg[in_.below(rg.size())];
    return pick();
  }
  std::string name(std::size_t v) const { return fmt::format("v{}", v); }
  std::string arg(std::size_t v) const { return name(v) + " " + describe(values_[v].t); }

  Use make_use(std::size_t v);
  std::size_t add_value(Value value);
  std::size_t add_leaf(Tensor t, bool requires_grad, std::string origin);
  std::size_t add_result(Tensor r, std::string origin,
                         std::function<Tensor(const std::vector<Tensor>&)> fn,
                         std::vector<Use> inputs);

  ByteReader in_;
  GraphOptions options_;
  Generator gen_;
  Dtype dtype_ = f32;
  std::vector<Value> values_;
  std::vector<std::size_t> leaves_;  // value index of each leaf that requires grad
  std::vector<GradCall> calls_;
  std::vector<Target> targets_;      // backward losses since the last zero_grad
  std::vector<Target> all_targets_;  // every backward loss, for gradcheck
  std::vector<Loss> losses_;
  std::string listing_;
  int no_grad_steps_ = 0;
  bool any_in_place_ = false;
  bool any_freeing_backward_ = false;
  bool all_f64_ = true;
  bool in_backward_ = false;
  bool accumulated_checked_ = false;  // inside a backward call of the program
  bool backward_threw_ = false;       // a backward threw: leaves' .grad may hold part of it
  std::size_t step_ = 0;
  GraphStats stats_;
};

// ---- replay --------------------------------------------------------------------------

Replay::Replay(const Program& p, const std::vector<std::size_t>& leaf_position,
               const std::vector<Tensor>& inputs)
    : p_(p),
      position_(leaf_position),
      inputs_(inputs),
      memo_(p.values().size()),
      calls_(p.calls().size()) {}

Tensor Replay::use(const Use& u) {
  if (!u.differentiable) return u.snap;
  Tensor r = value(u.value);
  if (u.offset.defined()) r = add(r, u.offset);
  return r;
}

Tensor Replay::value(std::size_t v) {
  if (memo_[v]) return *memo_[v];
  const Value& val = p_.values()[v];
  Tensor r;
  switch (val.kind) {
    case Kind::leaf: {
      const std::size_t pos = position_.at(val.leaf);
      if (pos == static_cast<std::size_t>(-1)) {
        p_.failure(fmt::format("fuzz harness: replay reached v{}, a leaf outside the inputs", v));
      }
      r = inputs_[pos];
      break;
    }
    case Kind::op: {
      std::vector<Tensor> xs;
      for (const Use& u : val.inputs) xs.push_back(use(u));
      r = val.fn(xs);
      break;
    }
    case Kind::grad: {
      auto& call = calls_[val.call];
      if (!call) {
        const GradCall& c = p_.calls()[val.call];
        std::vector<Tensor> wrt;
        for (std::size_t leaf : c.wrt) wrt.push_back(value(p_.leaves()[leaf]));
        std::vector<Tensor> g = grad({sum(use(c.output))}, wrt, {}, true, c.create_graph, true);
        for (std::size_t k = 0; k < g.size(); ++k) {
          if (!g[k].defined()) g[k] = zeros(wrt[k].shape(), f64);
        }
        call = std::move(g);
      }
      r = call->at(val.index);
      break;
    }
    case Kind::constant:
      p_.failure(fmt::format("fuzz harness: replay reached v{}, a constant, as differentiable", v));
  }
  memo_[v] = r;
  return r;
}

Tensor Replay::target(const Target& t) {
  Tensor r = use(t.loss);
  return t.grad_output.defined() ? sum(mul(r, t.grad_output)) : sum(r);
}

// The target as a gradcheck Function of the leaves in `deps` (in that order). With grad
// mode off (gradcheck's finite differences), a graph is still built, from fresh leaves,
// so that the program's nabla::grad calls can be replayed; the result is detached.
Function replay_function(const Program& p, const Target& t, const std::vector<std::size_t>& deps) {
  std::vector<std::size_t> position(p.leaves().size(), static_cast<std::size_t>(-1));
  for (std::size_t i = 0; i < deps.size(); ++i) position[deps[i]] = i;
  return [&p, t, position](const std::vector<Tensor>& in) {
    const bool record = is_grad_enabled();
    AutoGradMode on(true);
    std::vector<Tensor> xs = in;
    if (!record) {
      for (Tensor& x : xs) x = x.detach().requires_grad_();
    }
    Replay replay(p, position, xs);
    Tensor out = replay.target(t);
    return record ? out : out.detach();
  };
}

// ---- the program -----------------------------------------------------------------------

Use Program::make_use(std::size_t v) {
  const Value& val = values_[v];
  Use u;
  u.value = v;
  u.differentiable = val.t.requires_grad();
  u.snap = snapshot(val.t);
  u.tainted = val.tainted || !finite(u.snap);
  if (u.differentiable) {
    if (val.kind == Kind::constant) {
      failure(fmt::format("{} requires grad now but did not when it was made", name(v)));
    }
    const std::vector<double> now = u.snap.to_vector(), then = val.created.to_vector();
    if (now != then) {
      std::vector<double> d(now.size());
      for (std::size_t i = 0; i < d.size(); ++i) d[i] = now[i] - then[i];
      u.offset = tensor(d, val.t.shape(), f64);
    }
  }
  return u;
}

std::size_t Program::add_value(Value value) {
  value.created = snapshot(value.t);
  value.tainted = value.tainted || !finite(value.created);
  if (value.t.dtype() != f64) all_f64_ = false;
  values_.push_back(std::move(value));
  return values_.size() - 1;
}

std::size_t Program::add_leaf(Tensor t, bool requires_grad, std::string origin) {
  if (requires_grad) t.requires_grad_();
  Value v;
  v.t = t;
  v.origin = std::move(origin);
  if (t.requires_grad()) {
    v.kind = Kind::leaf;
    v.leaf = leaves_.size();
    v.deps = {leaves_.size()};
    leaves_.push_back(values_.size());
  }
  return add_value(std::move(v));
}

std::size_t Program::add_result(Tensor r, std::string origin,
                                std::function<Tensor(const std::vector<Tensor>&)> fn,
                                std::vector<Use> inputs) {
  Value v;
  v.t = r;
  v.origin = std::move(origin);
  for (const Use& u : inputs) v.tainted = v.tainted || u.tainted;
  if (r.requires_grad()) {
    v.kind = Kind::op;
    v.fn = std::move(fn);
    for (const Use& u : inputs) {
      if (u.differentiable)
        v.deps.insert(values_[u.value].deps.begin(), values_[u.value].deps.end());
    }
    v.inputs = std::move(inputs);
  }
  return add_value(std::move(v));
}

void Program::make_leaf() {
  const Shape shape = random_shape();
  const Dtype d = random_dtype();
  const Domain domain = random_domain();
  const bool rg = in_.below(4) != 0;
  const std::size_t v = add_leaf(sample_tensor(shape, gen_, d, domain), rg, "leaf");
  log(fmt::format("#{} {} = leaf {} (domain {})", step_, name(v), describe(values_[v].t),
                  static_cast<int>(domain)));
}

void Program::apply_op() {
  const auto& ops = op_registry().all();
  if (ops.empty()) return;
  const OpInfo* chosen = &ops[in_.below(ops.size())];
  if (!options_.focus_op.empty() && in_.below(2) == 0) {
    for (const OpInfo& o : ops) {
      if (o.name == options_.focus_op) chosen = &o;
    }
  }
  const OpInfo& op = *chosen;
  const Dtype d = random_dtype();
  std::vector<OpSample> samples = op.samples(gen_, d);
  if (samples.empty()) return;
  OpSample& s = samples[in_.below(samples.size())];
  std::vector<std::size_t> args;
  for (std::size_t i = 0; i < s.inputs.size(); ++i) {
    const Tensor& sample = s.inputs[i];
    const std::size_t how = values_.empty() ? 0 : in_.below(8);
    if (how <= 3) {  // the op's own sample input: valid shape and domain
      args.push_back(add_leaf(sample, in_.below(4) != 0, fmt::format("sample of {}", op.name)));
    } else if (how <= 5) {  // an earlier value, of the sample's shape and dtype if there is one
      std::vector<std::size_t> same;
      for (std::size_t j = 0; j < values_.size(); ++j) {
        if (values_[j].t.shape() == sample.shape() && values_[j].t.dtype() == sample.dtype()) {
          same.push_back(j);
        }
      }
      args.push_back(same.empty() ? pick() : same[in_.below(same.size())]);
    } else if (how == 6) {  // any earlier value
      args.push_back(pick());
    } else {  // a mutated input: another shape, maybe another dtype
      const Shape shape = random_shape();
      const Dtype md = random_dtype();
      args.push_back(add_leaf(sample_tensor(shape, gen_, md, Domain::any), in_.flag(),
                              fmt::format("mutated input of {}", op.name)));
    }
  }
  std::vector<std::string> arg_text;
  for (std::size_t a : args) arg_text.push_back(arg(a));
  log(fmt::format("#{} {}({}) [sample '{}']{}", step_, op.name, fmt::join(arg_text, ", "), s.label,
                  is_grad_enabled() ? "" : " under no_grad"));
  std::vector<Use> uses;
  std::vector<Tensor> xs;
  bool any_rg = false;
  for (std::size_t a : args) {
    uses.push_back(make_use(a));
    xs.push_back(values_[a].t);
    any_rg = any_rg || values_[a].t.requires_grad();
  }
  const bool grad_on = is_grad_enabled();
  Tensor r = op.fn(xs);
  if (!r.defined()) failure(fmt::format("{} returned an undefined tensor", op.name));
  // An op may return an input itself when it has nothing to do (reshape to the same
  // shape); the result then keeps that input's requires_grad, even under no_grad.
  bool returns_input = false;
  for (const Tensor& x : xs) returns_input = returns_input || r.is_same(x);
  if (returns_input) log("   (returns its input itself)");
  if (!returns_input && r.requires_grad() != (grad_on && any_rg)) {
    failure(fmt::format("{}'s result {} grad, but grad mode is {} and {} input requires grad",
                        op.name, r.requires_grad() ? "requires" : "does not require",
                        grad_on ? "on" : "off", any_rg ? "an" : "no"));
  }
  if (r.numel() > kMaxNumel) {
    log(fmt::format("   -> {} (dropped: over {} elements)", describe(r), kMaxNumel));
    return;
  }
  const std::size_t v = add_result(r, op.name, op.fn, std::move(uses));
  log(fmt::format("   -> {} = {}", name(v), describe(r)));
}

void Program::detach_step() {
  if (values_.empty()) return make_leaf();
  const std::size_t src = pick();
  const bool make_leaf_of_it = in_.flag();
  Tensor r = values_[src].t.detach();
  if (r.requires_grad()) failure(fmt::format("detach() of {} requires grad", name(src)));
  const std::size_t v = add_leaf(r, make_leaf_of_it, fmt::format("detach of {}", name(src)));
  log(fmt::format("#{} {} = {}.detach(){} -> {}", step_, name(v), name(src),
                  make_leaf_of_it ? ".requires_grad_()" : "", describe(values_[v].t)));
}

void Program::in_place() {
  if (values_.empty()) return make_leaf();
  const std::size_t v = pick();
  const bool guarded = in_.below(4) != 0;
  const std::size_t kind = in_.below(4);
  const std::size_t other = pick();
  const double number = std::array{0.0, 1.0, -0.5, 2.0}[in_.below(4)];
  std::optional<NoGradGuard> guard;
  if (guarded) guard.emplace();
  Tensor& t = values_[v].t;
  const bool must_throw = is_grad_enabled() && t.requires_grad();
  std::string what;
  switch (kind) {
    case 0:
      what = fmt::format("add_({}, {})", arg(other), number);
      break;
    case 1:
      what = fmt::format("mul_({})", number);
      break;
    case 2:
      what = fmt::format("fill_({})", number);
      break;
    default:
      what = "zero_()";
  }
  log(fmt::format("#{} {}.{}{} on {}", step_, name(v), what,
                  is_grad_enabled() ? "" : " under no_grad", describe(t)));
  any_in_place_ = true;
  switch (kind) {
    case 0:
      t.add_(values_[other].t, number);
      break;
    case 1:
      t.mul_(number);
      break;
    case 2:
      t.fill_(number);
      break;
    default:
      t.zero_();
  }
  if (must_throw) {
    failure(
        fmt::format("{} on a tensor that requires grad, with grad mode on, did not throw", what));
  }
  log(fmt::format("   -> version {}", t.version()));
}

void Program::backward_step() {
  if (values_.empty()) return make_leaf();
  if (stats_.backward_calls >= kMaxBackward) return;
  const std::size_t src = pick_differentiable();
  const std::size_t mode = in_.below(4);
  const bool retain = in_.flag();
  const bool create = in_.below(4) == 0;
  const bool bad_grad_output = in_.below(8) == 0;
  std::size_t lv = src;
  if (mode <= 1) {
    Tensor x = values_[src].t;
    Tensor loss = mode == 0 ? sum(x) : mean(x);
    lv = add_result(loss, mode == 0 ? "sum" : "mean",
                    mode == 0 ? [](const std::vector<Tensor>& in) { return sum(in[0]); }
                              : [](const std::vector<Tensor>& in) { return mean(in[0]); },
                    {make_use(src)});
  }
  const Tensor& loss = values_[lv].t;
  Tensor go;
  if (mode == 2) {
    const Shape shape = bad_grad_output ? random_shape() : loss.shape();
    go = sample_tensor(shape, gen_, loss.dtype());
  }
  log(fmt::format("#{} {}{}.backward({}retain_graph={}, create_graph={})", step_,
                  mode == 0 ? "sum " : (mode == 1 ? "mean " : ""), arg(lv),
                  go.defined() ? "grad_output " + describe(go) + ", " : "", retain, create));
  const bool must_throw =
      !loss.requires_grad() || (go.defined() ? go.shape() != loss.shape() : loss.numel() != 1);
  Use target = make_use(lv);
  in_backward_ = true;
  // Set before the call: a backward that throws half-way has freed what it ran through.
  if (!(retain || create)) any_freeing_backward_ = true;
  loss.backward(go, retain, create);
  in_backward_ = false;
  if (must_throw)
    failure("this backward must throw (no grad, or a missing or mis-shaped grad_output)");
  ++stats_.backward_calls;
  Target t{target, go.defined() ? snapshot(go) : Tensor(), fmt::format("backward #{}", step_)};
  targets_.push_back(t);
  all_targets_.push_back(t);
  losses_.push_back({lv, go, retain || create});
  log("   -> ok");
}

void Program::backward_again() {
  if (losses_.empty()) return backward_step();
  if (stats_.backward_calls >= kMaxBackward) return;
  const Loss l = losses_[in_.below(losses_.size())];
  const bool retain = in_.flag();
  log(fmt::format("#{} again {}.backward(retain_graph={}) [first backward {}retained the graph]",
                  step_, arg(l.value), retain, l.retained ? "" : "not "));
  // Only when nothing could have freed or changed the graph must it work.
  const bool must_work = l.retained && !any_freeing_backward_ && !any_in_place_;
  Use target = make_use(l.value);
  try {
    in_backward_ = true;
    if (!retain) any_freeing_backward_ = true;
    values_[l.value].t.backward(l.grad_output, retain, false);
    in_backward_ = false;
  } catch (const std::exception& e) {
    const std::string_view msg = e.what();
    const bool explained =
        (!l.retained && msg.find("retain_graph") != std::string_view::npos) ||
        (any_freeing_backward_ && msg.find("retain_graph") != std::string_view::npos) ||
        (any_in_place_ && msg.find("modified in place") != std::string_view::npos);
    if (must_work || !explained) {
      failure(fmt::format("a second backward threw: {}", e.what()));
    }
    throw;
  }
  ++stats_.backward_calls;
  Target t{target, l.grad_output.defined() ? snapshot(l.grad_output) : Tensor(),
           fmt::format("backward again #{}", step_)};
  targets_.push_back(t);
  all_targets_.push_back(t);
  log("   -> ok");
}

void Program::grad_step() {
  if (values_.empty() || leaves_.empty()) return make_leaf();
  if (stats_.backward_calls >= kMaxBackward) return;
  const std::size_t src = pick_differentiable();
  GradCall c;
  c.wrt.push_back(in_.below(leaves_.size()));
  if (in_.flag()) c.wrt.push_back(in_.below(leaves_.size()));
  c.create_graph = in_.flag();
  const bool allow_unused = in_.flag();
  std::vector<Tensor> wrt;
  std::vector<std::string> wrt_text;
  for (std::size_t leaf : c.wrt) {
    wrt.push_back(values_[leaves_[leaf]].t);
    wrt_text.push_back(name(leaves_[leaf]));
  }
  log(fmt::format("#{} grad(sum {}, {{{}}}, create_graph={}, allow_unused={})", step_, arg(src),
                  fmt::join(wrt_text, ", "), c.create_graph, allow_unused));
  c.output = make_use(src);
  Tensor s = sum(values_[src].t);
  const bool must_throw = !s.requires_grad();
  // nabla::grad runs (and, without retain_graph, frees) the graph before it finds an
  // unused input, as PyTorch does.
  if (!c.create_graph) any_freeing_backward_ = true;
  std::vector<Tensor> g = grad({s}, wrt, {}, std::nullopt, c.create_graph, allow_unused);
  if (must_throw) failure("grad of an output that does not require grad must throw");
  if (g.size() != wrt.size())
    failure(fmt::format("grad returned {} gradients for {} inputs", g.size(), wrt.size()));
  ++stats_.backward_calls;
  calls_.push_back(c);
  for (std::size_t k = 0; k < g.size(); ++k) {
    if (!g[k].defined()) {
      log(fmt::format("   -> gradient {} undefined (unused)", k));
      continue;
    }
    if (g[k].shape() != wrt[k].shape()) {
      failure(fmt::format("gradient {} has shape {} for an input of shape {}", k,
                          shape_str(g[k].shape()), shape_str(wrt[k].shape())));
    }
    if (g[k].requires_grad() && !c.create_graph) {
      failure("a gradient computed without create_graph requires grad");
    }
    Value v;
    v.t = g[k];
    v.origin = "grad";
    v.tainted = c.output.tainted;
    if (g[k].requires_grad()) {
      v.kind = Kind::grad;
      v.call = calls_.size() - 1;
      v.index = k;
      v.deps = values_[src].deps;
      for (std::size_t leaf : c.wrt) v.deps.insert(leaf);
    }
    const std::size_t id = add_value(std::move(v));
    log(fmt::format("   -> {} = {}", name(id), describe(values_[id].t)));
  }
}

void Program::zero_grad_step() {
  for (std::size_t v : leaves_) values_[v].t.zero_grad();
  targets_.clear();
  log(fmt::format("#{} zero_grad of every leaf", step_));
}

void Program::step() {
  std::optional<NoGradGuard> guard;
  if (no_grad_steps_ > 0) {
    guard.emplace();
    --no_grad_steps_;
  }
  try {
    switch (in_.below(16)) {
      case 0:
      case 1:
        make_leaf();
        break;
      case 2:
      case 3:
      case 4:
      case 5:
      case 6:
      case 7:
        apply_op();
        break;
      case 8:
        detach_step();
        break;
      case 9:
        no_grad_steps_ = 1 + static_cast<int>(in_.below(3));
        log(fmt::format("#{} no_grad region over the next {} steps", step_, no_grad_steps_));
        break;
      case 10:
        in_place();
        break;
      case 11:
      case 12:
        backward_step();
        break;
      case 13:
        backward_again();
        break;
      case 14:
        grad_step();
        break;
      default:
        zero_grad_step();
    }
  } catch (const FuzzFailure&) {
    throw;
  } catch (const std::exception& e) {
    if (!is_nabla_error(e)) {
      failure(fmt::format("step {} threw a {} that is not one of nabla's errors: {}", step_,
                          typeid(e).name(), e.what()));
    }
    ++stats_.exceptions;
    if (in_backward_) backward_threw_ = true;
    in_backward_ = false;
    log(fmt::format("   threw: {}", e.what()));
  } catch (...) {
    failure(fmt::format("step {} threw something that is not a std::exception", step_));
  }
  guard.reset();
  if (!is_grad_enabled()) failure("grad mode is still off after the step");
}

GraphStats Program::run() {
  gen_.manual_seed(in_.u32());
  dtype_ = in_.flag() ? f64 : f32;
  log(fmt::format("program: default dtype {}", dtype_name(dtype_)));
  for (step_ = 0; step_ < options_.max_steps && !in_.done(); ++step_) step();
  stats_.steps = step_;
  stats_.valid = stats_.exceptions == 0;
  if (options_.check_gradients) {
    try {
      check();
    } catch (const FuzzFailure&) {
      throw;
    } catch (const std::exception& e) {
      failure(fmt::format("checking the program threw: {}", e.what()));
    }
  }
  if (options_.print) {
    std::fprintf(stderr, "-- %s; %zu losses gradchecked%s\n",
                 stats_.valid ? "no step threw" : "some steps threw", stats_.gradchecked,
                 accumulated_checked_ ? ", accumulated .grad checked" : "");
  }
  // Gradients made with create_graph hold a graph that may lead back to the leaf: clear
  // them so that no reference cycle outlives the program.
  for (std::size_t v : leaves_) values_[v].t.set_grad(Tensor());
  return stats_;
}

// ---- the checks --------------------------------------------------------------------------

// gradcheck of one loss, with the kink rule of the top of this file.
void Program::check_target(const Target& t) {
  if (t.loss.tainted || !t.loss.differentiable) return;
  const Value& loss = values_[t.loss.value];
  const std::vector<std::size_t> deps(loss.deps.begin(), loss.deps.end());
  if (deps.empty()) return;
  std::vector<Tensor> inputs;
  for (std::size_t leaf : deps) {
    inputs.push_back(values_[leaves_[leaf]].created.detach().requires_grad_());
  }
  const Function fn = replay_function(*this, t, deps);
  GradcheckOptions o;
  o.fast_mode = true;
  o.allow_all_zero = true;  // a dead relu or a constant loss has a zero Jacobian, correctly
  o.seed = step_;
  const GradcheckResult r = gradcheck(fn, inputs, o);
  ++stats_.gradchecked;
  if (r.passed || r.failure == "fast_mode") return;
  std::vector<Tensor> grads;
  if (r.failure != "exception") {
    AutoGradMode on(true);
    std::vector<Tensor> xs;
    for (const Tensor& x : inputs) xs.push_back(x.detach().requires_grad_());
    grads = grad({fn(xs)}, xs, {}, false, false, true);
    // An infinite derivative (sqrt at 0): the function is not differentiable there, and
    // 0·inf = NaN makes the zero-grad_output check fail as IEEE says it must.
    for (const Tensor& g : grads) {
      if (g.defined() && !finite(g)) {
        stats_.skipped_nonfinite = true;
        return;
      }
    }
  }
  if (r.failure != "jacobian") failure(fmt::format("gradcheck of {}: {}", t.label, r.message));

  // Re-examine every element; report the first whose finite difference is trustworthy.
  auto f = [&](std::size_t i, std::int64_t j, double h) {
    NoGradGuard no_grad;
    std::vector<Tensor> xs;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      xs.push_back(k == i ? snapshot(inputs[k]) : inputs[k].detach());
    }
    if (h != 0.0) xs[i].mutable_data<double>()[j] += h;
    return fn(xs).item<double>();
  };
  const double f0 = f(0, 0, 0.0);
  std::size_t examined = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::vector<double> a_all =
        grads[i].defined() ? grads[i].to_vector() : std::vector<double>(inputs[i].numel(), 0.0);
    for (std::int64_t j = 0; j < inputs[i].numel() && examined < kMaxExplained; ++j, ++examined) {
      const double a = a_all[static_cast<std::size_t>(j)];
      const double h1 = o.eps, h2 = 10 * o.eps;
      const double p1 = f(i, j, h1), m1 = f(i, j, -h1), p2 = f(i, j, h2), m2 = f(i, j, -h2);
      const double c1 = (p1 - m1) / (2 * h1), c2 = (p2 - m2) / (2 * h2);
      const double fwd = (p1 - f0) / h1, bwd = (f0 - m1) / h1;
      if (!std::isfinite(a) || !std::isfinite(c1) || !std::isfinite(c2) || !std::isfinite(fwd) ||
          !std::isfinite(bwd)) {
        continue;
      }
      const double tol = o.atol + o.rtol * std::abs(c1);
      const bool wrong = std::abs(a - c1) > tol && std::abs(a - c2) > tol;
      const bool smooth = std::abs(fwd - bwd) <= tol;
      const bool converged = std::abs(c1 - c2) <= tol;
      if (wrong && smooth && converged) {
        failure(fmt::format(
            "gradcheck of {}: the gradient of leaf {} at flat index {} is {} but the finite "
            "differences give {} (step {}) and {} (step {}), one-sided {} and {}; gradcheck "
            "said: {}",
            t.label, name(leaves_[deps[i]]), j, a, c1, h1, c2, h2, fwd, bwd, r.message));
      }
    }
  }
  ++stats_.kink_skips;
  if (options_.print) {
    std::fprintf(stderr, "-- %s: mismatch at a kink or singularity, not counted: %s\n",
                 t.label.c_str(), r.message.c_str());
  }
}

// For float64 programs: each loss replays to the value the program computed, and every
// leaf's .grad is the sum of the replayed gradients of the losses since the last zero_grad.
void Program::check_accumulated() {
  std::vector<std::size_t> all(leaves_.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  std::vector<std::vector<double>> expected(leaves_.size()), scale(leaves_.size());
  for (std::size_t i = 0; i < leaves_.size(); ++i) {
    expected[i].assign(static_cast<std::size_t>(values_[leaves_[i]].t.numel()), 0.0);
    scale[i] = expected[i];
  }
  for (const Target& t : targets_) {
    if (t.loss.tainted) return;
  }
  for (const Target& t : all_targets_) {
    if (t.loss.tainted) continue;
    const Function fn = replay_function(*this, t, all);
    NoGradGuard no_grad;
    const double replayed = fn([&] {
                              std::vector<Tensor> xs;
                              for (std::size_t v : leaves_) xs.push_back(values_[v].created);
                              return xs;
                            }())
                                .item<double>();
    Tensor program =
        t.grad_output.defined() ? sum(mul(t.loss.snap, t.grad_output)) : sum(t.loss.snap);
    const double computed = program.item<double>();
    if (!std::isfinite(replayed) || !std::isfinite(computed)) return;
    if (std::abs(replayed - computed) > 1e-9 + 1e-6 * std::abs(computed)) {
      failure(fmt::format("{}: the replay gives {} but the program computed {}", t.label, replayed,
                          computed));
    }
  }
  for (const Target& t : targets_) {
    const Function fn = replay_function(*this, t, all);
    AutoGradMode on(true);
    std::vector<Tensor> xs;
    for (std::size_t v : leaves_) xs.push_back(values_[v].created.detach().requires_grad_());
    const std::vector<Tensor> g = grad({fn(xs)}, xs, {}, false, false, true);
    for (std::size_t i = 0; i < g.size(); ++i) {
      if (!g[i].defined()) continue;
      const std::vector<double> gv = g[i].to_vector();
      for (std::size_t k = 0; k < gv.size(); ++k) {
        expected[i][k] += gv[k];
        scale[i][k] += std::abs(gv[k]);
      }
    }
  }
  for (std::size_t i = 0; i < leaves_.size(); ++i) {
    const Tensor g = values_[leaves_[i]].t.grad();
    const std::vector<double> got =
        g.defined() ? g.to_vector() : std::vector<double>(expected[i].size(), 0.0);
    if (got.size() != expected[i].size()) {
      failure(fmt::format("{}.grad has {} elements, the leaf {}", name(leaves_[i]), got.size(),
                          expected[i].size()));
    }
    for (std::size_t k = 0; k < got.size(); ++k) {
      if (!std::isfinite(got[k]) || !std::isfinite(expected[i][k])) return;
    }
    for (std::size_t k = 0; k < got.size(); ++k) {
      if (std::abs(got[k] - expected[i][k]) > 1e-9 + 1e-6 * scale[i][k]) {
        failure(fmt::format(
            "{}.grad[{}] (flat) is {} but the losses since the last zero_grad ({}) give {}",
            name(leaves_[i]), k, got[k], targets_.size(), expected[i][k]));
      }
    }
  }
}

void Program::check() {
  for (const Target& t : all_targets_) {
    if (t.loss.tainted) stats_.skipped_nonfinite = true;
  }
  // A backward that threw may have accumulated part of its gradients; an op that threw
  // changed nothing, so the losses that did run backward are checked all the same.
  if (all_f64_ && !backward_threw_) {
    check_accumulated();
    accumulated_checked_ = true;
  }
  std::size_t checked = 0;
  for (std::size_t i = 0; i < all_targets_.size() && checked < kMaxChecked; ++i) {
    // A loss run backward twice is checked once.
    if (i > 0 && all_targets_[i].loss.value == all_targets_[i - 1].loss.value) continue;
    check_target(all_targets_[i]);
    ++checked;
  }
}

}  // namespace

GraphStats run_graph_program(std::span<const std::uint8_t> bytes, const GraphOptions& options) {
  Program p(bytes, options);
  return p.run();
}

}  // namespace nabla::fuzz
