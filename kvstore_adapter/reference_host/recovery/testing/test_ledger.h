// TEST ONLY: a ledger for the recovery tests, written through the real
// LedgerStateMachine.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_TESTING_TEST_LEDGER_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_TESTING_TEST_LEDGER_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv::testing {

struct TestLedgerOptions {
  std::filesystem::path dir{};  // the ledger goes to dir / "ledger"
  Version entries = 0;        // versions 1..entries
  // Each of these entries rotates to a new secret; the entry itself is still
  // under the old one.
  std::set<Version> rotate_at{};
  uint64_t max_chunk_bytes = ledger::kDefaultMaxChunkBytes;
  // The service records (docs/SERVICE_IDENTITY.md §5), and ways to break them.
  bool genesis_identity = true;  // false: a format 1 genesis record (no identity)
  // Non-zero: entry `successor_at` starts a successor service (as a
  // recovery's first transaction does: new key, record endorsed by the old).
  Version successor_at = 0;
  enum class Flaw { kNone, kWrongTailDigest, kSelfEndorsed };
  Flaw successor_flaw = Flaw::kNone;
  // Non-zero: this entry's header claims another service.
  Version foreign_service_at = 0;
  // Non-zero (> 1): a genuine sibling is spliced in at this version: a
  // second entry written for it (same header and secret, chained to the
  // same entry before, authentic; it writes "k<v>" = "sibling<v>"), as a
  // proposal that lost its version race would be. The ledger files hold the
  // sibling in place of the entry that was applied, and every later entry
  // as written (chained to the applied one).
  Version sibling_at = 0;
};

struct TestLedger {
  std::filesystem::path ledger_dir;
  std::vector<SecretBytes> chain;  // chain[i] is ledger secret version i + 1
  uint64_t latest_version = 0;     // chain.size()
  SecretBytes latest;              // a copy of chain.back()
  // Entry v writes "k<v>" = "v<v>" to table "app.private".
  std::map<std::string, std::string> expected;
  // The last service (a fresh identity per ledger; entry 1 is its genesis,
  // entry successor_at its successor's start), and the first.
  std::string service_id;
  std::string genesis_service_id;
};

// Writes the ledger as node "n0" of a new service (entry 1 holds its
// genesis record and identity key), starting with secret 1. The store the state machine writes to is removed afterwards, so
// `dir` holds only the ledger. Errors: any failure to write it.
Result<TestLedger> WriteTestLedger(const TestLedgerOptions& options);

}  // namespace ledgerseal::kv::testing

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_TESTING_TEST_LEDGER_H_
