// LocalHost's service identity (docs/SERVICE_IDENTITY.md §1 duty 9, §5):
// the id is the key's, the signer is in exactly the contexts that list the
// trusted nodes, join payloads are made for the identity, the chain of
// records verifies across recoveries, and the private key stays out of
// every public write. The replay refusals: local_host_replay_checks_test.cc.
#include <gtest/gtest.h>

#include "kvstore_adapter/local_host/identity_test_util.h"
#include "kvstore_adapter/local_host/local_ledger_format.h"
#include "kvstore_adapter/local_host/local_service_identity.h"

namespace ledgerseal::kv::identity_test {
namespace {

using LocalHostIdentityTest = IdentityFixture;

TEST_F(LocalHostIdentityTest, TheServiceIdIsTheIdOfTheServiceKey) {
  const SecretBytes pkcs8 = NewKeyPkcs8();
  const ServiceKey key = KeyOf(pkcs8);
  auto host = Start(pkcs8.Clone());
  ASSERT_TRUE(host);
  EXPECT_EQ(host->service_identity(), key.identity());
  EXPECT_EQ(host->node().service_id, ServiceIdOf(key.identity().public_key_der));
  ASSERT_EQ(payload_requests_.size(), 1u);
  EXPECT_EQ(payload_requests_[0], key.identity()) << "the genesis payload was made for another identity";

  // The genesis record names the key; it verifies as a genesis.
  auto record = RecordAt(host->ledger(), 1);
  ASSERT_TRUE(record && *record) << "no genesis service record";
  EXPECT_EQ((*record)->service_id, key.identity().service_id);
  EXPECT_EQ((*record)->identity_public_key_der, key.identity().public_key_der);
  EXPECT_TRUE(VerifyServiceRecord(nullptr, **record, 1, {}));

  // A generated key works the same way.
  auto generated = Start();
  ASSERT_TRUE(generated);
  EXPECT_EQ(generated->node().service_id, ServiceIdOf(generated->service_identity().public_key_der));
  EXPECT_NE(generated->node().service_id, host->node().service_id);
}

TEST_F(LocalHostIdentityTest, CreateRefusesAChosenServiceIdAndABadKey) {
  auto chosen = LocalHost::Create({.node = {"n1", "", "my-service"}});
  ASSERT_FALSE(chosen);
  EXPECT_EQ(chosen.error().code, ErrorCode::kInvalidArgument);

  SecretBytes pkcs8 = NewKeyPkcs8();
  const std::string id = KeyOf(pkcs8).identity().service_id;
  auto matching = LocalHost::Create({.node = {"n1", "", id}, .service_key_pkcs8 = pkcs8.Clone()});
  ASSERT_TRUE(matching) << matching.error().ToString();
  EXPECT_EQ((*matching)->node().service_id, id);
  auto other = LocalHost::Create({.node = {"n1", "", std::string(32, 'a')}, .service_key_pkcs8 = pkcs8.Clone()});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kInvalidArgument);

  auto garbage = LocalHost::Create({.node = {"n1", "", ""}, .service_key_pkcs8 = SecretBytes(ToBytes("no key"))});
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::kInvalidArgument);

  const JoinPayloadFactory failing = [](const ServiceIdentity&) -> Result<Bytes> {
    return MakeError(ErrorCode::kUnavailable, "no platform");
  };
  auto refused = LocalHost::Create({.node = {"n1", "", ""}, .join_payload_for = failing});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
}

TEST_F(LocalHostIdentityTest, TheSignerIsInExactlyTheContextsThatListTheTrustedNodes) {
  auto host = Start();
  ASSERT_TRUE(host);
  const ServiceIdentity identity = host->service_identity();
  ASSERT_TRUE(Write(*host, "a"));
  auto tx = host->BeginTransaction();
  ASSERT_TRUE(tx);
  ASSERT_TRUE(host->Commit(std::move(*tx), CommitOptions{.rotate_secret = true}));
  ASSERT_TRUE(host->AdmitNode({"n2", "seal-2", ToBytes("payload for " + identity.service_id)}));
  ASSERT_TRUE(host->TrustNode("n2"));
  ASSERT_TRUE(Write(*host, "b"));
  ASSERT_TRUE(host->RetireNode("n2"));
  ASSERT_TRUE(Write(*host, "c"));
  const size_t before_recovery = identity_->count();
  ASSERT_EQ(before_recovery, 8u);  // genesis, a, rotation, admit, trust, b, retire, c

  auto recovered = RecoverFrom(host->ledger());
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  const ServiceIdentity next = (*recovered)->service_identity();
  EXPECT_NE(next.service_id, identity.service_id);
  EXPECT_EQ((*recovered)->node().service_id, next.service_id);
  ASSERT_EQ(payload_requests_.size(), 2u);
  EXPECT_EQ(payload_requests_[1], next) << "the recovered node's payload was not made for the new identity";

  const std::vector<SeenContext> seen = identity_->seen();
  ASSERT_EQ(seen.size(), before_recovery + 1);
  const std::vector<bool> expected_signer = {true, false, true, true, true, false, true, false, true};
  for (size_t i = 0; i < seen.size(); ++i) {
    SCOPED_TRACE("commit #" + std::to_string(i));
    const SeenContext& c = seen[i];
    EXPECT_EQ(c.has_signer, c.trusted_nodes_filled) << "signer and trusted nodes disagree";
    EXPECT_EQ(c.has_signer, expected_signer[i]);
    const ServiceIdentity& service = c.recovery ? next : identity;
    EXPECT_EQ(c.service_id, service.service_id);
    if (!c.has_signer) continue;
    EXPECT_EQ(c.signer, service) << "the signer is not the service's identity (the NEW one on recovery)";
    EXPECT_EQ(c.signer.service_id, ServiceIdOf(c.signer.public_key_der));
    EXPECT_TRUE(c.signature_verifies);
    EXPECT_TRUE(c.endorsement_refused) << "a hook could endorse a successor";
  }
  EXPECT_TRUE(seen.back().recovery);
}

