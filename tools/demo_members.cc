#include "tools/demo_members.h"

#include <sys/wait.h>

#include <cstdio>

namespace ledgerseal::tools {

namespace fs = std::filesystem;

std::pair<int, std::string> RunSelf(const fs::path& binary, const std::string& args) {
  const std::string cmd = "'" + binary.string() + "' " + args + " 2>&1";
  std::string output;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return {-1, "cannot run " + binary.string()};
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof(buf), p)) > 0;) output.append(buf, n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

kv::Result<std::vector<std::pair<std::string, fs::path>>> MakeDemoMembers(const fs::path& binary,
                                                                          const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return kv::MakeError(kv::ErrorCode::kIoError, "cannot create " + dir.string() + ": " + ec.message());
  std::vector<std::pair<std::string, fs::path>> members;
  for (const char* name : kDemoMembers) {
    auto [code, output] = RunSelf(binary, "operator keygen --out '" + (dir / name).string() + "'");
    if (code != 0) return kv::MakeError(kv::ErrorCode::kInternal, "operator keygen: " + output);
    members.emplace_back(name, dir / (std::string(name) + ".pub.pem"));
  }
  return members;
}

kv::Result<std::vector<fs::path>> DecryptDemoShares(const fs::path& binary, const fs::path& dir,
                                                    const fs::path& data_dir, const std::vector<std::string>& names) {
  std::vector<fs::path> files;
  for (const auto& name : names) {
    const fs::path share = dir / (name + ".share");
    auto [code, output] = RunSelf(binary, "operator decrypt-share --key '" + (dir / (name + ".key.pem")).string() +
                                              "' --ledger '" + data_dir.string() + "' --out '" + share.string() + "'");
    if (code != 0) return kv::MakeError(kv::ErrorCode::kInternal, "operator decrypt-share (" + name + "): " + output);
    files.push_back(share);
  }
  return files;
}

}  // namespace ledgerseal::tools
