// INSECURE, FOR TESTS ONLY: a recovery hook that reads the latest ledger
// secret from a plain file. It exists so the host's recovery path can be
// tested end to end without the sealing plugin; a node only uses it when
// started with --insecure-test-secret-file, and says so loudly.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_PUBLIC_FILE_SECRET_HOOK_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_PUBLIC_FILE_SECRET_HOOK_H_

#include <filesystem>

#include "kvstore_adapter/public/hooks.h"

namespace ledgerseal::kv {

// File format: one line "<ledger secret version> <64 lowercase hex digits>".
// Written with mode 0600 by WriteSecretFile (replacing the previous content).
Status WriteSecretFile(const std::filesystem::path& path, uint64_t version, const SecretBytes& secret);

class FileSecretRecoveryHook : public RecoveryHook {
 public:
  explicit FileSecretRecoveryHook(std::filesystem::path path) : path_(std::move(path)) {}

  // kNotFound if the file does not exist; kCorruption if it does not parse.
  Result<RecoveredSecret> Unseal(const RecoveryContext& ctx) override;
  // Records nothing.
  Status OnRecovered(Transaction& tx, const RecoveredSecret& secret) override;

 private:
  std::filesystem::path path_;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_PUBLIC_FILE_SECRET_HOOK_H_
