// The forgery of issue 11, end to end: a ledger built from public data only
// (what every disk holds in the clear) by the forger in forge_ledger.h, put
// in place of a genuine node's ledger, then recovered on that node's own
// (virtual) hardware with both `ledgerseal recover` and `node --recover`.
// Every variant must be refused with its named error, before anything is
// decrypted or written, and leave the data directory byte for byte as it was.
// Also: the operator's pin on the previous service.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "base/testing/test_dir.h"
#include "crypto/public/random_source.h"
#include "integration/e2e/forge_ledger.h"
#include "integration/e2e/sealing_cluster.h"
#include "kvstore_adapter/host_support/public/service_key.h"
#include "plugin/public/records.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/public/sealing_format.h"

namespace ledgerseal::e2e {
namespace {

namespace fs = std::filesystem;
using namespace ::ledgerseal::e2e::sealing_cluster;  // NOLINT: the shared test vocabulary

constexpr char kForged[] = "FORGED-BY-A-HOST-WITH-DISK-ACCESS";

// A signer that claims identity `claimed` but signs with `key`: what a forger
// who knows the genuine identity's public key (it is public) can build.
class ImpersonatingSigner final : public kv::ServiceSigner {
 public:
  ImpersonatingSigner(kv::ServiceIdentity claimed, const kv::ServiceKey& key) : claimed_(std::move(claimed)), key_(key) {}
  const kv::ServiceIdentity& identity() const override { return claimed_; }
  kv::Result<kv::Bytes> Sign(std::string_view domain, kv::ByteView body) const override {
    // The forger's key signs the message as its own; the claimed signer's
    // digest inside the message would need the claimed key anyway.
    return key_.Sign(domain, body);
  }

