// nabla::save and nabla::load: safetensors files of tensors, modules and optimizer state.
//
// The byte layouts expected here are worked out by hand from the safetensors specification
// (https://github.com/huggingface/safetensors), not produced by nabla's writer, so the
// reader and the writer cannot agree on a wrong format. Corrupt files are written byte by
// byte in each test.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <bit>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <nabla/io.hpp>
#include <nabla/nabla.hpp>
#include <nabla/nn.hpp>

using nabla::Tensor;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;
namespace nn = nabla::nn;

namespace {

// A fresh, empty directory for the running test.
fs::path test_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::path(::testing::TempDir()) / "nabla_io" / info->name();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Little-endian bytes of a value, as the format stores numbers.
template <class T>
std::string le(T value) {
  unsigned char raw[sizeof(T)];
  std::memcpy(raw, &value, sizeof(T));
  std::string out(sizeof(T), '\0');
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out[i] = static_cast<char>(std::endian::native == std::endian::little ? raw[i]
                                                                          : raw[sizeof(T) - 1 - i]);
  }
  return out;
}

// A safetensors file: the header's length (u64, little-endian), the header padded with
// spaces to a multiple of 8 bytes (unless `pad` is false), then `data`.
std::string file_bytes(std::string header, const std::string& data, bool pad = true) {
  if (pad) header.append((8 - header.size() % 8) % 8, ' ');
  return le(static_cast<std::uint64_t>(header.size())) + header + data;
}

// The raw bytes of a tensor's values.
std::string raw(const Tensor& t) {
  const std::size_t n = static_cast<std::size_t>(t.numel()) * nabla::dtype_size(t.dtype());
  const char* p = t.dtype() == nabla::f32 ? reinterpret_cast<const char*>(t.data<float>())
                                          : reinterpret_cast<const char*>(t.data<double>());
  return n == 0 ? std::string() : std::string(p, n);
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

// The names of the files in `dir`.
std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

// A small MLP whose initial weights come from `seed`.
nn::Sequential mlp(std::uint64_t seed, std::int64_t hidden = 4) {
  nabla::Generator gen(seed);
  return nn::Sequential(nn::Linear(3, hidden, true, {.generator = &gen}), nn::ReLU(),
                        nn::Linear(hidden, 2, true, {.generator = &gen}));
}

}  // namespace

// ---- the format ------------------------------------------------------------------------

TEST(Io, RoundTripKeepsNamesOrderShapesDtypesAndBytes) {
  const fs::path path = test_dir() / "t.safetensors";
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> a_values{1.5f, -0.0f, inf, 1e-40f /* subnormal */, -3.25f, 7.0f};
  nn::NamedTensors tensors{
      {"a", nabla::tensor(std::span<const float>(a_values), {2, 3})},
      {"rank3", nabla::arange(6.0, nabla::f64).reshape({2, 1, 3}) * 0.1 - 1.0 / 3.0},
      {"scalar32", nabla::scalar_tensor(2.5)},
      {"scalar64", nabla::scalar_tensor(-1.0 / 7.0, nabla::f64)},
      {"empty", nabla::zeros({0, 4})},
      {"empty64", nabla::zeros({3, 0}, nabla::f64)},
      {"z.last", nabla::tensor({9.0f}, {1}).requires_grad_()},  // a parameter saves too
  };
  const nabla::Metadata metadata{{"note", "caf\xc3\xa9 \"quoted\"\n\\"}, {"empty", ""}};
  nabla::save(tensors, path.string(), metadata);

  const nn::NamedTensors loaded = nabla::load(path.string());
  ASSERT_EQ(loaded.size(), tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    SCOPED_TRACE(tensors[i].first);
    EXPECT_EQ(loaded[i].first, tensors[i].first);
    const Tensor& t = loaded[i].second;
    EXPECT_EQ(t.shape(), tensors[i].second.shape());
    EXPECT_EQ(t.dtype(), tensors[i].second.dtype());
    EXPECT_EQ(raw(t), raw(tensors[i].second));  // bit for bit, -0.0 and inf included
    EXPECT_TRUE(t.is_leaf());
    EXPECT_FALSE(t.requires_grad());
  }
  EXPECT_EQ(loaded[3].second.item<double>(), -1.0 / 7.0);
  EXPECT_EQ(nabla::load_metadata(path.string()), metadata);
}

