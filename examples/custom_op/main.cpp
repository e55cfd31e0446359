// Extending nabla from your own code: a new op with its own backward rule (my_softplus), a
// composite op that needs no rule (swish), an op with two outputs (sin_cos), all used in a
// small model, registered, and checked by the same sweep as nabla-gradcheck.
//
//   custom_op            trains the model, then checks every op (built-in and these three)
//   custom_op --op my_softplus --op swish --op sin_cos     checks only these (any
//                        nabla-gradcheck flag works)

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include <nabla/extension.hpp>
#include <nabla/format.hpp>

// my_softplus: result = log(1 + eˣ), computed stably as max(x, 0) + log1p(e^(−|x|)). (nabla
// has it built in as nabla::softplus; written here as a user would write an op of their own.)
//   backward: grad_x = grad_out ⊙ sigmoid(x)
//   saves   : x
struct MySoftplusNode : nabla::Node {
  MySoftplusNode() : Node("my_softplus") {}
  std::vector<nabla::Tensor> backward(const nabla::Tensor& grad_out) override {
    // Written with nabla ops, so the rule is itself differentiable (gradgradcheck passes).
    return {grad_out * nabla::sigmoid(saved(0))};
  }
};

nabla::Tensor my_softplus(const nabla::Tensor& x) {
  std::vector<double> v = x.to_vector();  // the forward kernel, in plain C++
  for (double& e : v) e = std::max(e, 0.0) + std::log1p(std::exp(-std::abs(e)));
  nabla::Tensor result = nabla::tensor(v, x.shape(), x.dtype());
  if (auto node = nabla::record<MySoftplusNode>(result, {x})) node->save(x);
  return result;
}

// sin_cos: two outputs from one node, (sin x, cos x).
//   backward: grad_x = grad_sin ⊙ cos x − grad_cos ⊙ sin x; an output that got no
//             gradient (only sin was used, say) arrives undefined and counts as zero
//   saves   : x
std::pair<nabla::Tensor, nabla::Tensor> sin_cos(const nabla::Tensor& x);

struct SinCosNode : nabla::MultiOutputNode {
  SinCosNode() : MultiOutputNode("sin_cos") {}
  std::vector<nabla::Tensor> backward(const std::vector<nabla::Tensor>& grads) override {
    // sin_cos itself gives the factors, so this rule is differentiable too.
    const auto [s, c] = sin_cos(saved(0));
    nabla::Tensor g = nabla::zeros_like(s);
    if (grads[0].defined()) g = g + grads[0] * c;
    if (grads[1].defined()) g = g - grads[1] * s;
    return {g};  // one gradient per input, as for any node
  }
};

std::pair<nabla::Tensor, nabla::Tensor> sin_cos(const nabla::Tensor& x) {
  std::vector<double> s = x.to_vector(), c = s;
  for (double& e : s) e = std::sin(e);
  for (double& e : c) e = std::cos(e);
  std::vector<nabla::Tensor> out{nabla::tensor(s, x.shape(), x.dtype()),
                                 nabla::tensor(c, x.shape(), x.dtype())};
  if (auto node = nabla::record_outputs<SinCosNode>(out, {x})) node->save(x);
  return {out[0], out[1]};
}

// swish: x ⊙ sigmoid(x), composed of existing ops, so it needs no rule of its own.
nabla::Tensor swish(const nabla::Tensor& x) {
  return x * nabla::sigmoid(x);
}

int main(int argc, char** argv) {
  nabla::register_op({.name = "sin_cos",
                      .formula = "sin(x) + 2·cos(x), from one two-output node",
                      .arity = 1,
                      .fn =
                          [](const std::vector<nabla::Tensor>& in) {
                            const auto [s, c] = sin_cos(in[0]);
                            return s + 2.0 * c;
                          },
                      .samples = [](nabla::Generator& g, nabla::Dtype d) {
                        return nabla::unary_samples(g, d);
                      }});
  for (const char* name : {"my_softplus", "swish"}) {
    nabla::register_op(
        {.name = name,
         .formula = std::string(name) == "my_softplus" ? "log(1 + exp(x))" : "x * sigmoid(x)",
         .arity = 1,
         .fn =
             [name](const std::vector<nabla::Tensor>& in) {
               return std::string(name) == "my_softplus" ? my_softplus(in[0]) : swish(in[0]);
             },
         .samples = [](nabla::Generator& g,
                       nabla::Dtype d) { return nabla::unary_samples(g, d); }});
  }

  if (argc == 1) {
    // A small regression model that uses both: y ≈ sin(x) on [-3, 3].
    nabla::Generator gen(1);
    const nabla::Tensor x = nabla::reshape(nabla::arange(-3.0, 3.0, 0.25), {-1, 1});
    std::vector<double> target;
    for (double v : x.to_vector()) target.push_back(std::sin(v));
    const nabla::Tensor y = nabla::tensor(target, x.shape());
    nabla::Tensor W1 = (nabla::randn({1, 16}, gen) * 0.8).detach().requires_grad_();
    nabla::Tensor b1 = nabla::zeros({16}).requires_grad_();
    nabla::Tensor W2 = (nabla::randn({16, 1}, gen) * 0.3).detach().requires_grad_();
    nabla::Tensor b2 = nabla::zeros({1}).requires_grad_();
    fmt::print("training a 1-16-1 network with my_softplus then swish on y = sin(x)\n");
    // The target through sin_cos, which has two outputs: sin²x + cos²x = 1 checks it.
    const auto [sx, cx] = sin_cos(x);
    fmt::print("  sin_cos: max |sin²x + cos²x − 1| = {:.1e}\n",
               nabla::max(nabla::abs(sx * sx + cx * cx - 1.0)).item<double>());
    for (int step = 0; step <= 2000; ++step) {
      nabla::Tensor h = swish(my_softplus(nabla::matmul(x, W1) + b1) - 1.0);
      nabla::Tensor loss = nabla::mse_loss(nabla::matmul(h, W2) + b2, y);
      if (step % 500 == 0) fmt::print("  step {:>4}  mse {:.5f}\n", step, loss.item<float>());
      loss.backward();
      nabla::NoGradGuard no_grad;
      for (nabla::Tensor* p : {&W1, &b1, &W2, &b2}) {
        p->add_(p->grad(), -0.05);
        p->zero_grad();
      }
    }
    fmt::print("\n");
  }
  // The nabla-gradcheck command line, over the built-in ops and the two above.
  return nabla::gradcheck_main(argc, argv);
}
