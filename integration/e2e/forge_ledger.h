// TEST ONLY: the forger of issue 11, as an attacker with every byte of every
// disk (and no hardware key, no node memory) would build it. It reads a
// node's ledger only through the public path everyone has (LedgerView, and
// entry::DecodePublic: the clear public writes), copies the records it needs,
// and writes a new ledger of its own entries, sealed under a ledger secret
// it chose. It never reads a node's memory, store or private writes.
#ifndef LEDGERSEAL_INTEGRATION_E2E_FORGE_LEDGER_H_
#define LEDGERSEAL_INTEGRATION_E2E_FORGE_LEDGER_H_

#include <filesystem>
#include <string>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/public/write_set.h"

namespace ledgerseal::e2e {

// What a node's ledger gives away in the clear (newest value of each).
struct PublicCopy {
  kv::Bytes recovery_key;             // sealing.recovery_keys[sealing_identity]
  kv::Bytes node_record;              // ledger.nodes[node_id]
  kv::Bytes genesis_service_record;   // ledger.service at version 1
  kv::Bytes newest_shares;            // sealing.shares (the genuine newest record)
  kv::Version newest_shares_version = 0;
  kv::Version last_version = 0;
};

// Reads the public records of `node_id` / `sealing_identity` from
// `ledger_dir`. Errors: kNotFound (a record is missing), the files' errors.
kv::Result<PublicCopy> CopyPublicRecords(const std::filesystem::path& ledger_dir, const std::string& node_id,
                                         const std::string& sealing_identity);

// Replaces `ledger_dir` with a ledger of `entries` (versions 1..n), each
// sealed under `secret` (ledger secret version 1; the first entry flagged as
// the genesis rotation) and claiming service `service_id`.
kv::Status WriteForgedLedger(const std::filesystem::path& ledger_dir, const std::string& service_id,
                             const kv::SecretBytes& secret, const std::vector<kv::WriteSet>& entries);

}  // namespace ledgerseal::e2e

#endif  // LEDGERSEAL_INTEGRATION_E2E_FORGE_LEDGER_H_