TEST(Io, EveryDtypeRoundTripsExactly) {
  const std::string path = (test_dir() / "all.safetensors").string();
  // an int64 past 2^53 (exact only if never held in a double), negative int32, uint8 255,
  // a bool mask, and the floating dtypes
  const Tensor big =
      nabla::full({2}, 9007199254740992.0, nabla::i64) + nabla::tensor({1, -1}, nabla::i64);
  const nn::NamedTensors tensors = {
      {"i64", big},
      {"i32", nabla::tensor({{-2147483648.0, 7}, {0, 2147483647.0}}, nabla::i32)},
      {"u8", nabla::tensor({0, 128, 255}, nabla::u8)},
      {"bool", nabla::tensor({1, 0, 0, 1, 1}, nabla::bool_)},
      {"f32", nabla::tensor({0.25, -4})},
      {"f64", nabla::tensor({1e300}, nabla::f64)},
      {"empty_i64", nabla::zeros({0, 3}, nabla::i64)},
  };
  nabla::save(tensors, path);
  const nn::NamedTensors back = nabla::load(path);
  ASSERT_EQ(back.size(), tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    SCOPED_TRACE(tensors[i].first);
    EXPECT_EQ(back[i].first, tensors[i].first);
    EXPECT_EQ(back[i].second.dtype(), tensors[i].second.dtype());
    EXPECT_EQ(back[i].second.shape(), tensors[i].second.shape());
    EXPECT_EQ(nabla::to_string(back[i].second), nabla::to_string(tensors[i].second));
  }
  EXPECT_EQ(back[0].second.data<std::int64_t>()[0], std::int64_t{9007199254740993});
  // the header names the format's dtypes
  const std::string bytes = read_bytes(path);
  for (const char* code : {"\"I64\"", "\"I32\"", "\"U8\"", "\"BOOL\"", "\"F32\"", "\"F64\""}) {
    EXPECT_NE(bytes.find(code), std::string::npos) << code;
  }
}

TEST(Io, ReadsHandBuiltIntegerAndBoolFiles) {
  const std::string path = (test_dir() / "ints.safetensors").string();
  // as another writer (numpy, PyTorch) lays them out; a BOOL byte of 2 reads as true
  const std::string header = R"({"l":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},)"
                             R"("m":{"dtype":"BOOL","shape":[3],"data_offsets":[16,19]},)"
                             R"("p":{"dtype":"U8","shape":[1],"data_offsets":[19,20]},)"
                             R"("q":{"dtype":"I32","shape":[1],"data_offsets":[20,24]}})";
  write_bytes(
      path, file_bytes(header, le(std::int64_t{-5}) + le(std::int64_t{1} << 40) +
                                   std::string("\x01\x00\x02", 3) + "\xff" + le(std::int32_t{-7})));
  const nn::NamedTensors t = nabla::load(path);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].second.dtype(), nabla::i64);
  EXPECT_EQ(t[0].second.to_vector(), (std::vector<double>{-5, 1099511627776.0}));
  EXPECT_EQ(t[1].second.dtype(), nabla::bool_);
  EXPECT_EQ(t[1].second.to_vector(), (std::vector<double>{1, 0, 1}));
  EXPECT_EQ(nabla::to_string(t[1].second), "tensor([ True, False,  True], shape=[3])");
  EXPECT_EQ(t[2].second.dtype(), nabla::u8);
  EXPECT_EQ(t[2].second.item<int>(), 255);
  EXPECT_EQ(t[3].second.item<int>(), -7);
}

TEST(Io, FilesWrittenBeforeIntegerDtypesStillLoad) {
  // The bytes nabla's writer produced before integer dtypes (F32 and F64 only), built by
  // hand: header {"w":{"dtype":"F32","shape":[2],...},"b":{"dtype":"F64",...}} padded to 8.
  const std::string path = (test_dir() / "old.safetensors").string();
  const std::string header = R"({"__metadata__":{"nabla.kind":"module"},)"
                             R"("w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("b":{"dtype":"F64","shape":[],"data_offsets":[8,16]}})";
  write_bytes(path, file_bytes(header, le(1.5f) + le(-2.0f) + le(0.125)));
  const nn::NamedTensors t = nabla::load(path);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].second.dtype(), nabla::f32);
  EXPECT_EQ(t[0].second.to_vector(), (std::vector<double>{1.5, -2.0}));
  EXPECT_EQ(t[1].second.dtype(), nabla::f64);
  EXPECT_EQ(t[1].second.item<double>(), 0.125);
  EXPECT_EQ(nabla::load_metadata(path).at("nabla.kind"), "module");
}

TEST(Io, TinyFileHasTheBytesOfTheSpecification) {
  const fs::path dir = test_dir();
  // {"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} is 54 bytes; two spaces pad it
  // to 56 = 0x38, so the data starts at byte 8 + 56 = 64. 1.0f is 0x3F800000 and -2.0f is
  // 0xC0000000, stored little-endian.
  nabla::save({{"x", nabla::tensor({1.0f, -2.0f}, {2})}}, (dir / "x.safetensors").string());
  const std::string expected_x = std::string("\x38\0\0\0\0\0\0\0", 8) +
                                 R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})" +
                                 "  " + std::string("\x00\x00\x80\x3f\x00\x00\x00\xc0", 8);
  EXPECT_EQ(read_bytes(dir / "x.safetensors"), expected_x);

  // The metadata comes first; a 0-d tensor has shape []. The header is 78 bytes, padded to
  // 80 = 0x50; 0.5 is 0x3FE0000000000000.
  nabla::save({{"y", nabla::scalar_tensor(0.5, nabla::f64)}}, (dir / "y.safetensors").string(),
              {{"k", "v"}});
  const std::string expected_y =
      std::string("\x50\0\0\0\0\0\0\0", 8) +
      R"({"__metadata__":{"k":"v"},"y":{"dtype":"F64","shape":[],"data_offsets":[0,8]}})" + "  " +
      std::string("\0\0\0\0\0\0\xe0\x3f", 8);
  EXPECT_EQ(read_bytes(dir / "y.safetensors"), expected_y);
}

