#include "kvstore_adapter/reference_host/secrets/public/ledger_secrets.h"

#include <gtest/gtest.h>

namespace ledgerseal::kv::secrets {
namespace {

class LedgerSecretsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (auto* key : {&alice_, &bob_}) {
      auto k = crypto::RsaPrivateKey::Generate(2048);
      ASSERT_TRUE(k);
      *key = std::make_unique<crypto::RsaPrivateKey>(std::move(*k));
    }
  }
  static std::unique_ptr<crypto::RsaPublicKey> PublicOf(const crypto::RsaPrivateKey& k) {
    return std::make_unique<crypto::RsaPublicKey>(*crypto::RsaPublicKey::FromDer(*k.PublicKeyDer()));
  }
  SecretBytes Fresh() { return *NewSecret(random_); }

  // Writes rotations 1..n for alice and bob; returns every rotation's writes.
  std::vector<WriteSet> Rotations(int n, std::vector<SecretBytes>& secrets) {
    auto a = PublicOf(*alice_);
    auto b = PublicOf(*bob_);
    const SecretRecipient recipients[] = {{"alice", a.get()}, {"bob", b.get()}};
    std::vector<WriteSet> out;
    for (int v = 1; v <= n; ++v) {
      secrets.push_back(Fresh());
      std::optional<PreviousSecret> prev;
      if (v > 1) prev = PreviousSecret{static_cast<uint64_t>(v - 1), &secrets[v - 2]};
      WriteSet ws;
      EXPECT_TRUE(WriteRotation(ws, random_, v, secrets.back(), prev, recipients));
      out.push_back(std::move(ws));
    }
    return out;
  }

  crypto::OpenSslRandomSource random_;
  static inline std::unique_ptr<crypto::RsaPrivateKey> alice_, bob_;
};

TEST_F(LedgerSecretsTest, EachRecipientReadsItsOwnCopyOthersReadNothing) {
  std::vector<SecretBytes> secrets;
  auto rotations = Rotations(1, secrets);
  auto mine = ReadOwnSecret(rotations[0], "alice", *alice_);
  ASSERT_TRUE(mine && mine->has_value()) << (mine ? "none" : mine.error().ToString());
  EXPECT_EQ((*mine)->version, 1u);
  EXPECT_TRUE((*mine)->secret == secrets[0]);
  EXPECT_FALSE(ReadOwnSecret(rotations[0], "carol", *alice_)->has_value());
  // Bob's key cannot open alice's copy (the label binds the node id too).
  auto wrong = ReadOwnSecret(rotations[0], "alice", *bob_);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kCorruption);
}

TEST_F(LedgerSecretsTest, TheLatestSecretUnlocksTheWholeChain) {
  std::vector<SecretBytes> secrets;
  auto rotations = Rotations(5, secrets);
  std::map<uint64_t, Bytes> links;
  for (const auto& ws : rotations) links.merge(ChainLinksIn(ws));
  ASSERT_EQ(links.size(), 4u);  // the first secret has no predecessor

  LedgerSecrets known;
  ASSERT_TRUE(known.Add(5, secrets[4].Clone()));
  ASSERT_TRUE(known.UnwindChain(5, links));
  for (uint64_t v = 1; v <= 5; ++v) {
    auto s = known.Get(v);
    ASSERT_TRUE(s) << v;
    EXPECT_TRUE(*s == secrets[v - 1]) << v;
  }
}

TEST_F(LedgerSecretsTest, AMissingOrTamperedLinkStopsTheWalk) {
  std::vector<SecretBytes> secrets;
  auto rotations = Rotations(4, secrets);
  std::map<uint64_t, Bytes> links;
  for (const auto& ws : rotations) links.merge(ChainLinksIn(ws));

  auto missing = links;
  missing.erase(3);
  LedgerSecrets a;
  ASSERT_TRUE(a.Add(4, secrets[3].Clone()));
  auto r = a.UnwindChain(4, missing);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);

  for (size_t i = 0; i < links[3].size(); ++i) {
    auto tampered = links;
    tampered[3][i] ^= 0x01;
    LedgerSecrets b;
    ASSERT_TRUE(b.Add(4, secrets[3].Clone()));
    auto t = b.UnwindChain(4, tampered);
    ASSERT_FALSE(t) << "byte " << i;
    EXPECT_EQ(t.error().code, ErrorCode::kCorruption);
    EXPECT_FALSE(b.Get(2)) << "no secret older than the broken link may be added";
  }
}

TEST_F(LedgerSecretsTest, RejectsBadRotations) {
  auto a = PublicOf(*alice_);
  const SecretRecipient one[] = {{"alice", a.get()}};
  WriteSet ws;
  SecretBytes s = Fresh();
  EXPECT_FALSE(WriteRotation(ws, random_, 1, s, std::nullopt, {}));
  EXPECT_FALSE(WriteRotation(ws, random_, 0, s, std::nullopt, one));
  EXPECT_FALSE(WriteRotation(ws, random_, 1, SecretBytes(std::vector<uint8_t>(8, 1)), std::nullopt, one));
  EXPECT_FALSE(WriteRotation(ws, random_, 2, s, PreviousSecret{2, &s}, one));
}

}  // namespace
}  // namespace ledgerseal::kv::secrets
