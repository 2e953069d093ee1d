#include "tools/share_files.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <iostream>
#include <string>

#include "plugin/local_sealing/public/local_sealing.h"
#include "plugin/public/recovery_shares.h"
#include "tools/file_io.h"

namespace ledgerseal::tools {

namespace fs = std::filesystem;

std::optional<std::vector<fs::path>> ShareFileList(std::string_view command, std::string_view value) {
  std::vector<fs::path> files;
  for (size_t start = 0; start <= value.size();) {
    const size_t comma = std::min(value.find(',', start), value.size());
    if (comma > start) files.emplace_back(std::string(value.substr(start, comma - start)));
    start = comma + 1;
  }
  if (files.empty()) {
    std::cerr << "ledgerseal " << command << ": option --shares needs FILE[,FILE...]\n";
    return std::nullopt;
  }
  return files;
}

kv::Status RegisterShareFiles(std::string_view command, const std::vector<fs::path>& files,
                              kv::HookRegistry& hooks) {
  std::vector<recovery::MemberShareFile> shares;
  for (const auto& f : files) {
    std::string why;
    auto read = ReadSmallFile(f, why);
    if (!read) return kv::MakeError(kv::ErrorCode::kInvalidArgument, "share file: " + why);
    std::string text = std::move(*read);
    auto share = recovery::DecodeMemberShareFile(text);
    OPENSSL_cleanse(text.data(), text.size());
    if (!share) return kv::MakeError(kv::ErrorCode::kInvalidArgument, f.string() + ": " + share.error().ToString());
    shares.push_back(std::move(*share));
  }
  std::string prefix = "ledgerseal " + std::string(command) + ": ";
  return hooks.RegisterRecoveryHook("recovery-shares",
                                    sealing::NewRecoverySharesHook(std::move(shares), [prefix](std::string_view line) {
                                      std::cerr << prefix << line << "\n";
                                    }));
}

}  // namespace ledgerseal::tools