TEST(Io, ReadsAHandBuiltFileWithSpacesEscapesAndKeysInAnyOrder) {
  const fs::path path = test_dir() / "hand.safetensors";
  // As another writer may produce it: spaces and newlines, keys in another order, the
  // metadata in the middle, a \u escape, and more padding than needed. Tensor "b" comes
  // first in the header but second in the data.
  const std::string header =
      "{\n  \"b\": {\"data_offsets\": [8, 16], \"shape\": [1], \"dtype\": \"F64\"},\n"
      "  \"__metadata__\": {\"format\": \"pt\", \"note\": \"caf\\u00e9 \\\"q\\\"\"},\n"
      "  \"w\\u0065ight\": {\"shape\": [2], \"dtype\": \"F32\", \"data_offsets\": [0, 8]}\n}" +
      std::string(16, ' ');
  write_bytes(path, file_bytes(header, le(0.25f) + le(-4.0f) + le(1e300)));

  const nn::NamedTensors t = nabla::load(path.string());
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].first, "weight");
  EXPECT_EQ(t[0].second.dtype(), nabla::f32);
  EXPECT_EQ(t[0].second.shape(), (nabla::Shape{2}));
  EXPECT_EQ(t[0].second.to_vector(), (std::vector<double>{0.25, -4.0}));
  EXPECT_EQ(t[1].first, "b");
  EXPECT_EQ(t[1].second.dtype(), nabla::f64);
  EXPECT_EQ(t[1].second.to_vector(), (std::vector<double>{1e300}));
  EXPECT_EQ(nabla::load_metadata(path.string()),
            (nabla::Metadata{{"format", "pt"}, {"note", "caf\xc3\xa9 \"q\""}}));
}

TEST(Io, AFileWithNoTensorsRoundTrips) {
  const fs::path path = test_dir() / "none.safetensors";
  nabla::save(nn::NamedTensors{}, path.string());
  EXPECT_EQ(read_bytes(path), std::string("\x08\0\0\0\0\0\0\0{}      ", 16));
  EXPECT_TRUE(nabla::load(path.string()).empty());
  EXPECT_TRUE(nabla::load_metadata(path.string()).empty());
}

// ---- modules ---------------------------------------------------------------------------

TEST(Io, ModuleRoundTripGivesIdenticalParametersAndOutputs) {
  const fs::path path = test_dir() / "model.safetensors";
  nn::Sequential saved = mlp(1);
  nn::Sequential restored = mlp(2);
  const Tensor x = nabla::tensor({{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}});
  ASSERT_NE(raw(saved(x)), raw(restored(x)));  // different seeds, different models

  nabla::save(saved, path.string());
  EXPECT_EQ(nabla::load_metadata(path.string()).at("nabla.kind"), "module");
  nabla::load(restored, path.string());

  const nn::NamedTensors a = saved.named_parameters(), b = restored.named_parameters();
  ASSERT_EQ(a.size(), 4u);
  ASSERT_EQ(b.size(), 4u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(b[i].first, a[i].first);
    EXPECT_EQ(raw(b[i].second), raw(a[i].second));
    EXPECT_TRUE(b[i].second.requires_grad());  // still parameters
  }
  EXPECT_EQ(raw(restored(x)), raw(saved(x)));
  // PyTorch's names, in named_parameters() order.
  std::vector<std::string> names;
  for (const auto& [name, t] : nabla::load(path.string())) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
}

TEST(Io, LoadingIntoADifferentShapeNamesTheFileTheTensorAndBothShapes) {
  const fs::path path = test_dir() / "model.safetensors";
  nabla::save(mlp(1, 4), path.string());
  nn::Sequential wider = mlp(2, 5);
  const std::string before = raw(wider.named_parameters()[0].second);
  const std::string m = message_of([&] { nabla::load(wider, path.string()); });
  EXPECT_THAT(m, AllOf(HasSubstr(path.string()), HasSubstr("0.weight"), HasSubstr("[4, 3]"),
                       HasSubstr("[5, 3]"), HasSubstr("0.bias"), HasSubstr("[4]"), HasSubstr("[5]"),
                       HasSubstr("2.weight"), HasSubstr("[2, 4]"), HasSubstr("[2, 5]")));
  EXPECT_THROW(nabla::load(wider, path.string()), std::invalid_argument);
  EXPECT_EQ(raw(wider.named_parameters()[0].second), before);  // unchanged
}

TEST(Io, LoadingIntoAModuleListsMissingAndUnexpectedNames) {
  const fs::path path = test_dir() / "odd.safetensors";
  nabla::save({{"weight", nabla::zeros({2, 3})}, {"extra", nabla::zeros({1})}}, path.string());
  nn::Linear layer(3, 2);
  const std::string m = message_of([&] { nabla::load(layer, path.string()); });
  EXPECT_THAT(m, AllOf(HasSubstr(path.string()), HasSubstr("bias"), HasSubstr("extra")));
  EXPECT_THAT(m, Not(HasSubstr("(no exception)")));
}

