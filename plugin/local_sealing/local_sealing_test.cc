// The plugin's recovery hook against in-memory ledgers: which record it
// picks and what it costs, the failure policies, the service it reports,
// the operator's pin, and what OnRecovered writes. The transaction hook and
// the join payload are transaction_hook_test.cc.
#include <gtest/gtest.h>

#include "base/testing/hex.h"
#include "kvstore_adapter/host_support/public/vector_ledger_reader.h"
#include "plugin/local_sealing/local_sealing_fixture.h"
#include "plugin/public/records.h"
#include "plugin/public/sealing_format.h"
#include "plugin/testing/sealing_test_util.h"
#include "plugin/testing/service_keys.h"

namespace ledgerseal::sealing {
namespace {

using testing::MakeLedgerSecret;
using testing::ToHex;

TEST_F(LocalSealingTest, UnsealsTheNewestRecordAndReadsOnlyBackToIt) {
  std::vector<kv::PublicEntry> entries;
  AddFiller(entries, 100);
  AddShares(entries, SharesRecord(1, 1));
  AddFiller(entries, 20'000);
  AddShares(entries, SharesRecord(2, 2));
  AddFiller(entries, 10);
  kv::VectorLedgerReader reader(entries);
  auto plugin = PluginFor(1);
  auto secret = plugin->recovery_hook()->Unseal(Context(reader, 1));
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_EQ(secret->ledger_secret_version, 2u);
  EXPECT_EQ(secret->found_at_version, 20'102u);
  EXPECT_EQ(ToHex(secret->secret.bytes()), ToHex(MakeLedgerSecret(2).bytes()));
  EXPECT_EQ(secret->method, "local_unsealing");
  EXPECT_EQ(reader.entries_read(), 11u) << "the cost must not grow with the ledger";
}

// previous_service_id is authenticated: the identity this node's own sealed
// key is bound to, whose signature verified — not the header's hint.
TEST_F(LocalSealingTest, ReportsTheServiceWhoseSignatureVerified) {
  std::vector<kv::PublicEntry> entries;
  AddShares(entries, SharesRecord(4, 4));
  kv::VectorLedgerReader reader(entries);
  auto ctx = Context(reader, 0);
  ctx.previous_service_id = "what the newest header claims";
  auto secret = PluginFor(0)->recovery_hook()->Unseal(ctx);
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_EQ(secret->previous_service_id, Id(1));
}

TEST_F(LocalSealingTest, DuplicateRecordsDoNotMatter) {
  std::vector<kv::PublicEntry> entries;
  const auto record = SharesRecord(4, 4);
  AddShares(entries, record);
  AddShares(entries, record);  // the same rotation's record replayed
  kv::VectorLedgerReader reader(entries);
  auto secret = PluginFor(0)->recovery_hook()->Unseal(Context(reader, 0));
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_EQ(secret->found_at_version, 2u);
  EXPECT_EQ(ToHex(secret->secret.bytes()), ToHex(MakeLedgerSecret(4).bytes()));
}

TEST_F(LocalSealingTest, FailPolicyStopsRecoveryFallbackLetsTheNextHookRun) {
  std::vector<kv::PublicEntry> entries;
  AddShares(entries, SharesRecord(1, 1, /*node_count=*/2));  // node 2 not a recipient
  kv::VectorLedgerReader strict_reader(entries);
  auto strict = PluginFor(2)->recovery_hook()->Unseal(Context(strict_reader, 2));
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().code, kv::ErrorCode::kRecoveryFailed);
  EXPECT_NE(strict.error().message.find("identity_not_found"), std::string::npos) << strict.error().message;
  kv::VectorLedgerReader lenient_reader(entries);
  auto lenient = PluginFor(2, /*fail_on_error=*/false)->recovery_hook()->Unseal(Context(lenient_reader, 2));
  ASSERT_FALSE(lenient);
  EXPECT_EQ(lenient.error().code, kv::ErrorCode::kNotFound);

  std::vector<kv::PublicEntry> none;
  AddFiller(none, 5);
  kv::VectorLedgerReader empty_reader(none);
  auto nothing = PluginFor(0)->recovery_hook()->Unseal(Context(empty_reader, 0));
  ASSERT_FALSE(nothing);
  EXPECT_EQ(nothing.error().code, kv::ErrorCode::kRecoveryFailed) << "fail policy: no silent skip";
}

// The forgery refusals reach the host as kRecoveryFailed, named, with the
// record's version; the newest record decides (no fallback to an older one).
TEST_F(LocalSealingTest, RefusalsNameTheCodeAndTheVersion) {
  auto expect = [&](const kv::Bytes& newest, std::string_view code) {
    std::vector<kv::PublicEntry> entries;
    AddShares(entries, SharesRecord(1, 1));  // genuine, older
    AddFiller(entries, 3);
    AddShares(entries, newest);  // version 5
    kv::VectorLedgerReader reader(entries);
    auto result = PluginFor(0)->recovery_hook()->Unseal(Context(reader, 0));
    ASSERT_FALSE(result) << code;
    EXPECT_EQ(result.error().code, kv::ErrorCode::kRecoveryFailed) << result.error().ToString();
    EXPECT_NE(result.error().message.find(code), std::string::npos) << result.error().message;
    EXPECT_NE(result.error().message.find("at version 5"), std::string::npos) << result.error().message;
  };
  // A format 1 record: the body alone, as the previous build wrote it.
  auto v1_record = ParseSignedShares(SharesRecord(2, 2));
  ASSERT_TRUE(v1_record);
  v1_record->body.set_format_version(1);
  expect(*SerializeRecord(v1_record->body), "unsigned");
  // Signed by another service (the forger's key).
  auto forged = *v1_record;
  forged.body.set_format_version(kFormatVersion);
  forged.body.set_service_id(Id(3));
  auto forged_envelope = SignSealedShares(testing::TestServiceKey(3), forged.body);
  ASSERT_TRUE(forged_envelope);
  expect(*SerializeRecord(*forged_envelope), "other_service");
  // The genuine signer claimed, another key's signature.
  auto borrowed = *forged_envelope;
  borrowed.set_signer_public_key_der(std::string(kv::AsString(testing::TestServiceIdentity(1).public_key_der)));
  forged.body.set_service_id(Id(1));
  borrowed.set_body(forged.body.SerializeAsString());
  expect(*SerializeRecord(borrowed), "bad_signature");
}

// The operator's pin (RecoveryContext::expected_previous_service_id).
TEST_F(LocalSealingTest, ThePinIsChecked) {
  std::vector<kv::PublicEntry> entries;
  AddShares(entries, SharesRecord(3, 3));
  kv::VectorLedgerReader matching_reader(entries);
  auto matching = PluginFor(0)->recovery_hook()->Unseal(Context(matching_reader, 0, Id(1)));
  ASSERT_TRUE(matching) << matching.error().ToString();
  EXPECT_EQ(matching->previous_service_id, Id(1));
  kv::VectorLedgerReader other_reader(entries);
  auto other = PluginFor(0)->recovery_hook()->Unseal(Context(other_reader, 0, Id(2)));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, kv::ErrorCode::kRecoveryFailed);
  EXPECT_NE(other.error().message.find("wrong_service"), std::string::npos) << other.error().message;
  EXPECT_NE(other.error().message.find(Id(2)), std::string::npos);
  // Under fallback, a pin mismatch lets the next hook try (replay checks
  // whatever secret it supplies against the pin again).
  kv::VectorLedgerReader lenient_reader(entries);
  auto lenient = PluginFor(0, false)->recovery_hook()->Unseal(Context(lenient_reader, 0, Id(2)));
  ASSERT_FALSE(lenient);
  EXPECT_EQ(lenient.error().code, kv::ErrorCode::kNotFound);
}

TEST_F(LocalSealingTest, OnRecoveredRecordsHowTheSecretWasObtained) {
  std::vector<kv::PublicEntry> entries;
  AddShares(entries, SharesRecord(3, 3));
  kv::VectorLedgerReader reader(entries);
  auto plugin = PluginFor(0);
  auto secret = plugin->recovery_hook()->Unseal(Context(reader, 0));
  ASSERT_TRUE(secret);
  auto tx = NewTransaction();
  ASSERT_TRUE(plugin->recovery_hook()->OnRecovered(*tx, *secret));
  const auto* value = tx->writes().Find(kLastRecoveryTable, kv::AsBytes(kLastRecoveryKey));
  ASSERT_TRUE(value && value->has_value());
  auto record = ParseLastRecovery(**value);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->format_version(), kLastRecoveryFormatVersion);
  EXPECT_EQ(record->method(), v1::LOCAL_UNSEALING);
  EXPECT_EQ(record->recovered_at_version(), 1u);
  EXPECT_EQ(record->ledger_secret_version(), 3u);
  EXPECT_EQ(record->recovering_sealing_identity(), "node-0");
  EXPECT_EQ(record->previous_service_id(), Id(1));
}

}  // namespace
}  // namespace ledgerseal::sealing
