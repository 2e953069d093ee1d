// LocalHost beyond the conformance suite: what its ledger reveals, how
// recovery refuses an altered ledger, the tables only the host writes (hooks
// included), one domain per table, and the errors of its membership helpers.
#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/public/random_source.h"
#include "kvstore_adapter/conformance/test_hooks.h"
#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/local_host/local_ledger_format.h"
#include "kvstore_adapter/local_host/public/local_host.h"

namespace ledgerseal::kv {
namespace {

using conformance::EscrowPlugin;

// The error code of a failed result; std::nullopt if it succeeded.
std::optional<ErrorCode> Code(const Result<Version>& result) {
  if (result) return std::nullopt;
  return result.error().code;
}

constexpr Table kPrivate{"app.private", Domain::kPrivate};
constexpr Table kPublic{"app.public", Domain::kPublic};
constexpr Table kChain{"local_host.secret_chain", Domain::kPublic};
constexpr Table kService{"local_host.service", Domain::kPublic};
constexpr Table kNodes{"local_host.nodes", Domain::kPublic};
constexpr Table kServiceKeyTable{"local_host.service_key", Domain::kPrivate};

// A join payload factory that presents `payload` whatever the identity.
JoinPayloadFactory Payload(std::string payload) {
  return [payload = std::move(payload)](const ServiceIdentity&) -> Result<Bytes> { return ToBytes(payload); };
}

// A transaction hook that writes `value` under `key` of `table` (or removes
// the key, for std::nullopt) in every commit.
class WritingHook final : public TransactionHook {
 public:
  WritingHook(Table table, std::string key, std::optional<std::string> value)
      : table_(table), key_(std::move(key)), value_(std::move(value)) {}
  Status OnCommit(Transaction& tx) override {
    return value_ ? tx.Put(table_, AsBytes(key_), AsBytes(*value_)) : tx.Remove(table_, AsBytes(key_));
  }

 private:
  Table table_;
  std::string key_;
  std::optional<std::string> value_;
};

// Bytes from a counter (test only): two hosts with a source each draw the
// same ledger secrets and IVs, so their entries open under one secret.
class CountingRandom final : public crypto::RandomSource {
 public:
  crypto::CryptoStatus Fill(std::span<uint8_t> out) override {
    for (uint8_t& b : out) b = static_cast<uint8_t>(next_++ * 131 + 7);
    return {};
  }

 private:
  uint64_t next_ = 0;
};

// Whether the message of a failed result names `what`.
template <typename T>
bool Names(const Result<T>& result, std::string_view what) {
  return !result && result.error().message.find(what) != std::string::npos;
}

class LocalHostLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto host = LocalHost::Create({.node = {"n1", "seal-1", ""}, .join_payload_for = Payload("payload-1")});
    ASSERT_TRUE(host) << host.error().ToString();
    host_ = std::move(*host);
    ASSERT_TRUE(conformance::Hooks(escrow_, {})(*host_));
  }

  Result<Version> Write(const Table& table, std::string_view key, std::string_view value) {
    auto tx = host_->BeginTransaction();
    if (!tx) return std::unexpected(tx.error());
    if (auto s = (*tx)->Put(table, AsBytes(key), AsBytes(value)); !s) return std::unexpected(s.error());
    return host_->Commit(std::move(*tx));
  }

  Result<std::unique_ptr<LocalHost>> Recover(const LocalLedger& ledger, std::string node_id = "n1") {
    return LocalHost::Recover(ledger, {.node = {std::move(node_id), "seal-1", ""}},
                              conformance::Hooks(escrow_, {{"escrow", escrow_->recovery_hook()}}));
  }

  std::shared_ptr<EscrowPlugin> escrow_ = std::make_shared<EscrowPlugin>();
  std::unique_ptr<LocalHost> host_;
};

TEST_F(LocalHostLedgerTest, PrivateValuesAreNeverInTheClearInTheLedger) {
  ASSERT_TRUE(Write(kPrivate, "k", "private-value-1234"));
  ASSERT_TRUE(Write(kPublic, "k", "public-value-5678"));
  const LocalLedger ledger = host_->ledger();
  ASSERT_EQ(ledger.size(), 2u);  // the first write was the genesis
  const std::string needle = "private-value-1234";
  for (const LocalLedgerEntry& e : ledger) {
    EXPECT_FALSE(e.public_writes.Touches(kPrivate.name));
    EXPECT_EQ(e.ciphertext.find(needle), std::string::npos);
  }
  EXPECT_TRUE(ledger[1].public_writes.Touches(kPublic.name));
}