TEST(Io, APlainSafetensorsFileWithoutMetadataLoadsIntoAModule) {
  const fs::path path = test_dir() / "from_python.safetensors";
  // As PyTorch would write a Linear(3, 2) in float64: no nabla metadata, other dtype.
  const std::string header = R"({"__metadata__":{"format":"pt"},)"
                             R"("bias":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},)"
                             R"("weight":{"dtype":"F64","shape":[2,3],"data_offsets":[16,64]}})";
  std::string data = le(0.5) + le(-0.5);
  for (double w : {1.0, 2.0, 3.0, 4.0, 5.0, 6.0}) data += le(w);
  write_bytes(path, file_bytes(header, data));
  nn::Linear layer(3, 2);
  nabla::load(layer, path.string());
  EXPECT_EQ(layer.weight().dtype(), nabla::f32);
  EXPECT_EQ(layer.weight().to_vector(), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(layer.bias().to_vector(), (std::vector<double>{0.5, -0.5}));
}

// ---- optimizers ------------------------------------------------------------------------

namespace {

// `steps` Adam steps of `model` on a fixed regression problem.
void train(nn::Sequential& model, nabla::optim::Optimizer& opt, int steps) {
  nabla::Generator gen(7);
  const Tensor x = nabla::randn({16, 3}, gen);
  const Tensor y = nabla::randn({16, 2}, gen);
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    nabla::mse_loss(model(x), y).backward();
    opt.step();
  }
}

std::vector<std::string> raw_parameters(const nn::Module& m) {
  std::vector<std::string> out;
  for (const auto& [name, t] : m.named_parameters()) out.push_back(raw(t));
  return out;
}

}  // namespace

TEST(Io, ResumedAdamRunIsBitwiseEqualToAnUninterruptedOne) {
  const fs::path dir = test_dir();
  const nabla::optim::AdamOptions options{.lr = 0.05, .beta1 = 0.8, .amsgrad = true};
  const double late_lr = 0.1 + 0.2;  // not a short decimal: must read back exactly
  constexpr int kN = 5, kM = 7;

  // Uninterrupted: N steps, a new learning rate, M steps.
  nn::Sequential reference = mlp(1);
  nabla::optim::Adam reference_opt(reference.parameters(), options);
  train(reference, reference_opt, kN);
  const std::vector<std::string> after_n = raw_parameters(reference);
  reference_opt.set_lr(late_lr);
  train(reference, reference_opt, kM);

  // Interrupted after N steps: save both, load into a fresh model and optimizer.
  {
    nn::Sequential model = mlp(1);
    nabla::optim::Adam opt(model.parameters(), options);
    train(model, opt, kN);
    opt.set_lr(late_lr);
    nabla::save(model, (dir / "model.safetensors").string());
    nabla::save(opt, (dir / "adam.safetensors").string());
  }
  const nabla::Metadata meta = nabla::load_metadata((dir / "adam.safetensors").string());
  EXPECT_EQ(meta.at("nabla.kind"), "optimizer");
  EXPECT_EQ(meta.at("nabla.optimizer"), "Adam");

  nn::Sequential resumed = mlp(2);
  nabla::optim::Adam resumed_opt(resumed.parameters(), options);
  nabla::load(resumed, (dir / "model.safetensors").string());
  nabla::load(resumed_opt, (dir / "adam.safetensors").string());
  EXPECT_EQ(resumed_opt.lr(), late_lr);
  train(resumed, resumed_opt, kM);

  EXPECT_EQ(raw_parameters(resumed), raw_parameters(reference));
  EXPECT_NE(raw_parameters(reference), after_n);  // the M steps did move the parameters

  // Without the optimizer's state (fresh moments and step counts), the run differs: the
  // comparison above is not vacuous.
  nn::Sequential fresh = mlp(2);
  nabla::optim::Adam fresh_opt(fresh.parameters(), options);
  nabla::load(fresh, (dir / "model.safetensors").string());
  fresh_opt.set_lr(late_lr);
  train(fresh, fresh_opt, kM);
  EXPECT_NE(raw_parameters(fresh), raw_parameters(reference));
}

