// The service-identity checks of LocalHost's replay (docs/SERVICE_IDENTITY.md
// §6), each on a ledger that authenticates (the test reseals the entry it
// edits) but breaks one check: the refusal names the version, and nothing is
// created (no OnRecovered, no commit).
#include <gtest/gtest.h>

#include "kvstore_adapter/local_host/identity_test_util.h"
#include "kvstore_adapter/local_host/local_ledger_format.h"
#include "kvstore_adapter/local_host/local_service_identity.h"

namespace ledgerseal::kv::identity_test {
namespace {

// Whether `result` failed with kRecoveryFailed and a message naming `what`.
template <typename T>
::testing::AssertionResult RefusedWith(const Result<T>& result, std::string_view what) {
  if (result) return ::testing::AssertionFailure() << "recovery succeeded";
  if (result.error().code != ErrorCode::kRecoveryFailed || result.error().message.find(what) == std::string::npos) {
    return ::testing::AssertionFailure() << "expected kRecoveryFailed naming '" << what
                                         << "', got: " << result.error().ToString();
  }
  return ::testing::AssertionSuccess();
}

class LocalHostReplayChecksTest : public IdentityFixture {
 protected:
  // A service with a known key, one write, and one recovery (with a known
  // key too); its ledger ends with the recovery entry, at recovery_version_.
  void SetUp() override {
    host_ = Start(genesis_key_.Clone());
    ASSERT_TRUE(host_);
    ASSERT_TRUE(Write(*host_, "a"));
    auto recovered = RecoverFrom(host_->ledger(), recovered_key_.Clone());
    ASSERT_TRUE(recovered) << recovered.error().ToString();
    recovered_ = std::move(*recovered);
    ledger_ = recovered_->ledger();
    recovery_version_ = ledger_.size();
    recovered_calls_ = escrow_->recovery_hook()->recovered_calls().size();
  }

  // Nothing of a refused recovery ran past replay.
  void ExpectNothingCreated() {
    EXPECT_EQ(escrow_->recovery_hook()->recovered_calls().size(), recovered_calls_) << "OnRecovered ran";
  }

  std::string AtRecovery() const { return "broken_endorsement at version " + std::to_string(recovery_version_); }

