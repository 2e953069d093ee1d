// The service identity vocabulary: ids, the signed message, signatures, the
// host's key, and the endorsement chain verifier (docs/FORMAT.md §4.6, §12.1).
#include "kvstore_adapter/public/service_identity.h"

#include <gtest/gtest.h>

#include "base/testing/hex.h"
#include "kvstore_adapter/host_support/public/service_key.h"

namespace ledgerseal::kv {
namespace {

using ledgerseal::testing::FromHex;

// TEST KEY ONLY: the P-256 private key 1 (FORMAT.md's worked examples).
constexpr char kKey1Pkcs8Hex[] =
    "3041020100301306072a8648ce3d020106082a8648ce3d0301070427302502010104200000000000000000000000000000000000000000"
    "000000000000000000000001";
constexpr char kKey1SpkiHex[] =
    "3059301306072a8648ce3d020106082a8648ce3d030107034200046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945"
    "d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

ServiceKey Key1() {
  auto key = ServiceKey::FromPkcs8Der(FromHex(kKey1Pkcs8Hex));
  EXPECT_TRUE(key.has_value()) << key.error().ToString();
  return std::move(*key);
}

TEST(ServiceIdentityTest, IdIsTheTruncatedDigestOfTheKey) {
  EXPECT_EQ(ServiceIdOf(FromHex(kKey1SpkiHex)), "5cd252fb0ce8932436faf8ccd1040981");
  ServiceKey key = Key1();
  EXPECT_EQ(base::ToHex(key.identity().public_key_der), kKey1SpkiHex);
  EXPECT_EQ(key.identity().service_id, "5cd252fb0ce8932436faf8ccd1040981");
}

TEST(ServiceIdentityTest, SignedMessageIsDomainSignerDigestBody) {
  const Bytes body = FromHex("0802");
  EXPECT_EQ(base::ToHex(ServiceSignedMessage(kSealedSharesDomain, FromHex(kKey1SpkiHex), body)),
            "0000001b6c65646765727365616c207365616c656420736861726573207632"
            "000000205cd252fb0ce8932436faf8ccd1040981b89ee4ad6b9fe9e2a2b7e71aacb27cd3"
            "000000020802");
}

// FORMAT.md §12.1's worked example: key 1 endorses key 2.
TEST(ServiceIdentityTest, EndorsementMessageBytes) {
  ServiceRecord r;
  r.identity_algorithm = 2;
  r.identity_public_key_der = FromHex(
      "3059301306072a8648ce3d020106082a8648ce3d030107034200047cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc"
      "4766997807775510db8ed040293d9ac69f7430dbba7dade63ce982299e04b79d227873d1");
  r.recovery_count = 1;
  r.created_at_version = 0x65;
  r.recovered_to_version = 0x64;
  r.recovered_tail_digest = Bytes(32, 0);
  const Bytes body = EndorsementBody(r);
  EXPECT_EQ(body.size(), 0xafu);
  const Bytes m = ServiceSignedMessage(kEndorsementDomain, FromHex(kKey1SpkiHex), body);
  ASSERT_EQ(m.size(), 252u);
  EXPECT_EQ(base::ToHex(ByteView(m).first(4 + 33 + 4 + 32 + 4)),
            "000000216c65646765727365616c207365727669636520656e646f7273656d656e74207631"
            "000000205cd252fb0ce8932436faf8ccd1040981b89ee4ad6b9fe9e2a2b7e71aacb27cd3000000af");
  EXPECT_EQ(base::ToHex(ByteView(m).subspan(4 + 33 + 4 + 32 + 4, 8)), "0000000400000002");
  EXPECT_EQ(base::ToHex(ByteView(m).last(3 * 12 + 36)),
            "00000008000000000000000100000008000000000000006500000008000000000000006400000020" + std::string(64, '0'));
}

TEST(ServiceIdentityTest, RefusesOtherAlgorithmsAndKeys) {
  EXPECT_FALSE(ServiceIdentityFromPublicKey(1, FromHex(kKey1SpkiHex)).has_value());
  EXPECT_FALSE(ServiceIdentityFromPublicKey(3, FromHex(kKey1SpkiHex)).has_value());
  Bytes truncated = FromHex(kKey1SpkiHex);
  truncated.pop_back();
  auto bad = ServiceIdentityFromPublicKey(2, truncated);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kCorruption);
  auto good = ServiceIdentityFromPublicKey(2, FromHex(kKey1SpkiHex));
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(good->service_id, "5cd252fb0ce8932436faf8ccd1040981");
}

TEST(ServiceIdentityTest, SignaturesVerifyOnlyForTheirDomainBodyAndSigner) {
  ServiceKey key = Key1();
  auto other = ServiceKey::Generate();
  ASSERT_TRUE(other.has_value());
  const Bytes body = base::ToBytes("record body");
  auto sig = key.Sign(kSealedSharesDomain, body);
  ASSERT_TRUE(sig.has_value());
  EXPECT_LE(sig->size(), 72u);
  EXPECT_TRUE(VerifyServiceSignature(key.identity(), kSealedSharesDomain, body, *sig).has_value());
  EXPECT_FALSE(VerifyServiceSignature(other->identity(), kSealedSharesDomain, body, *sig).has_value());
  EXPECT_FALSE(VerifyServiceSignature(key.identity(), "another domain", body, *sig).has_value());
  EXPECT_FALSE(VerifyServiceSignature(key.identity(), kSealedSharesDomain, base::ToBytes("record bodY"), *sig)
                   .has_value());
  EXPECT_FALSE(VerifyServiceSignature(key.identity(), kSealedSharesDomain, body, {}).has_value());
  Bytes flipped = *sig;
  flipped.back() ^= 1;
  EXPECT_FALSE(VerifyServiceSignature(key.identity(), kSealedSharesDomain, body, flipped).has_value());
}

TEST(ServiceIdentityTest, PluginsCannotSignEndorsements) {
  ServiceKey key = Key1();
  auto refused = key.Sign(kEndorsementDomain, base::ToBytes("x"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(key.Sign("", base::ToBytes("x")).has_value());
}

TEST(ServiceIdentityTest, KeyRoundTripsThroughPkcs8) {
  auto key = ServiceKey::Generate();
  ASSERT_TRUE(key.has_value());
  auto der = key->ToPkcs8Der();
  ASSERT_TRUE(der.has_value());
  auto again = ServiceKey::FromPkcs8Der(der->bytes());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->identity(), key->identity());
  EXPECT_EQ(ServiceKey::FromPkcs8Der(base::ToBytes("not a key")).error().code, ErrorCode::kCorruption);
}

ServiceRecord GenesisOf(const ServiceKey& key) {
  ServiceRecord record;
  record.service_id = key.identity().service_id;
  record.created_at_version = 1;
  record.identity_algorithm = 2;
  record.identity_public_key_der = key.identity().public_key_der;
  return record;
}

ServiceRecord SuccessorOf(const ServiceRecord& previous, const ServiceKey& next, Version at, const Bytes& digest) {
  ServiceRecord record;
  record.service_id = next.identity().service_id;
  record.created_at_version = at;
  record.previous_service_id = previous.service_id;
  record.recovery_count = previous.recovery_count + 1;
  record.identity_algorithm = 2;
  record.identity_public_key_der = next.identity().public_key_der;
  record.recovered_to_version = at - 1;
  record.recovered_tail_digest = digest;
  return record;
}

class ChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto second = ServiceKey::Generate();
    ASSERT_TRUE(second.has_value());
    second_.emplace(std::move(*second));
    genesis_ = GenesisOf(first_);
    successor_ = SuccessorOf(genesis_, *second_, 101, digest_);
    ASSERT_TRUE(first_.Endorse(successor_).has_value());
  }
  ServiceKey first_ = Key1();
  std::optional<ServiceKey> second_;
  Bytes digest_ = Bytes(32, 0xab);
  ServiceRecord genesis_;
  ServiceRecord successor_;
};