TEST(Io, FilesOfTheWrongKindAreRejectedClearly) {
  const fs::path dir = test_dir();
  const std::string model_file = (dir / "model.safetensors").string();
  const std::string adam_file = (dir / "adam.safetensors").string();
  const std::string plain_file = (dir / "plain.safetensors").string();
  nn::Sequential model = mlp(1);
  nabla::optim::Adam adam(model.parameters());
  nabla::optim::SGD sgd(model.parameters(), {.lr = 0.1, .momentum = 0.9});
  nabla::optim::AdamW adamw(model.parameters());
  nabla::save(model, model_file);
  nabla::save(adam, adam_file);
  nabla::save(model.state_dict(), plain_file);

  EXPECT_THROW(nabla::load(model, adam_file), std::invalid_argument);
  EXPECT_THAT(message_of([&] { nabla::load(model, adam_file); }),
              AllOf(HasSubstr(adam_file), HasSubstr("optimizer state"),
                    HasSubstr("not a module's parameters")));
  EXPECT_THAT(message_of([&] { nabla::load(adam, model_file); }),
              AllOf(HasSubstr(model_file), HasSubstr("a module's parameters"),
                    HasSubstr("not optimizer state")));
  EXPECT_THAT(message_of([&] { nabla::load(sgd, adam_file); }),
              AllOf(HasSubstr(adam_file), HasSubstr("state of Adam"), HasSubstr("is SGD")));
  EXPECT_THAT(message_of([&] { nabla::load(adamw, adam_file); }),
              AllOf(HasSubstr("state of Adam"), HasSubstr("is AdamW")));
  EXPECT_THAT(message_of([&] { nabla::load(adam, plain_file); }),
              AllOf(HasSubstr(plain_file), HasSubstr("no \"nabla.kind\"")));

  // An Adam state for other parameters: load_state's listing, prefixed with the file.
  nn::Sequential other = mlp(1, 5);
  nabla::optim::Adam other_adam(other.parameters());
  const std::string m = message_of([&] { nabla::load(other_adam, adam_file); });
  EXPECT_THAT(m, AllOf(HasSubstr(adam_file), HasSubstr("param.0.exp_avg"), HasSubstr("[4, 3]"),
                       HasSubstr("[5, 3]")));

  // A learning rate that is not a number.
  nabla::save(adam.state(), plain_file,
              {{"nabla.kind", "optimizer"}, {"nabla.optimizer", "Adam"}, {"nabla.lr", "fast"}});
  EXPECT_THAT(message_of([&] { nabla::load(adam, plain_file); }),
              HasSubstr("\"nabla.lr\": \"fast\", which is not a finite non-negative number"));
  // An infinite one would turn every parameter into NaN at the next step.
  nabla::save(adam.state(), plain_file,
              {{"nabla.kind", "optimizer"}, {"nabla.optimizer", "Adam"}, {"nabla.lr", "inf"}});
  EXPECT_THAT(message_of([&] { nabla::load(adam, plain_file); }),
              HasSubstr("\"nabla.lr\": \"inf\", which is not a finite non-negative number"));
}

// ---- corrupt files ---------------------------------------------------------------------

namespace {

struct Corrupt {
  const char* what;
  std::string bytes;
  std::vector<std::string> expected;  // substrings of the message
};

const std::string kF32Pair = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";

}  // namespace

