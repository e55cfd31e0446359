// The baseline of the kernel rows: plain loops, compiled with -O3 -march=native
// -fno-math-errno (tools/bench/CMakeLists.txt), for this machine only. out has n·n values;
// the transposed forms read x (and y) as the transpose of an [n, n] row-major matrix.

#include <cmath>
#include <cstdint>

namespace native {

void add(const float* x, const float* y, float* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = x[i] + y[i];
}
void mul(const float* x, const float* y, float* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = x[i] * y[i];
}
void exp(const float* x, float* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = std::exp(x[i]);
}
void sigmoid(const float* x, float* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) out[i] = 1.0f / (1.0f + std::exp(-x[i]));
}

void add_t(const float* x, const float* y, float* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) out[i * n + j] = x[j * n + i] + y[j * n + i];
}
void mul_t(const float* x, const float* y, float* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) out[i * n + j] = x[j * n + i] * y[j * n + i];
}
void exp_t(const float* x, float* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) out[i * n + j] = std::exp(x[j * n + i]);
}
void sigmoid_t(const float* x, float* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) out[i * n + j] = 1.0f / (1.0f + std::exp(-x[j * n + i]));
}

}  // namespace native