TEST_F(LocalHostIdentityTest, TheChainVerifiesAfterTwoRecoveries) {
  auto host = Start();
  ASSERT_TRUE(host);
  ASSERT_TRUE(Write(*host, "a"));
  auto first = RecoverFrom(host->ledger());
  ASSERT_TRUE(first) << first.error().ToString();
  ASSERT_TRUE(Write(**first, "b"));
  auto second = RecoverFrom((*first)->ledger());
  ASSERT_TRUE(second) << second.error().ToString();
  ASSERT_TRUE(Write(**second, "c"));
  const LocalLedger ledger = (*second)->ledger();

  // Walk the records with the one verifier hosts and inspect share.
  std::vector<std::pair<Version, ServiceRecord>> records;
  for (Version v = 1; v <= ledger.size(); ++v) {
    auto record = RecordAt(ledger, v);
    ASSERT_TRUE(record) << record.error().ToString();
    if (!*record) continue;
    Bytes digest;
    if (!records.empty()) {
      auto tail = local::EntryDigest(ledger[v - 2]);
      ASSERT_TRUE(tail);
      digest = *tail;
    }
    EXPECT_TRUE(VerifyServiceRecord(records.empty() ? nullptr : &records.back().second, **record, v, digest))
        << "the record at version " << v << " does not verify";
    records.emplace_back(v, std::move(**record));
  }
  ASSERT_EQ(records.size(), 3u);
  const std::vector<std::string> ids = {host->node().service_id, (*first)->node().service_id,
                                        (*second)->node().service_id};
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].second.service_id, ids[i]);
    EXPECT_EQ(records[i].second.recovery_count, i);
  }
  EXPECT_EQ(records[1].first, 3u);  // genesis, a, then the first recovery
  EXPECT_EQ(records[1].second.recovered_to_version, 2u);
  EXPECT_EQ(records[2].second.previous_service_id, ids[1]);

  // Replay walks the same chain: the ledger with two recoveries recovers.
  auto third = RecoverFrom(ledger);
  ASSERT_TRUE(third) << third.error().ToString();
  auto last = RecordAt((*third)->ledger(), ledger.size() + 1);
  ASSERT_TRUE(last && *last);
  EXPECT_EQ((*last)->recovery_count, 3u);
  EXPECT_EQ((*last)->previous_service_id, ids[2]);
}

TEST_F(LocalHostIdentityTest, ThePrivateKeyIsWrittenOnlyPrivatelyAndOnlyByGenesisAndRecovery) {
  const SecretBytes genesis_key = NewKeyPkcs8();
  const SecretBytes recovered_key = NewKeyPkcs8();
  auto host = Start(genesis_key.Clone());
  ASSERT_TRUE(host);
  ASSERT_TRUE(Write(*host, "a"));
  ASSERT_TRUE(host->AdmitNode({"n2", "seal-2", ToBytes("payload-2")}));
  ASSERT_TRUE(host->TrustNode("n2"));
  auto recovered = RecoverFrom(host->ledger(), recovered_key.Clone());
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  auto tx = (*recovered)->BeginTransaction();
  ASSERT_TRUE(tx);
  ASSERT_TRUE((*recovered)->Commit(std::move(*tx), CommitOptions{.rotate_secret = true}));
  const LocalLedger ledger = (*recovered)->ledger();
  const Version recovery_version = host->ledger().size() + 1;

  for (const SecretBytes* key : {&genesis_key, &recovered_key}) {
    const Bytes scalar = PrivateScalar(*key);
    for (const LocalLedgerEntry& e : ledger) {
      SCOPED_TRACE("entry " + std::to_string(e.version));
      for (const auto& [name, table] : e.public_writes.tables()) {
        for (const auto& [k, value] : table.writes) {
          EXPECT_FALSE(Contains(k, scalar) || (value && (Contains(*value, scalar) || Contains(*value, key->bytes()))))
              << "the private key is in public table " << name;
        }
      }
      EXPECT_FALSE(Contains(AsBytes(e.ciphertext), scalar)) << "the private key is in the clear";
    }
  }
  // local_host.service_key: in the genesis and the recovery entry only,
  // each with its own service's key.
  for (const LocalLedgerEntry& e : ledger) {
    const WriteSet writes = Open(ledger, e.version);
    const std::optional<Bytes>* stored = writes.Find(local::kServiceKeyTable.name, AsBytes(local::kCurrentRow));
    if (e.version != 1 && e.version != recovery_version) {
      EXPECT_FALSE(writes.Touches(local::kServiceKeyTable.name)) << "entry " << e.version << " writes the key";
      continue;
    }
    ASSERT_TRUE(stored != nullptr && stored->has_value()) << "entry " << e.version << " lacks the key";
    auto key = local::DecodeServiceKey(**stored);
    ASSERT_TRUE(key) << key.error().ToString();
    EXPECT_EQ(key->identity(), KeyOf(e.version == 1 ? genesis_key : recovered_key).identity());
  }
  EXPECT_EQ((*recovered)->service_identity(), KeyOf(recovered_key).identity());
}

}  // namespace
}  // namespace ledgerseal::kv::identity_test
