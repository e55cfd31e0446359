// docs/ops.md is generated from the op files and the registry, and this test keeps it so:
// every file under ops/ opens with its op's contract (forward, backward, saves, shapes),
// one row per file, with whether the registry sweep gradchecks it. When an op changes, run
// tools/opdocs (NABLA_WRITE_OPS_MD=1 with this test) to rewrite the file.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nabla/registry.hpp>

namespace {

namespace fs = std::filesystem;

struct OpDoc {
  std::string name, summary;
  std::map<std::string, std::string> fields;  // forward, backward, saves, shapes
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(' ');
  const auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The opening comment of an op file: "// name: summary" then "//   field: text" lines,
// continued by more deeply indented comment lines.
OpDoc parse(const fs::path& file) {
  std::ifstream in(file);
  std::string line, field;
  OpDoc doc;
  bool first = true;
  while (std::getline(in, line) && line.rfind("//", 0) == 0) {
    const std::string body = line.substr(2);
    if (first) {
      const auto colon = body.find(':');
      doc.name = trim(body.substr(0, colon));
      doc.summary = colon == std::string::npos ? "" : trim(body.substr(colon + 1));
      first = false;
      continue;
    }
    const auto colon = body.find(':');
    const std::string key = colon == std::string::npos ? "" : trim(body.substr(0, colon));
    if (body.rfind("   ", 0) == 0 && body.rfind("    ", 0) != 0 && !key.empty() &&
        key.find(' ') == std::string::npos) {
      field = key;
      doc.fields[field] = trim(body.substr(colon + 1));
    } else if (!field.empty()) {
      doc.fields[field] += " " + trim(body);
    } else {
      doc.summary += " " + trim(body);
    }
  }
  return doc;
}

std::string cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else out += c;
  }
  return out.empty() ? "—" : out;
}

std::string generate() {
  std::vector<OpDoc> docs;
  for (const auto& entry : fs::directory_iterator(fs::path(NABLA_SOURCE_DIR) / "ops")) {
    if (entry.path().extension() == ".cpp") docs.push_back(parse(entry.path()));
  }
  std::sort(docs.begin(), docs.end(),
            [](const OpDoc& a, const OpDoc& b) { return a.name < b.name; });
  const auto& registry = nabla::op_registry();
  std::ostringstream md;
  md << "# Ops\n\n"
     << "Generated from the opening comment of each file under `ops/` and from the op registry\n"
     << "by `tools/opdocs`; the test suite fails when this file and the sources disagree.\n"
     << "g is the gradient of the loss with respect to the op's result. *Swept* ops are in\n"
     << "the registry: the suite gradchecks and gradgradchecks them in float64 over their\n"
     << "samples, contiguous and as views (`nabla-gradcheck --list` names their samples).\n\n"
     << "| op | what | forward | backward | saves | shapes and dtypes | swept |\n"
     << "|---|---|---|---|---|---|---|\n";
  for (const OpDoc& d : docs) {
    const auto field = [&](const char* k) {
      auto it = d.fields.find(k);
      return cell(it == d.fields.end() ? "" : it->second);
    };
    const bool swept = registry.find(d.name) != nullptr;
    md << "| `" << d.name << "` | " << cell(d.summary) << " | " << field("forward") << " | "
       << field("backward") << " | " << field("saves") << " | " << field("shapes") << " | "
       << (swept ? "yes" : "no") << " |\n";
  }
  return md.str();
}

TEST(OpDocs, EveryOpFileOpensWithItsContract) {
  for (const auto& entry : fs::directory_iterator(fs::path(NABLA_SOURCE_DIR) / "ops")) {
    if (entry.path().extension() != ".cpp") continue;
    const OpDoc d = parse(entry.path());
    SCOPED_TRACE(entry.path().filename().string());
    EXPECT_EQ(d.name, entry.path().stem().string()) << "the comment's first word names the op";
    for (const char* k : {"forward", "backward", "saves", "shapes"})
      EXPECT_TRUE(d.fields.count(k)) << "no '" << k << "' line";
  }
}

TEST(OpDocs, DocsOpsMdIsUpToDate) {
  const fs::path path = fs::path(NABLA_SOURCE_DIR) / "docs" / "ops.md";
  const std::string expected = generate();
  if (std::getenv("NABLA_WRITE_OPS_MD") != nullptr) {
    std::ofstream(path) << expected;
    GTEST_SKIP() << "wrote " << path;
  }
  std::ifstream in(path);
  std::stringstream have;
  have << in.rdbuf();
  EXPECT_EQ(have.str(), expected) << path << " is out of date: run tools/opdocs";
}

}  // namespace
