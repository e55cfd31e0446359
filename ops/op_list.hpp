#pragma once
// Internal: the explicit list of built-in ops. Each op file defines its register_<name>
// function; register_builtin_ops calls them all in order. An explicit list, rather than
// static self-registration, because a static library drops unreferenced initializers.

#include <vector>

#include "nabla/registry.hpp"

namespace nabla::detail {

// clang-format off
#define NABLA_BUILTIN_OPS(X) \
  X(add) \
  X(sub) \
  X(mul) \
  X(div) \
  X(neg) \
  X(exp) \
  X(log) \
  X(pow) \
  X(sqrt) \
  X(sigmoid) \
  X(sigmoid_backward) \
  X(tanh) \
  X(tanh_backward) \
  X(relu) \
  X(relu_backward) \
  X(matmul) \
  X(sum) \
  X(mean) \
  X(reshape) \
  X(transpose) \
  X(permute) \
  X(broadcast_to) \
  X(sum_to) \
  X(cast) \
  X(clone) \
  X(squared_loss) \
  X(mse_loss) \
  X(abs) \
  X(clamp) \
  X(logsumexp) \
  X(softmax) \
  X(log_softmax) \
  X(max) \
  X(binary_cross_entropy_with_logits) \
  X(cross_entropy) \
  X(mse_loss_reduction) \
  X(expand) \
  X(select) \
  X(narrow) \
  X(slice) \
  X(slice_backward) \
  X(squeeze) \
  X(unsqueeze) \
  X(flatten) \
  X(unflatten) \
  X(view) \
  X(contiguous) \
  X(where) \
  X(masked_fill) \
  /* joining and splitting */ \
  X(cat) \
  X(stack) \
  X(split) \
  X(chunk) \
  X(unbind) \
  /* elementwise math */ \
  X(sin) \
  X(cos) \
  X(tan) \
  X(asin) \
  X(acos) \
  X(atan) \
  X(sinh) \
  X(cosh) \
  X(log1p) \
  X(expm1) \
  X(log2) \
  X(log10) \
  X(exp2) \
  X(erf) \
  X(erfc) \
  X(square) \
  X(reciprocal) \
  X(rsqrt) \
  X(sign) \
  X(floor) \
  X(ceil) \
  X(round) \
  X(trunc) \
  X(frac) \
  X(maximum) \
  X(minimum) \
  X(pow_tensor) \
  X(atan2) \
  X(hypot) \
  X(lerp) \
  X(addcmul) \
  X(addcdiv) \
  /* activations */ \
  X(gelu) \
  X(gelu_backward) \
  X(silu) \
  X(mish) \
  X(softplus) \
  X(leaky_relu) \
  X(elu) \
  X(selu) \
  X(celu) \
  X(hardtanh) \
  X(relu6) \
  X(hardsigmoid) \
  X(hardswish) \
  X(logsigmoid) \
  X(softsign) \
  X(prelu) \
  X(glu) \
  /* losses */ \
  X(nll_loss) \
  X(cross_entropy_options) \
  X(binary_cross_entropy) \
  X(binary_cross_entropy_with_logits_weighted) \
  X(l1_loss) \
  X(smooth_l1_loss) \
  X(huber_loss) \
  X(kl_div) \
  X(cosine_similarity) \
  X(pairwise_distance) \
  X(cosine_embedding_loss) \
  X(margin_ranking_loss) \
  X(hinge_embedding_loss) \
  X(poisson_nll_loss) \
  X(gaussian_nll_loss) \
  X(triplet_margin_loss) \
  /* indexing */ \
  X(index_select) \
  X(index_add) \
  X(gather) \
  X(scatter_add) \
  X(masked_select) \
  X(flip) \
  X(roll) \
  X(repeat) \
  X(tile) \
  X(pad) \
  X(index) \
  /* reductions */ \
  X(index_along) \
  X(index_along_backward) \
  X(prod) \
  X(amax) \
  X(amin) \
  X(min) \
  X(var) \
  X(std) \
  X(var_mean) \
  X(std_mean) \
  X(norm) \
  X(cumsum) \
  X(cumprod) \
  X(topk) \
  X(sort) \
  X(median) \
  /* linalg */ \
  X(bmm) \
  X(outer) \
  X(dot) \
  X(einsum) \
  X(diagonal) \
  X(diagonal_backward) \
  X(diag) \
  X(trace) \
  X(tril) \
  X(triu) \
  /* conv */ \
  X(unfold) \
  X(fold) \
  X(conv2d) \
  X(conv2d_weight) \
  X(conv_transpose2d) \
  X(conv1d) \
  /* normalization */ \
  X(batch_norm) \
  X(layer_norm) \
  X(group_norm) \
  X(instance_norm) \
  X(local_response_norm) \
  X(dropout) \
  X(dropout2d) \
  X(alpha_dropout) \
  X(embedding) \
  X(embedding_bag) \
  X(linear) \
  X(bilinear) \
  /* pooling and resampling */ \
  X(max_pool2d) \
  X(max_pool2d_backward) \
  X(avg_pool2d) \
  X(avg_pool2d_backward) \
  X(adaptive_avg_pool2d) \
  X(adaptive_avg_pool2d_backward) \
  X(adaptive_max_pool2d) \
  X(interpolate) \
  X(interpolate_backward) \
  X(pixel_shuffle) \
  X(pixel_unshuffle)
// clang-format on

#define NABLA_DECLARE_REGISTER(name) void register_##name(OpRegistry& r);
NABLA_BUILTIN_OPS(NABLA_DECLARE_REGISTER)
#undef NABLA_DECLARE_REGISTER

/// Registers every built-in op, in the order of NABLA_BUILTIN_OPS.
void register_builtin_ops(OpRegistry& r);

// Shared by the loss op files.
double sum_squared_diff(const char* op, const Tensor& o, const Tensor& y);
std::vector<OpSample> loss_samples(Generator& g, Dtype d);
std::vector<OpSample> loss_bad_samples(Generator& g, Dtype d);

}  // namespace nabla::detail
