// nabla/functional.hpp: vjp, jvp, jacobian, hessian, hvp and vhp, on nabla::grad. A jvp
// is the double-backward trick: with output gradients u that require grad, the vjp
// g(u) = uᵀJ is linear in u, and its vjp by v, ∂⟨v, g⟩/∂u, is J·v.

#include "nabla/functional.hpp"

#include <fmt/format.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "nabla/joining.hpp"
#include "nabla/ops.hpp"

namespace nabla::functional {
namespace {

[[noreturn]] void bad(const char* api, const std::string& what) {
  throw std::invalid_argument(fmt::format("nabla::functional::{}: {}", api, what));
}

// The points the function is evaluated at: fresh leaves that require grad, or (with
// create_graph) views of inputs that already require grad, keeping their history.
std::vector<Tensor> prepare_inputs(const char* api, const std::vector<Tensor>& inputs,
                                   bool create_graph) {
  if (inputs.empty()) bad(api, "no inputs: there is nothing to differentiate by");
  std::vector<Tensor> xs;
  xs.reserve(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& x = inputs[i];
    if (!x.defined()) bad(api, fmt::format("input {} is undefined", i));
    if (!is_floating_point(x.dtype())) {
      bad(api, fmt::format("input {} is {}; only float32 and float64 tensors are differentiable", i,
                           dtype_name(x.dtype())));
    }
    if (create_graph && x.requires_grad()) {
      xs.push_back(view(x, x.shape()));
    } else {
      Tensor leaf = x.detach();
      leaf.requires_grad_();
      xs.push_back(leaf);
    }
  }
  return xs;
}

// f at xs, recorded (whatever the caller's grad mode), its outputs checked.
std::vector<Tensor> call(const char* api, const MultiFunction& f, const std::vector<Tensor>& xs) {
  if (!f) bad(api, "the function is empty");
  std::vector<Tensor> outs;
  {
    AutoGradMode on(true);
    outs = f(xs);
  }
  if (outs.empty()) bad(api, "the function returned no outputs");
  for (std::size_t k = 0; k < outs.size(); ++k) {
    if (!outs[k].defined()) bad(api, fmt::format("output {} of the function is undefined", k));
    if (!is_floating_point(outs[k].dtype())) {
      bad(api, fmt::format("output {} of the function is {}; only float32 and float64 outputs "
                           "are differentiable",
                           k, dtype_name(outs[k].dtype())));
    }
  }
  return outs;
}

// The vectors v of vjp (one per output: `what` = "output") or jvp (one per input), of
// the shapes of `like`; left out, 1 for a single one-element tensor.
std::vector<Tensor> vectors(const char* api, const char* what, const std::vector<Tensor>& v,
                            const std::vector<Tensor>& like, bool create_graph) {
  if (v.empty()) {
    if (like.size() == 1 && like[0].numel() == 1) return {ones(like[0].shape(), like[0].dtype())};
    bad(api,
        fmt::format("v may be left out only when there is a single one-element {0}; there "
                    "{1} {2} {0}{3}{4}",
                    what, like.size() == 1 ? "is" : "are", like.size(), like.size() == 1 ? "" : "s",
                    like.size() == 1 ? " of shape " + shape_str(like[0].shape()) : ""));
  }
  if (v.size() != like.size()) {
    bad(api, fmt::format("v has {} tensors for {} {}{}; it needs one per {}", v.size(), like.size(),
                         what, like.size() == 1 ? "" : "s", what));
  }
  std::vector<Tensor> out;
  for (std::size_t k = 0; k < v.size(); ++k) {
    if (!v[k].defined()) bad(api, fmt::format("v[{}] is undefined", k));
    if (v[k].shape() != like[k].shape()) {
      bad(api, fmt::format("v[{}] has shape {} but {} {} has shape {}", k, shape_str(v[k].shape()),
                           what, k, shape_str(like[k].shape())));
    }
    if (!is_floating_point(v[k].dtype())) {
      bad(api, fmt::format("v[{}] is {}; it must be a float32 or float64 tensor", k,
                           dtype_name(v[k].dtype())));
    }
    Tensor t = v[k].dtype() == like[k].dtype() ? v[k] : cast(v[k], like[k].dtype());
    out.push_back(create_graph ? t : t.detach());
  }
  return out;
}

// Σ_k ⟨v_k, outs_k⟩ differentiated by each of wrt; zeros where no output depends on it
// (or, with strict, an error naming the input).
std::vector<Tensor> vjps(const char* api, const std::vector<Tensor>& outs,
                         const std::vector<Tensor>& wrt, const std::vector<Tensor>& v, bool retain,
                         bool create, bool strict) {
  std::vector<Tensor> o, g;
  for (std::size_t k = 0; k < outs.size(); ++k) {
    if (!outs[k].requires_grad()) continue;  // does not depend on any input
    o.push_back(outs[k]);
    g.push_back(v[k]);
  }
  std::vector<Tensor> r(wrt.size());
  if (!o.empty()) r = grad(o, wrt, g, retain, create, /*allow_unused=*/true);
  for (std::size_t j = 0; j < wrt.size(); ++j) {
    if (r[j].defined()) continue;
    if (strict) {
      bad(api, fmt::format("no output depends on input {} (strict: its derivative would be "
                           "zeros)",
                           j));
    }
    r[j] = zeros(wrt[j].shape(), wrt[j].dtype());
  }
  return r;
}

std::vector<Tensor> detached(std::vector<Tensor> ts, bool create_graph) {
  if (!create_graph) {
    for (Tensor& t : ts) t = t.detach();
  }
  return ts;
}

// A tensor of `like`'s shape and dtype, 1 at flat position e and 0 elsewhere.
Tensor one_hot(const Tensor& like, std::int64_t e) {
  Tensor t = zeros(like.shape(), like.dtype());
  if (t.dtype() == f64) {
    t.mutable_data<double>()[e] = 1.0;
  } else {
    t.mutable_data<float>()[e] = 1.0f;
  }
  return t;
}

Shape joined(const Shape& a, const Shape& b) {
  Shape s = a;
  s.insert(s.end(), b.begin(), b.end());
  return s;
}

// Pieces (one per element of a tensor of shape `by`) stacked along axis `dim` of the
// piece's shape and reshaped to `shape`; zeros when there are none.
Tensor assemble(const std::vector<Tensor>& pieces, std::int64_t dim, const Shape& shape,
                Dtype dtype) {
  if (pieces.empty()) return zeros(shape, dtype);
  return reshape(stack(pieces, dim), shape);
}

// The J·v of jvp: the vjp g(u) = Σ_k u_kᵀ ∂out_k/∂x recorded with output gradients u that
// require grad, then differentiated by u along v.
struct ForwardTrick {
  std::vector<Tensor> u;  // one per output
  std::vector<Tensor> g;  // one per input; undefined where no output depends on it

