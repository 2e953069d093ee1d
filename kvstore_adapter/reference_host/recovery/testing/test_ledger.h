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
  std::filesystem::path dir;  // the ledger goes to dir / "ledger"
  Version entries = 0;        // versions 1..entries
  // Each of these entries rotates to a new secret; the entry itself is still
  // under the old one.
  std::set<Version> rotate_at;
  uint64_t max_chunk_bytes = ledger::kDefaultMaxChunkBytes;
};

struct TestLedger {
  std::filesystem::path ledger_dir;
  std::vector<SecretBytes> chain;  // chain[i] is ledger secret version i + 1
  uint64_t latest_version = 0;     // chain.size()
  SecretBytes latest;              // a copy of chain.back()
  // Entry v writes "k<v>" = "v<v>" to table "app.private".
  std::map<std::string, std::string> expected;
};

// Writes the ledger as node "n0" of service "old-service", starting with
// secret 1. The store the state machine writes to is removed afterwards, so
// `dir` holds only the ledger. Errors: any failure to write it.
Result<TestLedger> WriteTestLedger(const TestLedgerOptions& options);

}  // namespace ledgerseal::kv::testing

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RECOVERY_TESTING_TEST_LEDGER_H_