TEST_F(LocalHostLedgerTest, RecoveryRefusesAnAlteredLedgerAndCreatesNothing) {
  ASSERT_TRUE(Write(kPrivate, "k", "v"));
  ASSERT_TRUE(Write(kPublic, "k", "v"));
  const LocalLedger good = host_->ledger();

  LocalLedger public_altered = good;
  ASSERT_TRUE(public_altered[1].public_writes.Put(kPublic, AsBytes("k"), AsBytes("forged")));
  LocalLedger ciphertext_altered = good;
  ciphertext_altered[0].ciphertext[0] ^= 1;
  for (const LocalLedger* altered : {&public_altered, &ciphertext_altered}) {
    auto refused = Recover(*altered);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kRecoveryFailed) << refused.error().ToString();
    EXPECT_NE(refused.error().message.find("does not authenticate"), std::string::npos);
  }

  LocalLedger gap = good;
  gap.erase(gap.begin());  // versions no longer start at 1
  auto refused = Recover(gap);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kCorruption) << refused.error().ToString();
  auto empty = Recover({});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kRecoveryFailed);

  // None of it committed anything; the intact ledger still recovers.
  EXPECT_TRUE(escrow_->recovery_hook()->recovered_calls().empty());
  auto recovered = Recover(good);
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  EXPECT_EQ((*recovered)->state().Snapshot()->Get(kPublic.name, AsBytes("k")),
            Result<std::optional<Bytes>>(ToBytes("v")));
}