  ForwardTrick(const std::vector<Tensor>& outs, const std::vector<Tensor>& xs) {
    std::vector<Tensor> o, uo;
    for (const Tensor& out : outs) {
      Tensor ui = zeros(out.shape(), out.dtype());
      ui.requires_grad_();
      u.push_back(ui);
      if (out.requires_grad()) {
        o.push_back(out);
        uo.push_back(ui);
      }
    }
    g.resize(xs.size());
    if (!o.empty()) g = grad(o, xs, uo, /*retain_graph=*/true, /*create_graph=*/true, true);
  }

  // Σ_j J_kj·v_j for each output k (v: one per input, undefined entries skipped).
  std::vector<Tensor> apply(const std::vector<Tensor>& v, bool retain, bool create) const {
    std::vector<Tensor> gs, vs;
    for (std::size_t j = 0; j < g.size(); ++j) {
      if (!g[j].defined() || !g[j].requires_grad() || !v[j].defined()) continue;
      gs.push_back(g[j]);
      vs.push_back(v[j]);
    }
    std::vector<Tensor> r(u.size());
    if (!gs.empty()) r = grad(gs, u, vs, retain, create, /*allow_unused=*/true);
    for (std::size_t k = 0; k < u.size(); ++k) {
      if (!r[k].defined()) r[k] = zeros(u[k].shape(), u[k].dtype());
    }
    return r;
  }
};

void check_strict(const char* api, const ForwardTrick& t) {
  for (std::size_t j = 0; j < t.g.size(); ++j) {
    if (!t.g[j].defined()) {
      bad(api, fmt::format("no output depends on input {} (strict: its derivative would be "
                           "zeros)",
                           j));
    }
  }
}

MultiFunction multi(const UnaryFunction& f) {
  if (!f) return {};
  return [f](const std::vector<Tensor>& in) { return std::vector<Tensor>{f(in[0])}; };
}

// The gradient of a one-element function, recorded so that it can be differentiated
// again; `value` keeps the function's last value (detached).
MultiFunction gradient_of(const char* api, const Function& f, bool strict,
                          std::shared_ptr<Tensor> value) {
  if (!f) bad(api, "the function is empty");
  return [api, f, strict, value](const std::vector<Tensor>& xs) {
    Tensor out;
    {
      AutoGradMode on(true);
      out = f(xs);
    }
    if (!out.defined()) bad(api, "the function returned an undefined tensor");
    if (!is_floating_point(out.dtype())) {
      bad(api, fmt::format("the function returned {}; it must return a float32 or float64 "
                           "tensor",
                           dtype_name(out.dtype())));
    }
    if (out.numel() != 1) {
      bad(api, fmt::format("the function must return one element, but returned shape {}",
                           shape_str(out.shape())));
    }
    if (value) *value = out;
    return vjps(api, {out}, xs, {ones(out.shape(), out.dtype())}, true, true, strict);
  };
}

Result vjp_named(const char* api, const MultiFunction& f, const std::vector<Tensor>& inputs,
                 const std::vector<Tensor>& v, const Options& options) {
  const std::vector<Tensor> xs = prepare_inputs(api, inputs, options.create_graph);
  const std::vector<Tensor> outs = call(api, f, xs);
  const std::vector<Tensor> vs = vectors(api, "output", v, outs, options.create_graph);
  std::vector<Tensor> d =
      vjps(api, outs, xs, vs, options.create_graph, options.create_graph, options.strict);
  return {detached(outs, options.create_graph), detached(std::move(d), options.create_graph)};
}

Result jvp_named(const char* api, const MultiFunction& f, const std::vector<Tensor>& inputs,
                 const std::vector<Tensor>& v, const Options& options) {
  const std::vector<Tensor> xs = prepare_inputs(api, inputs, options.create_graph);
  const std::vector<Tensor> vs = vectors(api, "input", v, xs, options.create_graph);
  const std::vector<Tensor> outs = call(api, f, xs);
  const ForwardTrick trick(outs, xs);
  if (options.strict) check_strict(api, trick);
  std::vector<Tensor> d = trick.apply(vs, options.create_graph, options.create_graph);
  return {detached(outs, options.create_graph), detached(std::move(d), options.create_graph)};
}

std::pair<Tensor, Tensor> single(const Result& r) {
  return {r.outputs[0], r.derivatives[0]};
}

}  // namespace

Result vjp(const MultiFunction& f, const std::vector<Tensor>& inputs, const std::vector<Tensor>& v,
           const Options& options) {
  return vjp_named("vjp", f, inputs, v, options);
}

std::pair<Tensor, Tensor> vjp(const UnaryFunction& f, const Tensor& x, const Tensor& v,
                              const Options& options) {
  return single(
      vjp(multi(f), {x}, v.defined() ? std::vector<Tensor>{v} : std::vector<Tensor>{}, options));
}

Result jvp(const MultiFunction& f, const std::vector<Tensor>& inputs, const std::vector<Tensor>& v,
           const Options& options) {
  return jvp_named("jvp", f, inputs, v, options);
}

std::pair<Tensor, Tensor> jvp(const UnaryFunction& f, const Tensor& x, const Tensor& v,
                              const Options& options) {
  return single(
      jvp(multi(f), {x}, v.defined() ? std::vector<Tensor>{v} : std::vector<Tensor>{}, options));
}

std::vector<std::vector<Tensor>> jacobian(const MultiFunction& f, const std::vector<Tensor>& inputs,
                                          const JacobianOptions& options) {
  const bool create = options.create_graph;
  const std::vector<Tensor> xs = prepare_inputs("jacobian", inputs, create);
  const std::vector<Tensor> outs = call("jacobian", f, xs);
  std::vector<std::vector<Tensor>> result(outs.size(), std::vector<Tensor>(xs.size()));
  if (options.strategy == Strategy::reverse) {
    std::vector<bool> used(xs.size(), false);
    for (std::size_t k = 0; k < outs.size(); ++k) {
      std::vector<std::vector<Tensor>> rows(xs.size());  // [input][output element]
      if (outs[k].requires_grad()) {
        for (std::int64_t e = 0; e < outs[k].numel(); ++e) {
          std::vector<Tensor> g =
              grad({outs[k]}, xs, {one_hot(outs[k], e)}, true, create, /*allow_unused=*/true);
          for (std::size_t j = 0; j < xs.size(); ++j) {
            used[j] = used[j] || g[j].defined();
            rows[j].push_back(g[j].defined() ? g[j] : zeros(xs[j].shape(), xs[j].dtype()));
          }
        }
      }
      for (std::size_t j = 0; j < xs.size(); ++j) {
        result[k][j] =
            assemble(rows[j], 0, joined(outs[k].shape(), xs[j].shape()), outs[k].dtype());
      }
    }
    if (options.strict) {
      for (std::size_t j = 0; j < xs.size(); ++j) {
        if (!used[j]) {
          bad("jacobian", fmt::format("no output depends on input {} (strict: its derivative "
                                      "would be zeros)",
                                      j));
        }
      }
    }
  } else {
    const ForwardTrick trick(outs, xs);
    if (options.strict) check_strict("jacobian", trick);
    for (std::size_t j = 0; j < xs.size(); ++j) {
      std::vector<std::vector<Tensor>> cols(outs.size());  // [output][input element]
      for (std::int64_t e = 0; e < xs[j].numel(); ++e) {
        std::vector<Tensor> v(xs.size());
        v[j] = one_hot(xs[j], e);
        const std::vector<Tensor> jv = trick.apply(v, true, create);
        for (std::size_t k = 0; k < outs.size(); ++k) cols[k].push_back(jv[k]);
      }
      for (std::size_t k = 0; k < outs.size(); ++k) {
        result[k][j] = assemble(cols[k], static_cast<std::int64_t>(outs[k].dim()),
                                joined(outs[k].shape(), xs[j].shape()), outs[k].dtype());
      }
    }
  }
  if (!create) {
    for (auto& row : result) row = detached(std::move(row), false);
  }
  return result;
}

Tensor jacobian(const UnaryFunction& f, const Tensor& x, const JacobianOptions& options) {
  return jacobian(multi(f), std::vector<Tensor>{x}, options)[0][0];
}

std::vector<std::vector<Tensor>> hessian(const Function& f, const std::vector<Tensor>& inputs,
                                         const HessianOptions& options) {
  const MultiFunction gradient = gradient_of("hessian", f, options.strict, nullptr);
  return jacobian(gradient, inputs,
                  JacobianOptions{.create_graph = options.create_graph,
                                  .strict = false,
                                  .strategy = options.outer_jacobian_strategy});
}

Tensor hessian(const UnaryFunction& f, const Tensor& x, const HessianOptions& options) {
  if (!f) bad("hessian", "the function is empty");
  return hessian([f](const std::vector<Tensor>& in) { return f(in[0]); }, std::vector<Tensor>{x},
                 options)[0][0];
}

Result hvp(const Function& f, const std::vector<Tensor>& inputs, const std::vector<Tensor>& v,
           const Options& options) {
  auto value = std::make_shared<Tensor>();
  Result r = jvp_named("hvp", gradient_of("hvp", f, options.strict, value), inputs, v, options);
  return {{options.create_graph ? *value : value->detach()}, std::move(r.derivatives)};
}

std::pair<Tensor, Tensor> hvp(const UnaryFunction& f, const Tensor& x, const Tensor& v,
                              const Options& options) {
  if (!f) bad("hvp", "the function is empty");
  return single(hvp([f](const std::vector<Tensor>& in) { return f(in[0]); }, {x}, {v}, options));
}

Result vhp(const Function& f, const std::vector<Tensor>& inputs, const std::vector<Tensor>& v,
           const Options& options) {
  auto value = std::make_shared<Tensor>();
  Result r = vjp_named("vhp", gradient_of("vhp", f, options.strict, value), inputs, v, options);
  return {{options.create_graph ? *value : value->detach()}, std::move(r.derivatives)};
}

std::pair<Tensor, Tensor> vhp(const UnaryFunction& f, const Tensor& x, const Tensor& v,
                              const Options& options) {
  if (!f) bad("vhp", "the function is empty");
  return single(vhp([f](const std::vector<Tensor>& in) { return f(in[0]); }, {x}, {v}, options));
}

}  // namespace nabla::functional