TEST(Io, CorruptFilesAreRejectedWithWhatWasExpectedAndFound) {
  const fs::path dir = test_dir();
  const std::string eight(8, '\x01');
  auto entry = [](const std::string& name, const std::string& body) {
    return "\"" + name + "\":{" + body + "}";
  };
  const std::vector<Corrupt> cases{
      {"empty file", "", {"too short", "at least 8 bytes", "found 0"}},
      {"seven bytes", std::string(7, '\0'), {"too short", "found 7"}},
      {"header longer than the file",
       le(std::uint64_t{100}) + "{}      ",
       {"header length is 100 bytes", "only 8 bytes follow"}},
      {"header over 100 MB",
       le(std::uint64_t{1} << 40) + "{}      ",
       {"header length is 1099511627776 bytes", "100 MB"}},
      {"largest u64 length",
       le(std::numeric_limits<std::uint64_t>::max()) + "{}",
       {"header length is 18446744073709551615 bytes"}},
      {"invalid JSON", file_bytes(R"({"a": {"dtype": )", ""), {"not valid JSON", "parse error"}},
      {"empty header", file_bytes("", ""), {"not valid JSON"}},
      // Found by tools/fuzz: nlohmann's out_of_range for a number past a double escaped
      // as a foreign exception.
      {"number past a double",
       file_bytes(R"({"__metadata__": {"a": "b"}, "s": 55e5555555555555})", ""),
       {"not valid JSON", "number overflow"}},
      {"header is an array", file_bytes("[1, 2]", ""), {"must be a JSON object, found array"}},
      {"entry is a number",
       file_bytes(R"({"a": 3})", ""),
       {"tensor 'a': expected an object", "found 3"}},
      {"missing dtype",
       file_bytes("{" + entry("a", R"("shape":[2],"data_offsets":[0,8])") + "}", eight),
       {"tensor 'a' has no \"dtype\""}},
      {"missing shape",
       file_bytes("{" + entry("a", R"("dtype":"F32","data_offsets":[0,8])") + "}", eight),
       {"tensor 'a' has no \"shape\""}},
      {"missing data_offsets",
       file_bytes("{" + entry("a", R"("dtype":"F32","shape":[2])") + "}", eight),
       {"tensor 'a' has no \"data_offsets\""}},
      {"dtype a number",
       file_bytes("{" + entry("a", R"("dtype":32,"shape":[2],"data_offsets":[0,8])") + "}", eight),
       {"\"dtype\" must be a string, found 32"}},
      {"BF16",
       file_bytes("{" + entry("a", R"("dtype":"BF16","shape":[4],"data_offsets":[0,8])") + "}",
                  eight),
       {"tensor 'a' has dtype \"BF16\"", "nabla reads F32, F64, I64, I32, U8 and BOOL"}},
      {"F16",
       file_bytes("{" + entry("a", R"("dtype":"F16","shape":[4],"data_offsets":[0,8])") + "}",
                  eight),
       {"dtype \"F16\"", "I32, U8 and BOOL"}},
      {"I8",
       file_bytes("{" + entry("a", R"("dtype":"I8","shape":[8],"data_offsets":[0,8])") + "}",
                  eight),
       {"dtype \"I8\"", "I32, U8 and BOOL"}},
      {"shape a number",
       file_bytes("{" + entry("a", R"("dtype":"F32","shape":2,"data_offsets":[0,8])") + "}", eight),
       {"\"shape\" must be an array of non-negative integers, found 2"}},
      {"negative extent",
       file_bytes("{" + entry("a", R"("dtype":"F32","shape":[-2],"data_offsets":[0,8])") + "}",
                  eight),
       {"extent -2 at position 0 is not a non-negative integer"}},
      {"fractional extent",
       file_bytes("{" + entry("a", R"("dtype":"F32","shape":[2, 1.5],"data_offsets":[0,8])") + "}",
                  eight),
       {"extent 1.5 at position 1 is not a non-negative integer"}},
      {"string extent",
       file_bytes("{" + entry("a", R"("dtype":"F32","shape":["2"],"data_offsets":[0,8])") + "}",
                  eight),
       {"extent \"2\" at position 0"}},
      {"extent beyond int64",
       file_bytes(
           "{" + entry("a", R"("dtype":"F32","shape":[9223372036854775808],"data_offsets":[0,8])") +
               "}",
           eight),
       {"extent 9223372036854775808 at position 0 is not a non-negative integer below 2^63"}},
      {"shape whose element count overflows int64",
       file_bytes(
           "{" +
               entry("a", R"("dtype":"F32","shape":[4611686018427387904,8],"data_offsets":[0,8])") +
               "}",
           eight),
       {"tensor 'a' has shape [4611686018427387904, 8], whose extents multiply past 2^63 - 1"}},
      {"shape whose extents overflow beside a zero",
       file_bytes("{" +
                      entry("a", R"("dtype":"F32","shape":[0,4294967296,4294967296],)"
                                 R"("data_offsets":[0,0])") +
                      "}",
                  ""),
       {"tensor 'a' has shape [0, 4294967296, 4294967296], whose extents multiply past 2^63 - 1"}},
      {"shape whose byte count overflows",
       file_bytes(
           "{" +
               entry("a", R"("dtype":"F64","shape":[2305843009213693952,3],"data_offsets":[0,8])") +
               "}",
           eight),
       {"tensor 'a' of shape [2305843009213693952, 3] and dtype F64 has more than 2^64 bytes"}},
      {"offsets near 2^64",
       file_bytes("{" +
                      entry("a", R"("dtype":"F32","shape":[2],)"
                                 R"("data_offsets":[18446744073709551608,18446744073709551615])") +
                      "}",
                  eight),
       {"data_offsets [18446744073709551608, 18446744073709551615] lie outside the 8 bytes"}},
      {"offsets past 2^64",
       file_bytes("{" +
                      entry("a", R"("dtype":"F32","shape":[2],)"
                                 R"("data_offsets":[0,18446744073709551616])") +
                      "}",
                  eight),
       {"\"data_offsets\" must be two non-negative integers"}},
      {"data_offsets of one number",
       file_bytes("{" + entry("a", R"("dtype":"F32","shape":[2],"data_offsets":[8])") + "}", eight),
       {"\"data_offsets\" must be two non-negative integers [begin, end], found [8]"}},
      {"negative offset",
       file_bytes("{" + entry("a", R"("dtype":"F32","shape":[2],"data_offsets":[-8,0])") + "}",
                  eight),
       {"\"data_offsets\" must be two non-negative integers"}},
      {"offsets reversed",
       file_bytes("{" + entry("a", R"("dtype":"F32","shape":[2],"data_offsets":[8,0])") + "}",
                  eight),
       {"data_offsets [8, 0] end before they begin"}},
      {"offsets length differs from the shape",
       file_bytes("{" + entry("a", R"("dtype":"F32","shape":[2],"data_offsets":[0,4])") + "}",
                  eight.substr(0, 4)),
       {"data_offsets [0, 4] hold 4 bytes, but shape [2] of dtype F32 needs 8 (2 elements of 4 "
        "bytes)"}},
      {"offsets outside the data",
       file_bytes("{" + entry("a", R"("dtype":"F32","shape":[2],"data_offsets":[8,16])") + "}",
                  eight),
       {"data_offsets [8, 16] lie outside the 8 bytes of data"}},
      {"a gap between tensors",
       file_bytes("{" + entry("a", R"("dtype":"F32","shape":[1],"data_offsets":[0,4])") + "," +
                      entry("b", R"("dtype":"F32","shape":[1],"data_offsets":[8,12])") + "}",
                  eight + "1234"),
       {"bytes [4, 8) of the data belong to no tensor", "before tensor 'b'"}},
      {"overlapping tensors",
       file_bytes("{" + entry("a", R"("dtype":"F32","shape":[2],"data_offsets":[0,8])") + "," +
                      entry("b", R"("dtype":"F32","shape":[1],"data_offsets":[4,8])") + "}",
                  eight),
       {"tensor 'b' (data_offsets [4, 8]) overlaps tensor 'a' (data_offsets [0, 8])"}},
      {"a gap at the start",
       file_bytes("{" + entry("a", R"("dtype":"F32","shape":[1],"data_offsets":[4,8])") + "}",
                  eight),
       {"bytes [0, 4) of the data belong to no tensor"}},
      {"trailing bytes",
       file_bytes(kF32Pair, eight + "xyz"),
       {"3 bytes follow the last tensor", "end at byte 8 of 11"}},
      {"a name given twice",
       file_bytes("{" + entry("a", R"("dtype":"F32","shape":[1],"data_offsets":[0,4])") + "," +
                      entry("a", R"("dtype":"F32","shape":[1],"data_offsets":[4,8])") + "}",
                  eight),
       {"names 'a' twice"}},
      {"metadata not an object",
       file_bytes(R"({"__metadata__":["x"],)" + kF32Pair.substr(1), eight),
       {"\"__metadata__\" must be an object of strings, found [\"x\"]"}},
      {"metadata value not a string",
       file_bytes(R"({"__metadata__":{"epoch":3},)" + kF32Pair.substr(1), eight),
       {"\"__metadata__\" entry 'epoch' must be a string, found 3"}},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Corrupt& c = cases[i];
    SCOPED_TRACE(c.what);
    const std::string path = (dir / ("bad" + std::to_string(i) + ".safetensors")).string();
    write_bytes(path, c.bytes);
    EXPECT_THROW(nabla::load(path), std::runtime_error);
    const std::string m = message_of([&] { nabla::load(path); });
    EXPECT_THAT(m, HasSubstr("nabla::load: '" + path + "': "));
    for (const std::string& part : c.expected) EXPECT_THAT(m, HasSubstr(part));
    // load_metadata checks the header as strictly.
    EXPECT_THROW(nabla::load_metadata(path), std::runtime_error);
  }
}

