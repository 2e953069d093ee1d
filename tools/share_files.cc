#include "tools/share_files.h"

#include <openssl/crypto.h>

#include <filesystem>
#include <iostream>
#include <string>

#include "plugin/local_sealing/public/local_sealing.h"
#include "plugin/local_sealing/public/shares_inbox.h"
#include "plugin/public/recovery_shares.h"
#include "tools/file_io.h"

namespace ledgerseal::tools {

namespace fs = std::filesystem;

kv::Status RegisterAwaitedShares(std::string_view command, uint64_t wait_s, const std::atomic<bool>* stop,
                                 kv::HookRegistry& hooks, kv::node::RecoveryInput& input) {
  auto inbox = std::make_shared<sealing::SharesInbox>(wait_s * 1000, stop);
  std::string prefix = "ledgerseal " + std::string(command) + ": ";
  if (auto s = hooks.RegisterRecoveryHook(
          "recovery-shares-submitted",
          sealing::NewAwaitingRecoverySharesHook(inbox, [prefix](std::string_view line) {
            std::cerr << prefix << line << "\n";
          }));
      !s) {
    return s;
  }
  input.submit = [inbox](std::string_view text) { return inbox->Submit(text); };
  input.progress = [inbox] { return inbox->Progress(); };
  input.close = [inbox] { inbox->Close("the recovery has ended"); };
  return {};
}

kv::Status RegisterShareFiles(std::string_view command, const std::vector<std::string>& files,
                              kv::HookRegistry& hooks) {
  std::vector<recovery::MemberShareFile> shares;
  for (const fs::path f : files) {
    if (f.empty()) continue;
    std::string why;
    auto read = ReadSmallFile(f, why);
    if (!read) return kv::MakeError(kv::ErrorCode::kInvalidArgument, "share file: " + why);
    std::string text = std::move(*read);
    auto share = recovery::DecodeMemberShareFile(text);
    OPENSSL_cleanse(text.data(), text.size());
    if (!share) return kv::MakeError(kv::ErrorCode::kInvalidArgument, f.string() + ": " + share.error().ToString());
    shares.push_back(std::move(*share));
  }
  if (shares.empty()) return kv::MakeError(kv::ErrorCode::kInvalidArgument, "--shares needs FILE[,FILE...]");
  std::string prefix = "ledgerseal " + std::string(command) + ": ";
  return hooks.RegisterRecoveryHook("recovery-shares",
                                    sealing::NewRecoverySharesHook(std::move(shares), [prefix](std::string_view line) {
                                      std::cerr << prefix << line << "\n";
                                    }));
}

}  // namespace ledgerseal::tools
