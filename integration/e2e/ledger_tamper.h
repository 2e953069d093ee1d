// TEST ONLY: rewrites entries of a node's ledger files, with valid frames and
// checksums, so that tampering reaches the layers above the file format.
#ifndef LEDGERSEAL_INTEGRATION_E2E_LEDGER_TAMPER_H_
#define LEDGERSEAL_INTEGRATION_E2E_LEDGER_TAMPER_H_

#include <filesystem>
#include <functional>
#include <optional>

#include "kvstore_adapter/public/types.h"
#include "plugin/proto/sealing.pb.h"

namespace ledgerseal::e2e {

// Calls `edit` with the sealed-shares record (the signed envelope) of every
// entry that carries one (newest first); `edit` returns true once it changed
// the record, which is then written back into that entry's public part and
// the ledger rewritten. Errors: kNotFound (no record was edited), others
// from the ledger files.
kv::Status EditSharesRecord(const std::filesystem::path& ledger_dir,
                            const std::function<bool(uint64_t version, sealing::v1::SignedSealedShares&)>& edit);

// Edits the body of the newest record and keeps its signature (which then
// no longer verifies): what a host without the service key can do.
kv::Status EditSharesBody(const std::filesystem::path& ledger_dir,
                          const std::function<void(sealing::v1::SealedShares&)>& edit);

// The sealed-shares record of the `n`-th newest entry that carries one.
std::optional<sealing::v1::SignedSealedShares> SharesRecord(const std::filesystem::path& ledger_dir, int n);

// Flips one bit of the `sealing.recovery_keys` value of `identity` in the
// newest entry that writes it. Errors: kNotFound.
kv::Status FlipRecoveryKeyRecord(const std::filesystem::path& ledger_dir, const std::string& identity);

}  // namespace ledgerseal::e2e

#endif  // LEDGERSEAL_INTEGRATION_E2E_LEDGER_TAMPER_H_