TEST_F(LocalHostLedgerTest, RecoveryRefusesASecretOfTheWrongSizeOrAChosenServiceId) {
  // A hook returning 16 bytes, through a host-agnostic wrapper.
  class ShortSecretHook final : public conformance::RecordingRecoveryHook {
   public:
    Result<RecoveredSecret> Unseal(const RecoveryContext&) override {
      RecoveredSecret s;
      s.ledger_secret_version = 1;
      s.secret = SecretBytes(16);
      s.found_at_version = 1;
      return s;
    }
  };
  ASSERT_TRUE(host_->Genesis());
  const LocalLedger ledger = host_->ledger();
  auto refused = LocalHost::Recover(ledger, {.node = {"n1", "seal-1", ""}},
                                    conformance::Hooks(escrow_, {{"short", std::make_shared<ShortSecretHook>()}}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kRecoveryFailed);
  EXPECT_NE(refused.error().message.find("16 bytes"), std::string::npos) << refused.error().ToString();

  // A service id is the id of the service's key: it cannot be chosen, the
  // recovered one least of all.
  auto same_id = LocalHost::Recover(ledger, {.node = {"n1", "seal-1", host_->node().service_id}},
                                    conformance::Hooks(escrow_, {{"escrow", escrow_->recovery_hook()}}));
  ASSERT_FALSE(same_id);
  EXPECT_EQ(same_id.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(escrow_->recovery_hook()->unseal_calls().empty()) << "options were checked after the hooks ran";
}

TEST_F(LocalHostLedgerTest, OnlyTheHostWritesItsTables) {
  ASSERT_TRUE(host_->Genesis());
  for (const Table& table : {Table{"local_host.secret_chain", Domain::kPublic},
                             Table{"local_host.service", Domain::kPublic}, kServiceKeyTable,
                             Table{"local_host.nodes", Domain::kPublic}}) {
    auto written = Write(table, "k", "v");
    ASSERT_FALSE(written) << table.name;
    EXPECT_EQ(written.error().code, ErrorCode::kInvalidArgument) << table.name;
  }
  // A joining node whose pending record the transaction does not write.
  auto tx = host_->BeginTransaction();
  ASSERT_TRUE((*tx)->Put(kPrivate, AsBytes("k"), AsBytes("v")));
  auto joined = host_->Commit(std::move(*tx), CommitOptions{.joining_node = NodeMember{"n9", "", {}}});
  ASSERT_FALSE(joined);
  EXPECT_EQ(joined.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(LocalHostLedgerTest, HooksCannotWriteTheHostTablesEither) {
  // Each case on a fresh host with the escrow and one hook writing a host
  // table: every commit the hook touches is refused naming the table, and
  // nothing of it reaches the ledger.
  struct Case {
    Table table;
    std::optional<std::string> value;  // std::nullopt: the hook removes the key
    bool membership;                   // the refused commit admits a node
  };
  const std::vector<Case> cases = {
      {kChain, "forged link", false},
      {kService, "forged service", false},
      {kServiceKeyTable, "forged key", false},
      {kNodes, "forged node", false},
      {kNodes, std::nullopt, true},  // drops the joiner's record the admission writes
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.table.name) + (c.value ? " put" : " remove"));
    auto host = LocalHost::Create({.node = {"n1", "seal-1", ""}});
    ASSERT_TRUE(host) << host.error().ToString();
    ASSERT_TRUE(conformance::Hooks(escrow_, {})(**host));
    ASSERT_TRUE((*host)->Genesis());
    const std::string key = c.membership ? "n2" : (c.table.name == kNodes.name ? "n1" : "current");
    ASSERT_TRUE((*host)->RegisterTransactionHook("intruder", std::make_shared<WritingHook>(c.table, key, c.value)));
    const LocalLedger before = (*host)->ledger();
    Result<Version> refused = MakeError(ErrorCode::kInternal, "not run");
    if (c.membership) {
      refused = (*host)->AdmitNode({"n2", "seal-2", ToBytes("payload-2")});
    } else {
      auto tx = (*host)->BeginTransaction();
      ASSERT_TRUE((*tx)->Put(kPrivate, AsBytes("k"), AsBytes("v")));
      refused = (*host)->Commit(std::move(*tx));
    }
    ASSERT_FALSE(refused) << "a hook's write to " << c.table.name << " committed";
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument) << refused.error().ToString();
    EXPECT_TRUE(Names(refused, c.table.name)) << refused.error().ToString();
    EXPECT_EQ((*host)->ledger().size(), before.size());
    EXPECT_EQ((*host)->state().version(), before.size());
  }
}

TEST_F(LocalHostLedgerTest, ATableKeepsItsDomainForTheLifeOfTheLedger) {
  ASSERT_TRUE(host_->Genesis());
  ASSERT_TRUE(Write(kPrivate, "k", "private-value"));
  ASSERT_TRUE(Write(kPublic, "k", "public-value"));
  const size_t entries = host_->ledger().size();

  // The application: the other domain under a committed name is refused,
  // naming the table, and nothing lands in the clear.
  auto leaked = Write(Table{kPrivate.name, Domain::kPublic}, "k2", "private-value-2");
  ASSERT_FALSE(leaked) << "a private table was written public";
  EXPECT_EQ(leaked.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Names(leaked, kPrivate.name)) << leaked.error().ToString();
  auto hidden = Write(Table{kPublic.name, Domain::kPrivate}, "k2", "v");
  ASSERT_FALSE(hidden) << "a public table was written private";
  EXPECT_EQ(hidden.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Names(hidden, kPublic.name)) << hidden.error().ToString();
  for (const LocalLedgerEntry& e : host_->ledger()) EXPECT_FALSE(e.public_writes.Touches(kPrivate.name));
  EXPECT_EQ(host_->ledger().size(), entries);

  // The map is rebuilt by recovery: the recovered service refuses too.
  auto recovered = Recover(host_->ledger());
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  auto tx = (*recovered)->BeginTransaction();
  ASSERT_TRUE((*tx)->Put(Table{kPrivate.name, Domain::kPublic}, AsBytes("k3"), AsBytes("v")));
  auto after_recovery = (*recovered)->Commit(std::move(*tx));
  ASSERT_FALSE(after_recovery);
  EXPECT_EQ(after_recovery.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Names(after_recovery, kPrivate.name)) << after_recovery.error().ToString();

  // A hook: the check is on the final write set.
  ASSERT_TRUE(host_->RegisterTransactionHook(
      "leaker", std::make_shared<WritingHook>(Table{kPrivate.name, Domain::kPublic}, "k4", "private-value-4")));
  auto hooked = Write(kPublic, "k5", "v");
  ASSERT_FALSE(hooked) << "a hook wrote a private table public";
  EXPECT_EQ(hooked.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Names(hooked, kPrivate.name)) << hooked.error().ToString();
  EXPECT_EQ(host_->ledger().size(), entries);
}

TEST_F(LocalHostLedgerTest, ReplayRefusesALedgerThatSwitchesATablesDomain) {
  // Two hosts drawing alike, with one service key, share their genesis (and
  // its secret): one writes app.shared private, the other public. Their
  // entries spliced together all authenticate, but do not chain; chained
  // anew (by whoever holds the secret), they switch the table's domain.
  constexpr std::string_view kShared = "app.shared";
  auto key = ServiceKey::Generate();
  ASSERT_TRUE(key) << key.error().ToString();
  auto pkcs8 = key->ToPkcs8Der();
  ASSERT_TRUE(pkcs8) << pkcs8.error().ToString();
  auto start = [&]() -> std::unique_ptr<LocalHost> {
    auto host = LocalHost::Create({.node = {"n1", "seal-1", ""},
                                   .service_key_pkcs8 = pkcs8->Clone(),
                                   .random = std::make_shared<CountingRandom>()});
    EXPECT_TRUE(host && conformance::Hooks(escrow_, {})(**host) && (*host)->Genesis());
    return host ? std::move(*host) : nullptr;
  };
  std::unique_ptr<LocalHost> a = start(), b = start();
  ASSERT_TRUE(a && b);
  host_ = std::move(a);
  ASSERT_TRUE(Write(Table{kShared, Domain::kPrivate}, "k", "private-value"));
  const LocalLedger private_ledger = host_->ledger();
  host_ = std::move(b);
  ASSERT_TRUE(Write(kPublic, "k", "v"));
  ASSERT_TRUE(Write(Table{kShared, Domain::kPublic}, "k", "public-value"));
  const LocalLedger public_ledger = host_->ledger();
  ASSERT_EQ(private_ledger.size(), 2u);
  ASSERT_EQ(public_ledger.size(), 3u);
  ASSERT_EQ(private_ledger[0].tag, public_ledger[0].tag) << "the two hosts did not share their genesis";

  const LocalLedger spliced = {private_ledger[0], private_ledger[1], public_ledger[2]};
  auto unchained = Recover(spliced);
  ASSERT_FALSE(unchained) << "replay accepted an entry that does not follow the one before it";
  EXPECT_EQ(unchained.error().code, ErrorCode::kRecoveryFailed) << unchained.error().ToString();
  EXPECT_TRUE(Names(unchained, "entry 3 does not follow entry 2")) << unchained.error().ToString();

  // public_ledger[2]'s writes resealed onto private_ledger[1].
  LocalLedger rechained = spliced;
  std::optional<SecretBytes> secret = escrow_->Sealed(public_ledger[2].ledger_secret_version);
  ASSERT_TRUE(secret.has_value());
  auto writes = local::OpenEntry(public_ledger[2], *secret);
  ASSERT_TRUE(writes) << writes.error().ToString();
  auto previous = local::EntryDigest(private_ledger[1]);
  ASSERT_TRUE(previous) << previous.error().ToString();
  crypto::OpenSslRandomSource random;
  auto resealed = local::SealEntry(random, 3, public_ledger[2].ledger_secret_version, *secret, *previous, *writes);
  ASSERT_TRUE(resealed) << resealed.error().ToString();
  rechained[2] = std::move(*resealed);
  auto refused = Recover(rechained);
  ASSERT_FALSE(refused) << "replay accepted a table in both domains";
  EXPECT_EQ(refused.error().code, ErrorCode::kCorruption) << refused.error().ToString();
  EXPECT_TRUE(Names(refused, kShared)) << refused.error().ToString();
  EXPECT_TRUE(Names(refused, "entry 3")) << refused.error().ToString();
  // Each ledger on its own recovers.
  EXPECT_TRUE(Recover(private_ledger));
  EXPECT_TRUE(Recover(public_ledger));
}

TEST_F(LocalHostLedgerTest, MembershipHelpersRefuseWhatTheStateDoesNotAllow) {
  ASSERT_TRUE(host_->Genesis());
  EXPECT_EQ(Code(host_->Genesis()), ErrorCode::kInvalidArgument);  // the service has started
  EXPECT_EQ(Code(host_->TrustNode("n2")), ErrorCode::kNotFound);
  ASSERT_TRUE(host_->AdmitNode({"n2", "seal-2", ToBytes("payload-2")}));
  EXPECT_EQ(Code(host_->AdmitNode({"n2", "seal-2", {}})), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Code(host_->AdmitNode({"n1", "seal-1", {}})), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Code(host_->RetireNode("n2")), ErrorCode::kInvalidArgument);  // pending, not trusted
  ASSERT_TRUE(host_->TrustNode("n2"));
  EXPECT_EQ(Code(host_->TrustNode("n2")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Code(host_->RetireNode("n1")), ErrorCode::kInvalidArgument);  // the host's own node
  ASSERT_TRUE(host_->RetireNode("n2"));
}

TEST_F(LocalHostLedgerTest, TheRecoveredServiceRetiresTheOldNodesAndTrustsOnlyItself) {
  ASSERT_TRUE(host_->Genesis());
  ASSERT_TRUE(host_->AdmitNode({"n2", "seal-2", ToBytes("payload-2")}));
  ASSERT_TRUE(host_->TrustNode("n2"));
  const size_t before = escrow_->commit_count();
  auto recovered = Recover(host_->ledger(), "n3");
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  const conformance::ObservedCommit first = escrow_->commits().at(before);
  EXPECT_TRUE(first.recovery);
  EXPECT_TRUE(first.trusted_nodes_changed);
  ASSERT_EQ(first.trusted_nodes.size(), 1u);
  EXPECT_EQ(first.trusted_nodes[0].node_id, "n3");
  EXPECT_EQ(Code((*recovered)->AdmitNode({"n2", "", {}})), ErrorCode::kInvalidArgument);  // kept, retired
  EXPECT_EQ(Code((*recovered)->TrustNode("n1")), ErrorCode::kInvalidArgument);  // retired, not pending
}

}  // namespace
}  // namespace ledgerseal::kv