  const SecretBytes genesis_key_ = NewKeyPkcs8();
  const SecretBytes recovered_key_ = NewKeyPkcs8();
  std::unique_ptr<LocalHost> host_;
  std::unique_ptr<LocalHost> recovered_;
  LocalLedger ledger_;
  Version recovery_version_ = kNoVersion;
  size_t recovered_calls_ = 0;
};

TEST_F(LocalHostReplayChecksTest, TheUntouchedLedgerRecovers) {
  auto again = RecoverFrom(ledger_);
  ASSERT_TRUE(again) << again.error().ToString();
}

TEST_F(LocalHostReplayChecksTest, ATamperedEndorsementIsRefused) {
  LocalLedger tampered = ledger_;
  ASSERT_NO_FATAL_FAILURE(ResealRecord(tampered, recovery_version_, [](ServiceRecord& r) { r.endorsement[8] ^= 1; }));
  EXPECT_TRUE(RefusedWith(RecoverFrom(tampered), AtRecovery()));
  ExpectNothingCreated();
}

TEST_F(LocalHostReplayChecksTest, AWrongTailDigestIsRefusedEvenWhenTheOldKeyEndorsedIt) {
  const ServiceKey old_key = KeyOf(genesis_key_);
  LocalLedger tampered = ledger_;
  ASSERT_NO_FATAL_FAILURE(ResealRecord(tampered, recovery_version_, [&](ServiceRecord& r) {
    r.recovered_tail_digest[0] ^= 1;  // claims another prefix was recovered
    ASSERT_TRUE(old_key.Endorse(r));
  }));
  auto refused = RecoverFrom(tampered);
  EXPECT_TRUE(RefusedWith(refused, AtRecovery()));
  EXPECT_TRUE(RefusedWith(refused, "recovered_tail_digest"));
  ExpectNothingCreated();
}

TEST_F(LocalHostReplayChecksTest, AForeignPreviousServiceOrEndorserIsRefused) {
  const ServiceKey foreign = KeyOf(NewKeyPkcs8());
  LocalLedger renamed = ledger_;
  ASSERT_NO_FATAL_FAILURE(ResealRecord(renamed, recovery_version_, [&](ServiceRecord& r) {
    r.previous_service_id = foreign.identity().service_id;
  }));
  EXPECT_TRUE(RefusedWith(RecoverFrom(renamed), AtRecovery()));

  // The endorsement body does not carry the previous id: a foreign key's
  // signature over the genuine body, with the genuine predecessor named.
  LocalLedger endorsed_elsewhere = ledger_;
  ASSERT_NO_FATAL_FAILURE(ResealRecord(endorsed_elsewhere, recovery_version_, [&](ServiceRecord& r) {
    const std::string genuine = r.previous_service_id;
    r.previous_service_id = foreign.identity().service_id;
    ASSERT_TRUE(foreign.Endorse(r));
    r.previous_service_id = genuine;
  }));
  EXPECT_TRUE(RefusedWith(RecoverFrom(endorsed_elsewhere), AtRecovery()));
  ExpectNothingCreated();
}

TEST_F(LocalHostReplayChecksTest, ThePinMustNameTheLastService) {
  const std::string last = recovered_->node().service_id;
  auto wrapped = std::make_shared<WrappedRecoveryHook>(escrow_->recovery_hook(), nullptr);
  const std::string other = KeyOf(NewKeyPkcs8()).identity().service_id;
  EXPECT_TRUE(RefusedWith(RecoverFrom(ledger_, {}, other, wrapped), AtRecovery()));
  ExpectNothingCreated();
  // The genesis service is not the last one either.
  EXPECT_TRUE(RefusedWith(RecoverFrom(ledger_, {}, host_->node().service_id, wrapped), "expected previous service"));
  ExpectNothingCreated();

  auto pinned = RecoverFrom(ledger_, {}, last, wrapped);
  ASSERT_TRUE(pinned) << pinned.error().ToString();
  // The hooks saw the pin, and no new service id yet.
  const auto contexts = wrapped->contexts();
  ASSERT_EQ(contexts.size(), 3u);
  EXPECT_EQ(contexts[2].first, last);
  EXPECT_EQ(contexts[2].second, "");
}

TEST_F(LocalHostReplayChecksTest, TheHookMustHaveAuthenticatedTheLastService) {
  const std::string other = KeyOf(NewKeyPkcs8()).identity().service_id;
  for (const std::string& claimed : {other, host_->node().service_id, std::string()}) {
    SCOPED_TRACE("the hook claims '" + claimed + "'");
    auto lying = std::make_shared<WrappedRecoveryHook>(escrow_->recovery_hook(),
                                                       [&](RecoveredSecret& s) { s.previous_service_id = claimed; });
    EXPECT_TRUE(RefusedWith(RecoverFrom(ledger_, {}, "", lying), AtRecovery()));
  }
  ExpectNothingCreated();
}

TEST_F(LocalHostReplayChecksTest, TheStoredKeyMustBeTheLastServicesKey) {
  LocalLedger swapped = ledger_;
  auto foreign = local::EncodeServiceKey(KeyOf(NewKeyPkcs8()));
  ASSERT_TRUE(foreign);
  ASSERT_NO_FATAL_FAILURE(Reseal(swapped, recovery_version_, [&](WriteSet& w) {
    ASSERT_TRUE(w.Put(local::kServiceKeyTable, AsBytes(local::kCurrentRow), foreign->bytes()));
  }));
  auto refused = RecoverFrom(swapped);
  EXPECT_TRUE(RefusedWith(refused, AtRecovery()));
  EXPECT_TRUE(RefusedWith(refused, "stored service key"));
  ExpectNothingCreated();
}

TEST_F(LocalHostReplayChecksTest, ARecoveredServiceNeedsANewKey) {
  auto reused = RecoverFrom(ledger_, recovered_key_.Clone());
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().code, ErrorCode::kInvalidArgument) << reused.error().ToString();
  ExpectNothingCreated();
}

TEST_F(LocalHostReplayChecksTest, TheSecretMustBeTheOneInForceAfterItsEntry) {
  // The newest secret (the recovery's), claimed found in the genesis entry,
  // which is under the first secret.
  auto misplaced = std::make_shared<WrappedRecoveryHook>(escrow_->recovery_hook(),
                                                         [](RecoveredSecret& s) { s.found_at_version = 1; });
  auto refused = RecoverFrom(ledger_, {}, "", misplaced);
  EXPECT_TRUE(RefusedWith(refused, "in force after entry 1"));
  ExpectNothingCreated();
}

TEST_F(LocalHostReplayChecksTest, AFormat1LedgerIsRefusedBeforeAnyHookRuns) {
  // A genesis whose record is the bare service id, as before identities.
  auto genesis = host_->ledger();
  ASSERT_NO_FATAL_FAILURE(Reseal(genesis, 1, [&](WriteSet& w) {
    ASSERT_TRUE(w.Put(local::kServiceTable, AsBytes(local::kCurrentRow), AsBytes(host_->node().service_id)));
  }));
  auto wrapped = std::make_shared<WrappedRecoveryHook>(escrow_->recovery_hook(), nullptr);
  EXPECT_TRUE(RefusedWith(RecoverFrom(genesis, {}, "", wrapped), "format 1"));
  EXPECT_TRUE(wrapped->contexts().empty()) << "a hook ran on a format 1 ledger";

  // Under a newer record, replay meets it at version 1.
  LocalLedger spliced = ledger_;
  spliced[0] = genesis[0];
  EXPECT_TRUE(RefusedWith(RecoverFrom(spliced), "entry 1's local_host.service record has no service identity"));
  ExpectNothingCreated();
}

TEST_F(LocalHostReplayChecksTest, ARecordOutsideGenesisAndRecoveryIsRefused) {
  // The genesis record written again later: a second "genesis" at version 2.
  LocalLedger doubled = host_->ledger();
  auto genesis = RecordAt(doubled, 1);
  ASSERT_TRUE(genesis && *genesis);
  ASSERT_NO_FATAL_FAILURE(Reseal(doubled, 2, [&](WriteSet& w) {
    ASSERT_TRUE(w.Put(local::kServiceTable, AsBytes(local::kCurrentRow), local::EncodeServiceRecord(**genesis)));
  }));
  EXPECT_TRUE(RefusedWith(RecoverFrom(doubled), "broken_endorsement at version 2"));
  ExpectNothingCreated();
}

}  // namespace
}  // namespace ledgerseal::kv::identity_test
