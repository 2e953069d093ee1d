#include "plugin/vectors/vector_file.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ledgerseal::vectors {
namespace {

std::filesystem::path RunfilesRoot() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr || workspace == nullptr) return ".";
  return std::filesystem::path(srcdir) / workspace;
}

}  // namespace

Result<VectorFile> LoadVectorFile(std::string_view workspace_path) {
  const std::filesystem::path path = RunfilesRoot() / workspace_path;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail("cannot open " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  VectorFile file{text.str(), {}};
  file.cases = Json::parse(file.text, nullptr, /*allow_exceptions=*/false);
  if (file.cases.is_discarded()) return Fail(path.string() + " is not valid JSON");
  const bool shaped = workspace_path != kVectorFile
                          ? file.cases.is_object() && file.cases["shares"].is_array() &&
                                file.cases["endorsements"].is_array()
                          : file.cases.is_array();
  if (!shaped) return Fail(path.string() + " does not have the shape of its format");
  return file;
}

}  // namespace ledgerseal::vectors
