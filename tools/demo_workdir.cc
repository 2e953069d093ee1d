#include "tools/demo_workdir.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace ledgerseal::tools {

namespace fs = std::filesystem;

std::optional<WorkDir> PrepareWorkDir(const std::string& dir, std::string& error) {
  WorkDir w;
  std::error_code ec;
  if (dir.empty()) {
    std::string tmpl = (fs::temp_directory_path(ec) / "ledgerseal-demo-XXXXXX").string();
    if (ec || ::mkdtemp(tmpl.data()) == nullptr) {
      error = "cannot create a temporary directory: " + std::string(std::strerror(errno));
      return std::nullopt;
    }
    w.root = tmpl;
    w.created = true;
    return w;
  }
  w.root = dir;
  const auto status = fs::status(w.root, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    error = "--dir " + dir + ": " + ec.message();
    return std::nullopt;
  }
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) {
      error = "--dir " + dir + " exists and is not a directory";
      return std::nullopt;
    }
    for (fs::directory_iterator it(w.root, ec), end; !ec && it != end; it.increment(ec)) {
      w.existing.insert(it->path());
    }
    if (ec) {
      error = "--dir " + dir + ": cannot list it: " + ec.message();
      return std::nullopt;
    }
  } else {
    if (!fs::create_directories(w.root, ec) || ec) {
      error = "--dir " + dir + ": cannot create it: " + (ec ? ec.message() : std::string("unknown error"));
      return std::nullopt;
    }
    w.created = true;
  }
  if (::access(w.root.c_str(), W_OK | X_OK) != 0) {
    error = "--dir " + dir + ": cannot write in it: " + std::string(std::strerror(errno));
    return std::nullopt;
  }
  return w;
}

void RemoveWhatTheDemoCreated(const WorkDir& w) {
  std::error_code ec;
  if (w.created) {
    fs::remove_all(w.root, ec);
    return;
  }
  std::vector<fs::path> added;
  for (fs::directory_iterator it(w.root, ec), end; !ec && it != end; it.increment(ec)) {
    if (!w.existing.contains(it->path())) added.push_back(it->path());
  }
  for (const auto& path : added) fs::remove_all(path, ec);
}

}  // namespace ledgerseal::tools
