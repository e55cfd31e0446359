#pragma once
// A tiny command-line parser for the examples: `--name VALUE` (or `--name=VALUE`) options
// bound to variables, `--flag` switches, and `--help`.
//
//     std::int64_t epochs = 5;
//     examples::Cli cli("fashion_mnist", "Trains a classifier on Fashion-MNIST.");
//     cli.option("epochs", epochs, "passes over the training set");
//     cli.parse(argc, argv);   // exits 0 after --help, 2 on a bad command line
//
// Usage lists every option with its default (the variable's value when it was bound).
// An unknown option, a missing or malformed value, or a stray argument prints what is
// wrong and the usage to stderr and exits with status 2, as command-line tools do.
//
// check_writable() checks an output path given on the command line before the long work
// starts, so that a typo in `--save` fails at once rather than after training.

#include <unistd.h>  // access (POSIX)

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace examples {

class Cli {
 public:
  Cli(std::string program, std::string description)
      : program_(std::move(program)), description_(std::move(description)) {}

  /// `--name VALUE` sets `target`, an integer, a floating-point number or a string. The
  /// usage calls the value `value_name` ("N", "X" or "TEXT" by the type when not given).
  template <class T>
  Cli& option(const std::string& name, T& target, const std::string& help,
              const char* value_name = nullptr) {
    static_assert(std::is_same_v<T, std::int64_t> || std::is_same_v<T, double> ||
                      std::is_same_v<T, std::string>,
                  "Cli options are std::int64_t, double or std::string");
    entries_.push_back({name, help, value_name != nullptr ? value_name : default_value_name<T>(),
                        fmt::format("{}", target), &target});
    return *this;
  }

  /// `--name` sets `target` to true.
  Cli& flag(const std::string& name, bool& target, const std::string& help) {
    entries_.push_back({name, help, "", "", &target});
    return *this;
  }

  /// Parses the command line into the bound variables. Exits the process with status 0
  /// after printing the usage for --help (or -h), and with status 2 after printing an
  /// error and the usage to stderr for anything it does not understand.
  void parse(int argc, char** argv) const {
    for (int i = 1; i < argc; ++i) {
      std::string_view arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        std::fputs(usage().c_str(), stdout);
        std::exit(0);
      }
      if (!arg.starts_with("--")) fail(fmt::format("unexpected argument '{}'", arg));
      arg.remove_prefix(2);
      std::string_view name = arg;
      std::optional<std::string_view> inline_value;
      if (const auto eq = arg.find('='); eq != std::string_view::npos) {
        name = arg.substr(0, eq);
        inline_value = arg.substr(eq + 1);
      }
      const Entry* entry = find(name);
      if (entry == nullptr) fail(fmt::format("unknown option '--{}'", name));
      if (auto* b = std::get_if<bool*>(&entry->target)) {
        if (inline_value) fail(fmt::format("option '--{}' takes no value", name));
        **b = true;
        continue;
      }
      std::string_view value;
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        fail(fmt::format("option '--{}' needs a value ({})", name, entry->value_name));
      }
      set(*entry, value);
    }
  }

  /// The usage text: a line of syntax, the description and one line per option.
  std::string usage() const {
    std::string text =
        fmt::format("usage: {} [options]\n\n{}\n\noptions:\n", program_, description_);
    for (const Entry& e : entries_) {
      const std::string left =
          e.value_name.empty() ? "--" + e.name : fmt::format("--{} {}", e.name, e.value_name);
      const std::string def = e.value_name.empty() || e.default_text.empty()
                                  ? ""
                                  : fmt::format(" (default: {})", e.default_text);
      text += fmt::format("  {:<22} {}{}\n", left, e.help, def);
    }
    text += fmt::format("  {:<22} {}\n", "--help", "print this help and exit");
    return text;
  }

  /// Prints `message` and the usage to stderr and exits with status 2: for values that
  /// parse but make no sense (`--epochs 0`), checked by the caller after parse().
  [[noreturn]] void fail(const std::string& message) const {
    std::fprintf(stderr, "%s: %s\n\n%s", program_.c_str(), message.c_str(), usage().c_str());
    std::exit(2);
  }

 private:
  using Target = std::variant<std::int64_t*, double*, std::string*, bool*>;
  struct Entry {
    std::string name, help, value_name, default_text;
    Target target;
  };

  template <class T>
  static const char* default_value_name() {
    if constexpr (std::is_same_v<T, std::int64_t>) {
      return "N";
    } else if constexpr (std::is_same_v<T, double>) {
      return "X";
    } else {
      return "TEXT";
    }
  }

  const Entry* find(std::string_view name) const {
    for (const Entry& e : entries_) {
      if (e.name == name) return &e;
    }
    return nullptr;
  }

  // Converts the whole of `value` to the entry's type, or fails naming the option.
  void set(const Entry& e, std::string_view value) const {
    const char* first = value.data();
    const char* last = value.data() + value.size();
    auto bad = [&](const char* expected) {
      fail(fmt::format("option '--{}' expects {}, got '{}'", e.name, expected, value));
    };
    if (auto* s = std::get_if<std::string*>(&e.target)) {
      **s = std::string(value);
    } else if (auto* n = std::get_if<std::int64_t*>(&e.target)) {
      const auto [ptr, ec] = std::from_chars(first, last, **n);
      if (value.empty() || ec != std::errc() || ptr != last) bad("an integer");
    } else if (auto* x = std::get_if<double*>(&e.target)) {
      const auto [ptr, ec] = std::from_chars(first, last, **x);
      if (value.empty() || ec != std::errc() || ptr != last) bad("a number");
    }
  }

  std::string program_, description_;
  std::vector<Entry> entries_;
};

/// Throws std::runtime_error naming `option` and `path` unless a file can be created at
/// `path`: its directory exists and is writable, and `path` itself is not a directory. An
/// empty path (no output wanted) passes.
inline void check_writable(std::string_view option, const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty()) return;
  const fs::path file(path);
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  auto cannot = [&](const std::string& why) {
    throw std::runtime_error(fmt::format("cannot write {} {}: {}", option, path, why));
  };
  std::error_code ec;  // the non-throwing overloads: a failed lookup reads as "not there"
  if (!fs::exists(dir, ec)) cannot(fmt::format("the directory {} does not exist", dir.string()));
  if (!fs::is_directory(dir, ec)) cannot(fmt::format("{} is not a directory", dir.string()));
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    cannot(fmt::format("the directory {} is not writable", dir.string()));
  }
  if (!file.has_filename() || fs::is_directory(file, ec)) cannot("it is a directory");
}

}  // namespace examples
