// Writes the safetensors file that tests/read_safetensors.py reads with Python and numpy
// (CTest's Interop.* tests). The values are fixed here and repeated in the script; each is
// exact in its dtype, so both sides can compare bit for bit.
// Usage: write_safetensors_sample FILE

#include <cstdio>
#include <exception>
#include <vector>

#include <nabla/nabla.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  try {
    const std::vector<float> weight{0.5f, -1.25f, 3.0f, 0.0009765625f, -0.0f, 65504.0f};
    const std::vector<double> bias{1.0 / 3.0, -2.5, 1e300};
    const nabla::nn::NamedTensors tensors{
        {"weight", nabla::tensor(std::span<const float>(weight), {2, 3})},
        {"bias", nabla::tensor(bias, {3}, nabla::f64)},
        {"step", nabla::scalar_tensor(42.0, nabla::f64)},
        {"empty", nabla::zeros({0, 2})},
        {"cube", nabla::arange(8.0).reshape({2, 2, 2}) * 0.5 - 1.0},
        {"labels",
         nabla::tensor({2, 0, -1}, nabla::i64) + nabla::full({3}, 4294967296.0, nabla::i64)},
        {"counts", nabla::tensor({{-2147483648.0, 7.0}}, nabla::i32)},
        {"pixels", nabla::tensor({0, 128, 255}, nabla::u8)},
        {"mask", nabla::tensor({1, 0, 1, 1}, nabla::bool_)},
    };
    nabla::save(tensors, argv[1], {{"nabla.kind", "sample"}, {"note", "caf\xc3\xa9 \"quoted\""}});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  std::printf("wrote %s\n", argv[1]);
  return 0;
}
