// What a gradient is, in one picture: the loss as a function of a single weight.
//
// A network's loss depends on all its weights at once. Hold every weight fixed but one,
// w, and the loss becomes an ordinary function of one variable, L(w), that we can plot by
// trying many values of w. The gradient that backward() computes for w is the slope of
// that curve at the weight's current value w0: the tangent line
//
//     L(w0) + g·(w − w0),    g = ∂L/∂w at w0
//
// touches the curve there. Gradient descent steps w against g, downhill along the curve.
//
// This program trains the XOR network of xor.cpp for 200 steps (so the weights are
// neither random nor at a minimum), sweeps one weight over w0 ± 2, computes g with
// backward(), and checks it against the slope measured on the sweep itself, a central
// finite difference (L(w0 + h) − L(w0 − h)) / 2h. It writes weight_to_loss.png.
//
// Usage: weight_to_loss [--param NAME] [--index I] [--steps N] [--out PATH]   (or --help)
//   NAME is one of named_parameters() (default 2.weight, the output unit's weights), I a
//   flat index into it (default 1: the weight from hidden unit 1), N the training steps.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include <nabla/nabla.hpp>
#include <nabla/nn.hpp>
#include <nabla/optim.hpp>

#include "cli.hpp"
#include "plot.hpp"

int main(int argc, char** argv) {
  try {
    std::string param_name = "2.weight";
    std::int64_t index = 1;
    std::int64_t train_steps = 200;
    std::string out_path = "weight_to_loss.png";
    examples::Cli cli("weight_to_loss",
                      "Plots the XOR network's loss against one weight, with the tangent whose "
                      "slope backward() computed.");
    cli.option("param", param_name, "the parameter, by its name in named_parameters()", "NAME")
        .option("index", index, "flat index of the weight within the parameter", "I")
        .option("steps", train_steps, "steps of training before the sweep")
        .option("out", out_path, "PNG of the loss curve and the tangent", "PATH");
    cli.parse(argc, argv);
    // 0 steps is fine: the sweep is then around the initial weights.
    if (train_steps < 0) cli.fail(fmt::format("--steps must be 0 or more, got {}", train_steps));
    if (out_path.empty()) cli.fail("--out needs a file name");
    examples::check_writable("--out", out_path);  // now, not after the sweep

    // The XOR problem and network of xor.cpp, in float64 so that the finite difference
    // below is limited by its step, not by rounding.
    const nabla::Tensor X =
        nabla::tensor({{0.0, 0.0}, {0.0, 1.0}, {1.0, 0.0}, {1.0, 1.0}}, nabla::f64);
    const nabla::Tensor y = nabla::tensor({{0.0}, {1.0}, {1.0}, {0.0}}, nabla::f64);
    nabla::manual_seed(1);
    nabla::nn::Sequential model(nabla::nn::Linear(2, 2), nabla::nn::Sigmoid(),
                                nabla::nn::Linear(2, 1), nabla::nn::Sigmoid());
    model.to(nabla::f64);
    auto loss_fn = [&] { return nabla::squared_loss(model(X), y); };  // ½·Σ(o − y)²

    // The weight to study, checked before any work. Training updates it in place.
    nabla::Tensor param;
    std::vector<std::string> names;
    for (const auto& [name, p] : model.named_parameters()) {
      names.push_back(name);
      if (name == param_name) param = p;
    }
    if (!param.defined()) {
      cli.fail(
          fmt::format("--param must be one of {}, got '{}'", fmt::join(names, ", "), param_name));
    }
    if (index < 0 || index >= param.numel()) {
      cli.fail(fmt::format("--index must be from 0 to {} ({} has shape {}), got {}",
                           param.numel() - 1, param_name, nabla::shape_str(param.shape()), index));
    }

    // Train briefly: far enough that the loss curve has an interesting shape.
    nabla::optim::SGD optimizer(model.parameters(), {.lr = 2.0});
    for (std::int64_t step = 0; step < train_steps; ++step) {
      optimizer.zero_grad();
      loss_fn().backward();
      optimizer.step();
    }

    fmt::print("parameters:");
    for (const auto& [name, p] : model.named_parameters()) {
      fmt::print("  {} {}", name, nabla::shape_str(p.shape()));
    }
    fmt::print("\n");

    // Its name as PyTorch would index it: 0.weight[row, column] for a matrix.
    const std::string weight_name =
        param.dim() == 2
            ? fmt::format("{}[{}, {}]", param_name, index / param.size(1), index % param.size(1))
            : fmt::format("{}[{}]", param_name, index);
    double* w = param.mutable_data<double>() + index;  // the weight, in place
    const double w0 = *w;

    // The gradient at w0, from autograd.
    model.zero_grad();
    const nabla::Tensor loss = loss_fn();
    const double L0 = loss.item<double>();
    loss.backward();
    const double g = param.grad().to_vector()[static_cast<std::size_t>(index)];
    fmt::print("weight {} = {:.6f}, loss L(w0) = {:.6f}\n", weight_name, w0, L0);

    // The sweep: L(w) at w0 + k·h for k = −K..K, every other weight unchanged. Writing
    // through mutable_data is fine here: no graph is recorded under NoGradGuard, so no
    // saved value can go stale.
    constexpr int K = 200;
    constexpr double kHalfWidth = 2.0;
    constexpr double h = kHalfWidth / K;
    std::vector<double> ws, losses;
    {
      nabla::NoGradGuard no_grad;
      for (int k = -K; k <= K; ++k) {
        *w = w0 + k * h;
        ws.push_back(*w);
        losses.push_back(loss_fn().item<double>());
      }
      *w = w0;  // restore the trained weight
    }

    // The slope measured on the sweep: a central difference around w0 (index K).
    const double fd = (losses[K + 1] - losses[K - 1]) / (2 * h);
    // A central difference is not exact: its error is about h²/6·L'''(w0). Estimate L'''
    // from the sweep's five points around w0 and accept twice that error (plus rounding).
    const double third =
        (losses[K + 2] - 2 * losses[K + 1] + 2 * losses[K - 1] - losses[K - 2]) / (2 * h * h * h);
    const double tolerance = 2 * h * h / 6 * std::abs(third) + 1e-10;
    const double difference = std::abs(g - fd);
    fmt::print("gradient from backward():      {:+.9f}\n", g);
    fmt::print("central difference, h = {:.3f}: {:+.9f}\n", h, fd);
    fmt::print("difference {:.2e}, expected error of the difference about {:.2e}\n", difference,
               tolerance / 2);

    // The picture: L(w), the tangent at w0 over the middle of the range, and the point.
    std::vector<double> tangent_w, tangent_l;
    for (int k = -K / 2; k <= K / 2; k += K / 2) {
      tangent_w.push_back(w0 + k * h);
      tangent_l.push_back(L0 + g * k * h);
    }
    plot::Figure fig{
        .title = fmt::format("The loss as one weight moves: {} of the XOR network", weight_name),
        .xlabel = fmt::format("weight {}", weight_name),
        .ylabel = "loss  ½·Σ(o − y)²",
        .legend = "top left",
        .headroom = 0.3};
    fig.line("loss L(w), every other weight fixed", ws, losses).color = "#1f77b4";
    plot::Series& tangent =
        fig.line(fmt::format("tangent L(w0) + g·(w − w0), g = {:.4f}", g), tangent_w, tangent_l);
    tangent.color = "#d62728";
    tangent.dashed = true;
    plot::Series& point = fig.points(fmt::format("current weight w0 = {:.3f}", w0), {w0}, {L0});
    point.color = "#d62728";
    point.point_size = 2.0;
    const bool plotted = plot::try_save_png(fig, out_path);

    const bool agree = difference <= tolerance;
    fmt::print("autograd and finite difference {} (|{:.3e}| {} tolerance {:.3e})\n",
               agree ? "agree" : "DISAGREE", difference, agree ? "<=" : ">", tolerance);
    return agree && plotted ? EXIT_SUCCESS : EXIT_FAILURE;
  } catch (const std::exception& e) {
    fmt::print(stderr, "weight_to_loss: error: {}\n", e.what());
    return 1;
  }
}
