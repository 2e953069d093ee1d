// Service-identity signatures: each algorithm signs and verifies, refuses
// a signature over another message, under another key, altered, truncated
// or empty; keys round-trip through DER and are refused as another
// algorithm's or curve's.
#include "crypto/public/signature.h"

#include <gtest/gtest.h>

#include "base/testing/hex.h"

#include <string>
#include <vector>

#include "base/bytes.h"

namespace ledgerseal::crypto {
namespace {

class SignatureTest : public ::testing::TestWithParam<SignatureAlgorithm> {};

std::vector<uint8_t> Message(std::string_view text) { return base::ToBytes(text); }

TEST_P(SignatureTest, SignsAndVerifiesAndRefusesEverythingElse) {
  auto key = SigningKey::Generate(GetParam());
  ASSERT_TRUE(key) << key.error().ToString();
  auto der = key->PublicKeyDer();
  ASSERT_TRUE(der);
  auto verifier = VerifyingKey::FromDer(GetParam(), *der);
  ASSERT_TRUE(verifier) << verifier.error().ToString();

  const auto message = Message("sealing.shares v7 of service 0123");
  auto signature = key->Sign(message);
  ASSERT_TRUE(signature) << signature.error().ToString();
  EXPECT_TRUE(verifier->Verify(message, *signature));

  auto other_message = verifier->Verify(Message("sealing.shares v8 of service 0123"), *signature);
  ASSERT_FALSE(other_message);
  EXPECT_EQ(other_message.error().code, CryptoErrorCode::kAuthenticationFailed);

  auto flipped = *signature;
  flipped[flipped.size() / 2] ^= 0x01;
  EXPECT_EQ(verifier->Verify(message, flipped).error().code, CryptoErrorCode::kAuthenticationFailed);
  const std::vector<uint8_t> truncated(signature->begin(), signature->end() - 1);
  EXPECT_EQ(verifier->Verify(message, truncated).error().code, CryptoErrorCode::kAuthenticationFailed);
  EXPECT_EQ(verifier->Verify(message, {}).error().code, CryptoErrorCode::kAuthenticationFailed);

  auto other_key = SigningKey::Generate(GetParam());
  ASSERT_TRUE(other_key);
  auto other_signature = other_key->Sign(message);
  ASSERT_TRUE(other_signature);
  EXPECT_EQ(verifier->Verify(message, *other_signature).error().code, CryptoErrorCode::kAuthenticationFailed);
}

TEST_P(SignatureTest, PrivateKeyRoundTripsThroughPkcs8) {
  auto key = SigningKey::Generate(GetParam());
  ASSERT_TRUE(key);
  auto pkcs8 = key->ToPkcs8Der();
  ASSERT_TRUE(pkcs8);
  auto again = SigningKey::FromPkcs8Der(GetParam(), pkcs8->bytes());
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(*again->PublicKeyDer(), *key->PublicKeyDer());
  const auto message = Message("endorsement");
  auto signature = again->Sign(message);
  ASSERT_TRUE(signature);
  EXPECT_TRUE(VerifyingKey::FromDer(GetParam(), *key->PublicKeyDer())->Verify(message, *signature));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, SignatureTest,
                         ::testing::Values(SignatureAlgorithm::kEd25519, SignatureAlgorithm::kEcdsaP256Sha256,
                                           SignatureAlgorithm::kEcdsaP384Sha384),
                         [](const auto& info) { return std::string(SignatureAlgorithmName(info.param)); });

TEST(SignatureKeysTest, AKeyOfAnotherAlgorithmOrCurveIsRefused) {
  auto ed = SigningKey::Generate(SignatureAlgorithm::kEd25519);
  auto p256 = SigningKey::Generate(SignatureAlgorithm::kEcdsaP256Sha256);
  ASSERT_TRUE(ed && p256);
  EXPECT_EQ(VerifyingKey::FromDer(SignatureAlgorithm::kEcdsaP256Sha256, *ed->PublicKeyDer()).error().code,
            CryptoErrorCode::kDecodeFailed);
  auto wrong_curve = VerifyingKey::FromDer(SignatureAlgorithm::kEcdsaP384Sha384, *p256->PublicKeyDer());
  ASSERT_FALSE(wrong_curve);
  EXPECT_EQ(wrong_curve.error().code, CryptoErrorCode::kUnsupportedKey) << wrong_curve.error().ToString();
  auto der = *ed->PublicKeyDer();
  der.push_back(0);
  EXPECT_EQ(VerifyingKey::FromDer(SignatureAlgorithm::kEd25519, der).error().code, CryptoErrorCode::kDecodeFailed);
  EXPECT_EQ(VerifyingKey::FromDer(SignatureAlgorithm::kEd25519, {}).error().code, CryptoErrorCode::kDecodeFailed);
}

// A P-256 PKCS#8 whose stored public point (that of d = 2) is not its
// scalar's (d = 1): signing with it would publish signatures under a key
// nobody announced. Refused at import.
TEST(SignatureKeysTest, APkcs8WhosePublicHalfDoesNotMatchIsRefused) {
  const auto der = ledgerseal::testing::FromHex(
      "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420000000000000000000000000000000000000"
      "0000000000000000000000000001a144034200047cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc476699780777"
      "5510db8ed040293d9ac69f7430dbba7dade63ce982299e04b79d227873d1");
  auto key = SigningKey::FromPkcs8Der(SignatureAlgorithm::kEcdsaP256Sha256, der);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, CryptoErrorCode::kDecodeFailed);
}

TEST(SignatureKeysTest, Ed25519SignaturesAreDeterministicAnd64Bytes) {
  auto key = SigningKey::Generate(SignatureAlgorithm::kEd25519);
  ASSERT_TRUE(key);
  const auto message = Message("m");
  auto a = key->Sign(message);
  auto b = key->Sign(message);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), 64u);
  EXPECT_EQ(*a, *b);
}

}  // namespace
}  // namespace ledgerseal::crypto
