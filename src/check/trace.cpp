// BackwardTrace: an engine observer (engine/observer.hpp) that turns each node the
// engine runs into a BackwardStep, with the op's formula and rule from the registry.

#include "nabla/trace.hpp"

#include <fmt/format.h>

#include <cmath>
#include <utility>

#include "check/op_rules.hpp"
#include "engine/observer.hpp"
#include "nabla/registry.hpp"
#include "nabla/shape.hpp"

namespace nabla {
namespace detail {

double norm(const Tensor& t);  // autograd/graph.cpp

class TraceObserver final : public BackwardObserver {
 public:
  TraceObserver(BackwardTrace::Callback callback, BackwardTrace::Options options)
      : callback_(std::move(callback)), options_(options), previous_(set_backward_observer(this)) {}
  ~TraceObserver() override { set_backward_observer(previous_); }
  TraceObserver(const TraceObserver&) = delete;
  TraceObserver& operator=(const TraceObserver&) = delete;

  void node_ran(const Node& node, std::span<const Tensor> incoming,
                std::span<const Tensor> outgoing, std::span<const std::string> targets) override {
    BackwardStep step;
    step.index = count_++;
    step.op = node.name();
    if (const OpInfo* info = op_registry().find(step.op)) {
      step.formula = info->formula;
      step.rule = info->rule;
    } else if (const OpContract* c = find_op_contract(step.op)) {
      step.formula = std::string(c->forward);
      step.rule = std::string(c->backward);
    }
    for (const Tensor& g : incoming) step.incoming.push_back(traced(g, ""));
    for (std::size_t i = 0; i < outgoing.size(); ++i)
      step.outgoing.push_back(traced(outgoing[i], i < targets.size() ? targets[i] : ""));
    if (callback_) callback_(step);
  }

 private:
  TracedGrad traced(const Tensor& g, const std::string& target) const {
    TracedGrad t;
    if (!g.defined()) return t;
    t.defined = true;
    t.shape = g.shape();
    t.norm = norm(g);
    t.target = target;
    if (options_.keep_values) t.value = g.detach();
    return t;
  }

  BackwardTrace::Callback callback_;
  BackwardTrace::Options options_;
  BackwardObserver* previous_;
  std::size_t count_ = 0;
};

}  // namespace detail

BackwardTrace::BackwardTrace(Callback callback) : BackwardTrace(std::move(callback), Options{}) {}

BackwardTrace::BackwardTrace(Callback callback, Options options)
    : observer_(new detail::TraceObserver(std::move(callback), options)) {}

BackwardTrace::BackwardTrace(std::FILE* out)
    : BackwardTrace(
          [out](const BackwardStep& s) { fmt::print(out, "{}", format_backward_step(s)); }) {}

BackwardTrace::~BackwardTrace() {
  delete observer_;
}

std::string format_backward_step(const BackwardStep& step) {
  std::string out = fmt::format("#{} {}", step.index, step.op);
  if (!step.formula.empty()) out += fmt::format("    forward: {}", step.formula);
  out += "\n";
  if (!step.rule.empty()) {
    std::string rule;  // a rule of several lines, each under the first
    for (const char c : step.rule)
      rule += c == '\n' ? std::string("\n          ") : std::string(1, c);
    out += fmt::format("    rule: {}\n", rule);
  }
  const auto grad_text = [](const TracedGrad& g) {
    return g.defined ? fmt::format("{} ‖g‖ = {:.6g}", shape_str(g.shape), g.norm)
                     : std::string("none");
  };
  for (std::size_t k = 0; k < step.incoming.size(); ++k) {
    out +=
        fmt::format("    in  {}: {}\n",
                    step.incoming.size() > 1 ? fmt::format("output {}", k) : std::string("output"),
                    grad_text(step.incoming[k]));
  }
  for (std::size_t i = 0; i < step.outgoing.size(); ++i) {
    const TracedGrad& g = step.outgoing[i];
    out += fmt::format("    out input {}: {}{}\n", i, grad_text(g),
                       g.defined && !g.target.empty() ? " -> " + g.target : std::string());
  }
  return out;
}

}  // namespace nabla
