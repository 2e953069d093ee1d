// The chain of LocalHost's ledger entries: each entry carries the SHA-256 of
// the entry before it (LocalLedgerEntry::previous_entry_digest), sealed into
// its AAD, and replay refuses an entry that does not follow the one before
// it, so a genuine sibling entry (sealed at the same version under the same
// secret by a copy of the ledger that diverged) cannot be spliced in.
#include <gtest/gtest.h>

#include <functional>
#include <utility>
#include <vector>

#include "crypto/public/random_source.h"
#include "kvstore_adapter/local_host/identity_test_util.h"
#include "kvstore_adapter/local_host/local_ledger_format.h"

namespace ledgerseal::kv::identity_test {
namespace {

// Bytes from a counter (test only): two hosts with a source each draw the
// same ledger secrets and IVs, so, with one service key, they seal the same
// genesis and their later entries open under one secret.
class CountingRandom final : public crypto::RandomSource {
 public:
  crypto::CryptoStatus Fill(std::span<uint8_t> out) override {
    for (uint8_t& b : out) b = static_cast<uint8_t>(next_++ * 131 + 7);
    return {};
  }

 private:
  uint64_t next_ = 0;
};

// Whether `result` failed with `code` and a message naming `what`.
template <typename T>
::testing::AssertionResult FailedWith(const Result<T>& result, ErrorCode code, std::string_view what) {
  if (result) return ::testing::AssertionFailure() << "it succeeded";
  if (result.error().code != code || result.error().message.find(what) == std::string::npos) {
    return ::testing::AssertionFailure() << "expected code " << static_cast<int>(code) << " naming '" << what
                                         << "', got: " << result.error().ToString();
  }
  return ::testing::AssertionSuccess();
}

class LocalHostChainTest : public IdentityFixture {
 protected:
  // A host drawing from a CountingRandom with `key`, the escrow registered,
  // its genesis committed.
  std::unique_ptr<LocalHost> StartCounting(const SecretBytes& key) {
    auto host = LocalHost::Create(
        {.node = {"n1", "seal-1", ""}, .service_key_pkcs8 = key.Clone(), .random = std::make_shared<CountingRandom>()});
    EXPECT_TRUE(host) << host.error().ToString();
    if (!host) return nullptr;
    EXPECT_TRUE(conformance::Hooks(escrow_, {})(**host));
    EXPECT_TRUE((*host)->Genesis());
    return std::move(*host);
  }

  size_t RecoveredCalls() const { return escrow_->recovery_hook()->recovered_calls().size(); }
};

TEST_F(LocalHostChainTest, EveryEntryChainsToTheOneBeforeItAcrossRecoveries) {
  auto host = Start();
  ASSERT_TRUE(host);
  ASSERT_TRUE(Write(*host, "a"));
  ASSERT_TRUE(host->AdmitNode({"n2", "seal-2", ToBytes("payload-2")}));
  auto recovered = RecoverFrom(host->ledger());
  ASSERT_TRUE(recovered) << recovered.error().ToString();
  ASSERT_TRUE(Write(**recovered, "b"));
  const LocalLedger ledger = (*recovered)->ledger();
  ASSERT_EQ(ledger.size(), 5u);  // genesis, a, admission, the recovery, b

  EXPECT_TRUE(ledger[0].previous_entry_digest.empty()) << "entry 1 follows none";
  for (size_t i = 1; i < ledger.size(); ++i) {
    auto digest = local::EntryDigest(ledger[i - 1]);
    ASSERT_TRUE(digest) << digest.error().ToString();
    EXPECT_EQ(digest->size(), local::kEntryDigestBytes);
    EXPECT_EQ(ledger[i].previous_entry_digest, *digest) << "entry " << i + 1 << " does not chain";
  }
  // The recovery's first commit chains to the last replayed entry: the very
  // digest its service record binds.
  auto record = RecordAt(ledger, 4);
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->recovered_to_version, 3u);
  EXPECT_EQ((*record)->recovered_tail_digest, ledger[3].previous_entry_digest);