namespace {

// A metadata entry "k<i>":"v", and a comma.
std::string fmt_key(int i) {
  return "\"k" + std::to_string(i) + "\":\"v\",";
}

// `depth` nested JSON arrays: [[[...]]].
std::string nested(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

}  // namespace

TEST(Io, DeeplyNestedHeadersAreRejectedWithoutRecursion) {
  // 10^5 levels (a 200 KB file) overflowed the stack when nlohmann-json dumped the value for
  // a message; the reader refuses any header nested deeper than 64 levels before parsing.
  const fs::path dir = test_dir();
  const std::string deep = nested(100'000);
  struct Case {
    std::string what, header, depth;
  };
  const std::vector<Case> cases{
      {"entry", R"({"a":)" + deep + "}", "100001"},
      {"metadata", R"({"__metadata__":)" + deep + "}", "100001"},
      {"dtype", R"({"a":{"dtype":)" + deep + R"(,"shape":[],"data_offsets":[0,0]}})", "100002"},
      {"unbalanced", R"({"a":)" + std::string(100'000, '['), "100001"},
  };
  for (const auto& [what, header, depth] : cases) {
    SCOPED_TRACE(what);
    const std::string path = (dir / (what + ".safetensors")).string();
    write_bytes(path, file_bytes(header, ""));
    const std::string m = message_of([&] { nabla::load(path); });
    EXPECT_THAT(m, HasSubstr("nabla::load: '" + path + "': the header nests arrays and objects " +
                             depth + " levels deep, more than the 64 levels nabla reads"));
    EXPECT_THAT(m, HasSubstr("level 65 opens at byte"));
    EXPECT_THROW(nabla::load_metadata(path), std::runtime_error);
    nn::Sequential model = mlp(1);
    EXPECT_THROW(nabla::load(model, path), std::runtime_error);
  }
}

TEST(Io, NestingUpToTheLimitAndBracketsInStringsAreRead) {
  const fs::path dir = test_dir();
  const std::string data = le(1.5f);
  // The header (1), the entry (2) and 62 levels of an extra key's value make 64.
  auto with_extra = [&](std::size_t levels) {
    return file_bytes(
        R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":)" + nested(levels) + "}}",
        data);
  };
  write_bytes(dir / "64.safetensors", with_extra(62));
  EXPECT_EQ(nabla::load((dir / "64.safetensors").string()).at(0).second.to_vector(),
            std::vector<double>{1.5});
  write_bytes(dir / "65.safetensors", with_extra(63));
  EXPECT_THAT(message_of([&] { nabla::load((dir / "65.safetensors").string()); }),
              HasSubstr("65 levels deep, more than the 64 levels"));
  // Brackets and escaped quotes inside strings are text, not nesting.
  const std::string text = std::string(100'000, '[') + R"(\"{{\\)";
  write_bytes(dir / "strings.safetensors",
              file_bytes(R"({"__metadata__":{"k":")" + text +
                             R"("},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                         data));
  EXPECT_EQ(nabla::load_metadata((dir / "strings.safetensors").string()).at("k"),
            std::string(100'000, '[') + "\"{{\\");
}

TEST(Io, EmptyTensorsKeepTheHeadersOrderAndManyKeysParseInLinearTime) {
  const fs::path dir = test_dir();
  // Three empty tensors tie at data_offsets [0, 0]: the header's order decides, not the names'.
  write_bytes(dir / "ties.safetensors",
              file_bytes(R"({"z":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},)"
                         R"("a":{"dtype":"F64","shape":[0,3],"data_offsets":[0,0]},)"
                         R"("m":{"dtype":"F32","shape":[2,0],"data_offsets":[0,0]}})",
                         ""));
  const nn::NamedTensors t = nabla::load((dir / "ties.safetensors").string());
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].first, "z");
  EXPECT_EQ(t[1].first, "a");
  EXPECT_EQ(t[2].first, "m");
  EXPECT_EQ(t[2].second.shape(), (nabla::Shape{2, 0}));
  // 100000 metadata entries (1.6 MB): parsing into an insertion-ordered JSON object does a
  // linear search per key (80000 keys took 20 s); std::map objects take milliseconds.
  std::string header = R"({"__metadata__":{)";
  for (int i = 0; i < 100'000; ++i) header += fmt_key(i);
  header.back() = '}';
  header += "}";
  write_bytes(dir / "keys.safetensors", file_bytes(header, ""));
  const nabla::Metadata m = nabla::load_metadata((dir / "keys.safetensors").string());
  EXPECT_EQ(m.size(), 100'000u);
  EXPECT_EQ(m.at("k99999"), "v");
}

TEST(Io, MissingFilesAndDirectoriesAreNotRead) {
  const fs::path dir = test_dir();
  EXPECT_THAT(message_of([&] { nabla::load((dir / "nope.safetensors").string()); }),
              AllOf(HasSubstr("nope.safetensors"), HasSubstr("cannot open it"),
                    HasSubstr("No such file or directory")));
  EXPECT_THAT(message_of([&] { nabla::load(dir.string()); }), HasSubstr("not a regular file"));
}

// ---- saving safely ---------------------------------------------------------------------

TEST(Io, SaveRejectsBadNamesAndUndefinedTensorsBeforeWriting) {
  const fs::path dir = test_dir();
  const std::string path = (dir / "t.safetensors").string();
  const Tensor t = nabla::zeros({2});
  auto rejects = [&](const nn::NamedTensors& tensors, const std::string& part) {
    SCOPED_TRACE(part);
    EXPECT_THROW(nabla::save(tensors, path), std::invalid_argument);
    EXPECT_THAT(message_of([&] { nabla::save(tensors, path); }),
                AllOf(HasSubstr(path), HasSubstr(part)));
  };
  rejects({{"a", t}, {"b", t}, {"a", t}}, "tensor name 'a' appears twice");
  rejects({{"", t}}, "tensor 0 has an empty name");
  rejects({{"__metadata__", t}}, "starts with \"__metadata__\"");
  rejects({{"__metadata__.x", t}}, "starts with \"__metadata__\"");
  rejects({{"a", t}, {"b", Tensor()}}, "tensor 'b' is undefined");
  rejects({{"\xff", t}}, "not valid UTF-8");
  EXPECT_THAT(message_of([&] {
                nabla::save({{"a", t}}, path, {{"k", "\xc3"}});
              }),
              HasSubstr("metadata entry 'k' is not valid UTF-8"));
  EXPECT_TRUE(files_in(dir).empty());
}

TEST(Io, FailedSavesLeaveTheOldFileAndNoTemporaryFiles) {
  const fs::path dir = test_dir();
  const nn::NamedTensors tensors{{"w", nabla::ones({256})}};

  // The directory does not exist.
  const std::string nowhere = (dir / "missing" / "t.safetensors").string();
  EXPECT_THROW(nabla::save(tensors, nowhere), std::runtime_error);
  EXPECT_THAT(message_of([&] { nabla::save(tensors, nowhere); }),
              AllOf(HasSubstr("nabla::save: cannot write '" + nowhere + "'"),
                    HasSubstr("No such file or directory")));

  // The path is a directory: the temporary file is written, the rename fails.
  fs::create_directory(dir / "a_directory");
  const std::string directory = (dir / "a_directory").string();
  EXPECT_THAT(message_of([&] { nabla::save(tensors, directory); }),
              AllOf(HasSubstr(directory), HasSubstr("Is a directory"), HasSubstr("renaming")));
  EXPECT_TRUE(fs::is_empty(dir / "a_directory"));

  // The disk fills up halfway through the data (a file size limit stands in for a full
  // disk): the previous file stays as it was.
  const fs::path path = dir / "model.safetensors";
  nabla::save({{"w", nabla::zeros({4})}}, path.string());
  const std::string old_bytes = read_bytes(path);
  rlimit old_limit{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  rlimit small = old_limit;
  small.rlim_cur = 512;  // the header fits, the 1024 bytes of data do not
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  const std::string m = message_of([&] { nabla::save(tensors, path.string()); });
  setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_THAT(m, AllOf(HasSubstr(path.string()), HasSubstr("File too large"),
                       HasSubstr("writing the temporary file")));
  EXPECT_EQ(read_bytes(path), old_bytes);
  EXPECT_EQ(nabla::load(path.string())[0].second.to_vector(), std::vector<double>(4, 0.0));

  // Only what the test made remains: no "<path>.tmp-*" files anywhere.
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{"a_directory", "model.safetensors"}));

  // And a successful save replaces the file.
  nabla::save(tensors, path.string());
  EXPECT_EQ(nabla::load(path.string())[0].second.shape(), (nabla::Shape{256}));
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{"a_directory", "model.safetensors"}));
}
