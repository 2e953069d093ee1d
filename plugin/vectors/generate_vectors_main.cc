// Writes the conformance vectors testdata/vectors/sealing_v3.json (test keys
// only; see testdata/vectors/README.md). sealing_v1.json and sealing_v2.json
// are no longer written: format 3 cannot write them, and they stay as input
// that it refuses.
//
//   bazel run //plugin/vectors:generate_vectors                # into the workspace
//   bazel run //plugin/vectors:generate_vectors -- --out PATH  # elsewhere
//
// Recovery keys, ECIES ephemeral keys and ECDSA signatures differ on every run
// (OpenSSL's DRBG), so a regenerated file differs from the checked-in one;
// everything else is reproducible and checked by
// //plugin/vectors:sealing_vectors_v3_test.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "plugin/vectors/case_spec.h"
#include "plugin/vectors/endorsement_case.h"
#include "plugin/vectors/generate_case.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/result.h"
#include "snp/public/virtual_platform.h"

namespace ledgerseal::vectors {
namespace {

constexpr std::string_view kDefaultRelativePath = "testdata/vectors/sealing_v3.json";
constexpr std::string_view kUsage =
    "usage: generate_vectors [--out PATH]\n"
    "Writes the sealing conformance vectors (JSON). Without --out, writes\n"
    "$BUILD_WORKSPACE_DIRECTORY/testdata/vectors/sealing_v3.json (set by `bazel run`).\n";

// `bazel run` starts the binary in its runfiles tree; BUILD_WORKSPACE_DIRECTORY
// names the workspace the user ran it from.
Result<std::filesystem::path> OutputPath(int argc, char** argv) {
  if (argc == 3 && std::string_view(argv[1]) == "--out") return std::filesystem::path(argv[2]);
  if (argc != 1) return Fail(std::string(kUsage));
  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  if (workspace == nullptr || *workspace == '\0') {
    return Fail("not started by `bazel run`: pass --out PATH\n" + std::string(kUsage));
  }
  return std::filesystem::path(workspace) / kDefaultRelativePath;
}

void Report(std::string_view id, const Json& json) {
  std::fprintf(stderr, "  %-45s %s %s\n", std::string(id).c_str(), json["expect"].get<std::string>().c_str(),
               json.contains("error") ? json["error"].get<std::string>().c_str() : "");
}

// {"shares": [...], "endorsements": [...]}: the two kinds of case have
// different fields (testdata/vectors/README.md).
Result<Json> GenerateAll() {
  Json shares = Json::array();
  for (const CaseSpec& spec : AllCaseSpecs()) {
    auto json = GenerateCase(spec);
    if (!json) return Fail(json.error());
    Report(spec.id, *json);
    shares.push_back(std::move(*json));
  }
  Json endorsements = Json::array();
  for (const EndorsementSpec& spec : AllEndorsementSpecs()) {
    auto json = GenerateEndorsementCase(spec);
    if (!json) return Fail(json.error());
    Report(spec.id, *json);
    endorsements.push_back(std::move(*json));
  }
  Json out;
  out["shares"] = std::move(shares);
  out["endorsements"] = std::move(endorsements);
  return out;
}

// Writes next to `path`, then renames, so a failed run leaves the old file.
Result<void> WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return Fail("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, path, error);
  if (error) return Fail("cannot rename to " + path.string() + ": " + error.message());
  return {};
}

int Run(int argc, char** argv) {
  auto path = OutputPath(argc, argv);
  if (!path) {
    std::fputs(path.error().c_str(), stderr);
    return 2;
  }
  std::fprintf(stderr, "%s\n", std::string(snp::kInsecureBanner).c_str());
  auto cases = GenerateAll();
  if (!cases) {
    std::fprintf(stderr, "generate_vectors: %s\n", cases.error().c_str());
    return 1;
  }
  const std::string text = cases->dump(2) + "\n";
  if (auto s = WriteFile(*path, text); !s) {
    std::fprintf(stderr, "generate_vectors: %s\n", s.error().c_str());
    return 1;
  }
  std::fprintf(stderr, "wrote %zu + %zu cases, %zu bytes, to %s\n", (*cases)["shares"].size(),
               (*cases)["endorsements"].size(), text.size(), path->c_str());
  return 0;
}

}  // namespace
}  // namespace ledgerseal::vectors

int main(int argc, char** argv) { return ledgerseal::vectors::Run(argc, argv); }