  auto again = RecoverFrom(ledger);
  ASSERT_TRUE(again) << again.error().ToString();
}

TEST_F(LocalHostChainTest, ASplicedGenuineSiblingIsRefusedNamingTheVersion) {
  // Three hosts drawing alike, with one service key: one genesis, then b
  // seals its own entry 2 and c, after the same entry 2 as a, its own entry
  // 3, each under the same secret as a's entry at that version.
  const SecretBytes key = NewKeyPkcs8();
  std::unique_ptr<LocalHost> a = StartCounting(key), b = StartCounting(key), c = StartCounting(key);
  ASSERT_TRUE(a && b && c);
  for (std::string_view k : {"x2", "x3", "x4"}) ASSERT_TRUE(Write(*a, k));
  ASSERT_TRUE(Write(*b, "b2"));
  ASSERT_TRUE(Write(*c, "x2"));
  ASSERT_TRUE(Write(*c, "c3"));
  const LocalLedger ours = a->ledger(), b_copy = b->ledger(), c_copy = c->ledger();
  ASSERT_EQ(ours[0].tag, b_copy[0].tag) << "the hosts did not share their genesis";
  ASSERT_EQ(ours[1].tag, c_copy[1].tag) << "a and c did not share their entry 2";
  for (const auto& [mine, sibling] : {std::pair{&ours[1], &b_copy[1]}, std::pair{&ours[2], &c_copy[2]}}) {
    ASSERT_EQ(mine->ledger_secret_version, sibling->ledger_secret_version);
    ASSERT_EQ(mine->previous_entry_digest, sibling->previous_entry_digest) << "the sibling follows our entry";
    ASSERT_NE(mine->tag, sibling->tag);
  }
  // The siblings are genuine: they authenticate under the ledger's secret.
  EXPECT_TRUE(Open(b_copy, 2).Touches("app.data"));
  EXPECT_TRUE(Open(c_copy, 3).Touches("app.data"));

  // Spliced in, every entry authenticates, but the entry after the sibling
  // chains to the entry it replaced.
  const size_t calls = RecoveredCalls();
  LocalLedger spliced = ours;
  spliced[1] = b_copy[1];
  EXPECT_TRUE(FailedWith(RecoverFrom(spliced), ErrorCode::kRecoveryFailed, "entry 3 does not follow entry 2"));
  spliced = ours;
  spliced[2] = c_copy[2];
  EXPECT_TRUE(FailedWith(RecoverFrom(spliced), ErrorCode::kRecoveryFailed, "entry 4 does not follow entry 3"));
  EXPECT_EQ(RecoveredCalls(), calls) << "a refused recovery created a service";

  // Each copy on its own recovers.
  for (const LocalLedger* copy : {&ours, &b_copy, &c_copy}) {
    auto recovered = RecoverFrom(*copy);
    EXPECT_TRUE(recovered) << recovered.error().ToString();
  }
}

TEST_F(LocalHostChainTest, ThePreviousEntryDigestIsAuthenticated) {
  auto host = Start();
  ASSERT_TRUE(host);
  ASSERT_TRUE(Write(*host, "a"));
  ASSERT_TRUE(Write(*host, "b"));
  const LocalLedger ledger = host->ledger();
  const std::optional<SecretBytes> secret = escrow_->Sealed(ledger[1].ledger_secret_version);
  ASSERT_TRUE(secret.has_value());
  ASSERT_TRUE(local::OpenEntry(ledger[1], *secret));

  // A changed, dropped or added link breaks the tag of its entry.
  std::vector<std::pair<Version, std::function<void(Bytes&)>>> edits = {
      {2, [](Bytes& d) { d[0] ^= 1; }},
      {2, [](Bytes& d) { d.clear(); }},
      {2, [](Bytes& d) { d.push_back(0); }},
      {1, [](Bytes& d) { d.assign(local::kEntryDigestBytes, 0); }},
  };
  for (const auto& [version, edit] : edits) {
    SCOPED_TRACE("entry " + std::to_string(version));
    LocalLedger tampered = ledger;
    LocalLedgerEntry& entry = tampered[version - 1];
    edit(entry.previous_entry_digest);
    EXPECT_TRUE(FailedWith(local::OpenEntry(entry, *escrow_->Sealed(entry.ledger_secret_version)),
                           ErrorCode::kCorruption, "does not authenticate"));
    EXPECT_TRUE(FailedWith(RecoverFrom(tampered), ErrorCode::kRecoveryFailed,
                           "entry " + std::to_string(version) + " (secret"));
  }

  // The link is part of the entry's bytes: its digest (the next link, a
  // recovered tail) commits to the whole prefix.
  LocalLedgerEntry relinked = ledger[1];
  relinked.previous_entry_digest[0] ^= 1;
  auto genuine = local::EntryDigest(ledger[1]), altered = local::EntryDigest(relinked);
  ASSERT_TRUE(genuine && altered);
  EXPECT_NE(*genuine, *altered);
}

}  // namespace
}  // namespace ledgerseal::kv::identity_test