 private:
  kv::ServiceIdentity claimed_;
  const kv::ServiceKey& key_;
};

kv::Bytes Serialized(const google::protobuf::MessageLite& m) {
  auto bytes = sealing::SerializeRecord(m);
  EXPECT_TRUE(bytes.has_value());
  return bytes ? *bytes : kv::Bytes();
}

// The forged ledger's entries around a `sealing.shares` value: the copied
// genesis record, n2's node record and recovery key, the shares, and the
// forger's own data.
std::vector<kv::WriteSet> ForgedEntries(const PublicCopy& copy, const kv::Bytes& shares) {
  std::vector<kv::WriteSet> entries(2);
  auto put = [](kv::WriteSet& w, std::string_view table, kv::Domain d, std::string_view key, kv::ByteView value) {
    EXPECT_TRUE(w.Put({table, d}, kv::AsBytes(key), value).has_value());
  };
  put(entries[0], "ledger.service", kv::Domain::kPublic, "current", copy.genesis_service_record);
  put(entries[0], "ledger.nodes", kv::Domain::kPublic, "n2", copy.node_record);
  put(entries[0], sealing::kRecoveryKeysTable, kv::Domain::kPublic, "seal-n2", copy.recovery_key);
  put(entries[0], sealing::kSharesTable, kv::Domain::kPublic, "latest", shares);
  put(entries[0], kTable, kv::Domain::kPrivate, "account-0", kv::AsBytes(kForged));
  put(entries[1], kTable, kv::Domain::kPrivate, "account-1", kv::AsBytes(kForged));
  return entries;
}

TEST(ForgeryE2E, ALedgerForgedFromPublicDataIsRefusedOnBothPathsAndWritesNothing) {
  Platforms platforms;
  cluster::ProcessCluster c(SealingOptions(&platforms));
  Acked acked;
  ASSERT_NO_FATAL_FAILURE(StartNodes(c, {"n1", "n2", "n3"}));
  ASSERT_NO_FATAL_FAILURE(Write(c, acked, 0, 20));
  ASSERT_TRUE(RotateWithFailover(c, acked));
  ASSERT_NO_FATAL_FAILURE(Write(c, acked, 20, 20));
  ASSERT_NO_FATAL_FAILURE(QuiesceAndKillAll(c, acked));

  const fs::path data = c.data_dir("n2"), ledger = data / "ledger", genuine = data.parent_path() / "genuine-ledger";
  fs::copy(ledger, genuine, fs::copy_options::recursive);
  auto copy = CopyPublicRecords(genuine, "n2", "seal-n2");
  ASSERT_TRUE(copy) << copy.error().ToString();

  // The forger's choices: a ledger secret S, its own identity Y; and what it
  // learns from public records: the genuine identity X (the newest signed
  // record names it; n2's recovery key is bound to it in the clear).
  crypto::OpenSslRandomSource random;
  kv::SecretBytes secret(32);
  ASSERT_TRUE(random.Fill(secret.mutable_bytes()));
  auto forger = kv::ServiceKey::Generate();
  ASSERT_TRUE(forger);
  auto genuine_shares = sealing::ParseSignedShares(copy->newest_shares);
  ASSERT_TRUE(genuine_shares) << genuine_shares.error().ToString();
  const kv::ServiceIdentity genuine_identity = genuine_shares->signer;
  auto recovery_key = sealing::ParseSealedRecoveryKey(copy->recovery_key);
  ASSERT_TRUE(recovery_key) << recovery_key.error().ToString();
  const sealing::ShareRecipient recipient{"seal-n2", "n2", *recovery_key};

  // The genuine identity claimed, the forger's signature.
  ImpersonatingSigner impersonator(genuine_identity, *forger);
  auto impersonated = sealing::SealShares(random, impersonator, 1, secret, std::span(&recipient, 1));
  ASSERT_TRUE(impersonated) << impersonated.error().ToString();
  // Unsigned: the same envelope without its signature.
  sealing::v1::SignedSealedShares stripped = *impersonated;
  stripped.clear_signature();
  // Format 1: the body alone, as records were before service identities.
  sealing::v1::SealedShares v1_body;
  ASSERT_TRUE(v1_body.ParseFromString(impersonated->body()));
  v1_body.set_format_version(1);
  // Signed by the forger as itself (its own service id in the body).
  sealing::v1::SealedShares own_body = v1_body;
  own_body.set_format_version(sealing::kFormatVersion);
  own_body.set_service_id(forger->identity().service_id);
  auto own = sealing::SignSealedShares(*forger, own_body);
  ASSERT_TRUE(own) << own.error().ToString();

  struct Variant {
    const char* what;
    kv::Bytes shares;
    std::vector<const char*> any_of;
  };
  const std::vector<Variant> variants = {
      {"format 1 (unsigned) record", Serialized(v1_body), {"unsigned"}},
      {"signature stripped", Serialized(stripped), {"unsigned"}},
      {"signed by the forger's identity", Serialized(*own), {"other_service"}},
      {"the genuine identity claimed, the forger's signature", Serialized(*impersonated), {"bad_signature"}},
      {"the genuine newest record over forged entries",
       copy->newest_shares,
       {"failed verification", "unknown ledger secret", "is not the secret in force"}},
  };
  for (const Variant& v : variants) {
    SCOPED_TRACE(v.what);
    ASSERT_TRUE(WriteForgedLedger(ledger, genuine_identity.service_id, secret, ForgedEntries(*copy, v.shares)));
    const auto before = Snapshot(data);

    const ToolRun offline = RunLedgerseal("recover --config " + c.node("n2").config_path.string());
    EXPECT_NE(offline.exit_code, 0) << offline.output;
    bool named = false;
    for (const char* needle : v.any_of) named = named || offline.output.find(needle) != std::string::npos;
    EXPECT_TRUE(named) << offline.output;
    EXPECT_EQ(offline.output.find(kForged), std::string::npos);
    EXPECT_EQ(Snapshot(data), before) << "ledgerseal recover changed the data directory";

    auto online = c.StartRecovery("n2");
    ASSERT_FALSE(online) << "node --recover served the forged ledger";
    named = false;
    for (const char* needle : v.any_of) named = named || online.error().message.find(needle) != std::string::npos;
    EXPECT_TRUE(named) << online.error().message;
    EXPECT_EQ(Snapshot(data), before) << "node --recover changed the data directory";
  }

  // The genuine ledger still recovers, with everything acknowledged.
  fs::remove_all(ledger);
  fs::copy(genuine, ledger, fs::copy_options::recursive);
  auto recovered = c.StartRecovery("n2");
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  auto verified = VerifyAcked(c, "n2", kTable, acked);
  EXPECT_TRUE(verified) << verified.error().ToString();
}

// The operator's pin (expected_previous_service_identity): a recovery of any
// other service is refused by name and writes nothing; the right one works.
TEST(ForgeryE2E, ThePinOnThePreviousServiceIsEnforced) {
  Platforms platforms;
  std::map<std::string, std::string> pins;
  cluster::ClusterOptions options = SealingOptions(&platforms);
  options.customize = [inner = options.customize, &pins](kv::NodeConfig& config) {
    inner(config);
    if (auto it = pins.find(config.node_id); it != pins.end()) config.expected_previous_service_identity = it->second;
  };
  cluster::ProcessCluster c(options);
  Acked acked;
  ASSERT_NO_FATAL_FAILURE(StartNodes(c, {"n1", "n2"}));
  ASSERT_NO_FATAL_FAILURE(Write(c, acked, 0, 10));
  ASSERT_NO_FATAL_FAILURE(QuiesceAndKillAll(c, acked));
  const auto audit = Inspect(c.data_dir("n1"));
  ASSERT_FALSE(audit.is_discarded());
  ASSERT_EQ(audit["service_chain"].size(), 1u);
  const std::string service = audit["service_chain"][0]["service_id"];

  pins["n1"] = "0123456789abcdef0123456789abcdef";
  const auto before = Snapshot(c.data_dir("n1"));
  auto refused = c.StartRecovery("n1");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("wrong_service"), std::string::npos) << refused.error().message;
  EXPECT_EQ(Snapshot(c.data_dir("n1")), before);

  pins["n1"] = service;
  auto recovered = c.StartRecovery("n1");
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  auto verified = VerifyAcked(c, "n1", kTable, acked);
  EXPECT_TRUE(verified) << verified.error().ToString();
}

}  // namespace
}  // namespace ledgerseal::e2e
