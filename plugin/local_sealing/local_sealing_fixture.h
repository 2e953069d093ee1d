// TEST ONLY: the fixture of the local-sealing plugin's tests: three nodes on
// fake platforms with recovery keys bound to service key 1 (TEST KEY), the
// plugin for one of them, in-memory ledgers and transactions.
#ifndef LEDGERSEAL_PLUGIN_LOCAL_SEALING_LOCAL_SEALING_FIXTURE_H_
#define LEDGERSEAL_PLUGIN_LOCAL_SEALING_LOCAL_SEALING_FIXTURE_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kvstore_adapter/host_support/public/snapshot_transaction.h"
#include "kvstore_adapter/public/hooks.h"
#include "plugin/local_sealing/public/local_sealing.h"
#include "plugin/testing/sealed_nodes.h"
#include "plugin/testing/sealing_test_util.h"

namespace ledgerseal::sealing {

class LocalSealingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

  // The plugin of node i on its fake platform; `log` collects its lines;
  // `background` as LocalSealingOptions::background.
  static std::unique_ptr<LocalSealing> PluginFor(
      size_t i, bool fail_on_error = true, std::vector<std::string>* log = nullptr,
      std::function<void(std::function<void()>)> background = nullptr);

  static const std::string& Id(uint8_t key);

  // A sealing.shares value of service `key` for the first `node_count` nodes.
  static kv::Bytes SharesRecord(uint64_t secret_version, uint8_t secret_tag, size_t node_count = 3,
                                uint8_t key = 1);

  // `count` entries with an unrelated public write each.
  static void AddFiller(std::vector<kv::PublicEntry>& entries, size_t count);
  static void AddShares(std::vector<kv::PublicEntry>& entries, const kv::Bytes& record);

  static kv::RecoveryContext Context(kv::LedgerReader& reader, size_t i, std::string pin = "");

  // An empty transaction whose context a test fills.
  std::unique_ptr<kv::SnapshotTransaction> NewTransaction() const;

  // A rotation to ledger secret 7 (rotation_secret_) of service `key`,
  // signed by `signer` (null: none), for node 0, node 1 and a node without
  // a key.
  std::unique_ptr<kv::SnapshotTransaction> Rotation(const kv::ServiceSigner* signer, uint8_t key = 1) const;

  static kv::NodeMember Member(const testing::SealedNode& n);

  static std::vector<testing::SealedNode>* nodes_;
  const kv::SecretBytes rotation_secret_ = testing::MakeLedgerSecret(9);
};

}  // namespace ledgerseal::sealing

#endif  // LEDGERSEAL_PLUGIN_LOCAL_SEALING_LOCAL_SEALING_FIXTURE_H_