TEST_F(ChainTest, GenesisAndEndorsedSuccessorVerify) {
  EXPECT_TRUE(VerifyServiceRecord(nullptr, genesis_, 1, {}).has_value());
  EXPECT_TRUE(VerifyServiceRecord(&genesis_, successor_, 101, digest_).has_value());
}

TEST_F(ChainTest, EveryBrokenLinkIsNamed) {
  auto expect_broken = [&](const ServiceRecord* prev, const ServiceRecord& rec, Version v, const Bytes& digest,
                           std::string_view what) {
    auto s = VerifyServiceRecord(prev, rec, v, digest);
    ASSERT_FALSE(s.has_value()) << what;
    EXPECT_EQ(s.error().code, ErrorCode::kCorruption);
    EXPECT_NE(s.error().message.find("broken_endorsement at version " + std::to_string(v)), std::string::npos)
        << s.error().message;
    EXPECT_NE(s.error().message.find(what), std::string::npos) << s.error().message;
  };
  expect_broken(nullptr, genesis_, 2, {}, "created_at_version");
  ServiceRecord g = genesis_;
  g.service_id = "00000000000000000000000000000000";
  expect_broken(nullptr, g, 1, {}, "is not the id of its key");
  g = genesis_;
  g.recovery_count = 1;
  expect_broken(nullptr, g, 1, {}, "names a predecessor");
  expect_broken(nullptr, successor_, 101, digest_, "version 1");
  expect_broken(&genesis_, successor_, 101, Bytes(32, 0xac), "recovered_tail_digest");
  ServiceRecord s = successor_;
  s.recovery_count = 2;
  expect_broken(&genesis_, s, 101, digest_, "recovery_count");
  s = successor_;
  s.recovered_to_version = 99;
  expect_broken(&genesis_, s, 101, digest_, "recovered_to_version");
  s = successor_;
  s.previous_service_id = successor_.service_id;
  expect_broken(&genesis_, s, 101, digest_, "previous_service_id");
  // Self-endorsed: signed by the new key instead of the previous one.
  s = SuccessorOf(genesis_, *second_, 101, digest_);
  auto forged = ServiceRecord(s);
  forged.previous_service_id = second_->identity().service_id;
  ASSERT_TRUE(second_->Endorse(forged).has_value());
  s.endorsement = forged.endorsement;
  expect_broken(&genesis_, s, 101, digest_, "endorsement by");
  s = successor_;
  s.endorsement.clear();
  expect_broken(&genesis_, s, 101, digest_, "endorsement by");
}

TEST_F(ChainTest, EndorseRefusesASuccessorOfAnotherService) {
  ServiceRecord s = SuccessorOf(genesis_, *second_, 101, digest_);
  s.previous_service_id = "ffffffffffffffffffffffffffffffff";
  EXPECT_EQ(first_.Endorse(s).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledgerseal::kv
