#include <gtest/gtest.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "crypto/public/rsa_key.h"
#include "crypto/public/rsa_oaep.h"
#include "base/testing/hex.h"

namespace ledgerseal::crypto {
namespace {

using base::AsBytes;

std::vector<uint8_t> Bytes(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

// Keys are generated once per suite: RSA keygen dominates the test time.
class RsaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto k2048 = RsaPrivateKey::Generate(2048);
    ASSERT_TRUE(k2048) << k2048.error().ToString();
    key_2048_ = new RsaPrivateKey(std::move(*k2048));
    auto k3072 = RsaPrivateKey::Generate(3072);
    ASSERT_TRUE(k3072) << k3072.error().ToString();
    key_3072_ = new RsaPrivateKey(std::move(*k3072));
  }
  static void TearDownTestSuite() {
    delete key_2048_;
    delete key_3072_;
  }

  static RsaPublicKey PublicOf(const RsaPrivateKey& key) {
    auto der = key.PublicKeyDer();
    EXPECT_TRUE(der);
    auto pub = RsaPublicKey::FromDer(*der);
    EXPECT_TRUE(pub) << pub.error().ToString();
    return std::move(*pub);
  }

  static RsaPrivateKey* key_2048_;
  static RsaPrivateKey* key_3072_;
};
RsaPrivateKey* RsaTest::key_2048_ = nullptr;
RsaPrivateKey* RsaTest::key_3072_ = nullptr;

TEST_F(RsaTest, GeneratedKeysHaveRequestedSize) {
  EXPECT_EQ(key_2048_->rsa_bits(), 2048u);
  EXPECT_EQ(key_2048_->modulus_bytes(), 256u);
  EXPECT_EQ(key_3072_->rsa_bits(), 3072u);
  EXPECT_EQ(key_3072_->modulus_bytes(), 384u);
}

TEST_F(RsaTest, Generate4096) {
  auto key = RsaPrivateKey::Generate(4096);
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(key->rsa_bits(), 4096u);
  const auto pub = PublicOf(*key);
  auto ct = RsaOaepSha256Encrypt(pub, AsBytes("k"), AsBytes("label"));
  ASSERT_TRUE(ct);
  EXPECT_EQ(ct->size(), 512u);
  auto pt = RsaOaepSha256Decrypt(*key, *ct, AsBytes("label"));
  ASSERT_TRUE(pt);
  EXPECT_EQ(Bytes(pt->bytes()), Bytes(AsBytes("k")));
}

TEST_F(RsaTest, GenerateRejectsUnsupportedSizes) {
  for (size_t bits : {0u, 1024u, 2047u, 3000u, 8192u}) {
    auto key = RsaPrivateKey::Generate(bits);
    ASSERT_FALSE(key) << bits;
    EXPECT_EQ(key.error().code, CryptoErrorCode::kInvalidArgument) << bits;
  }
}

TEST_F(RsaTest, PublicKeyDerRoundTrips) {
  auto der = key_3072_->PublicKeyDer();
  ASSERT_TRUE(der);
  auto pub = RsaPublicKey::FromDer(*der);
  ASSERT_TRUE(pub) << pub.error().ToString();
  EXPECT_EQ(pub->rsa_bits(), 3072u);
  auto again = pub->ToDer();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *der);
  // SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { rsaEncryption OID, NULL }, BIT STRING }.
  EXPECT_EQ((*der)[0], 0x30);
}

TEST_F(RsaTest, PrivateKeyPkcs8RoundTrips) {
  auto der = key_3072_->ToPkcs8Der();
  ASSERT_TRUE(der);
  auto key = RsaPrivateKey::FromPkcs8Der(der->bytes());
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(key->rsa_bits(), 3072u);
  auto again = key->ToPkcs8Der();
  ASSERT_TRUE(again);
  EXPECT_TRUE(*again == *der);
  EXPECT_EQ(*key->PublicKeyDer(), *key_3072_->PublicKeyDer());
}

TEST_F(RsaTest, ImportRejectsGarbageTruncationAndTrailingBytes) {
  auto pub_der = *key_2048_->PublicKeyDer();
  auto priv = *key_2048_->ToPkcs8Der();
  std::vector<uint8_t> priv_der = Bytes(priv.bytes());

  auto expect_decode_failure = [](auto result, const char* what) {
    ASSERT_FALSE(result) << what;
    EXPECT_EQ(result.error().code, CryptoErrorCode::kDecodeFailed) << what;
  };
  expect_decode_failure(RsaPublicKey::FromDer({}), "empty public");
  expect_decode_failure(RsaPrivateKey::FromPkcs8Der({}), "empty private");
  expect_decode_failure(RsaPublicKey::FromDer(AsBytes("not a key")), "garbage public");
  expect_decode_failure(RsaPrivateKey::FromPkcs8Der(AsBytes("not a key")), "garbage private");

  auto truncated = pub_der;
  truncated.pop_back();
  expect_decode_failure(RsaPublicKey::FromDer(truncated), "truncated public");
  auto truncated_priv = priv_der;
  truncated_priv.resize(priv_der.size() / 2);
  expect_decode_failure(RsaPrivateKey::FromPkcs8Der(truncated_priv), "truncated private");

  auto trailing = pub_der;
  trailing.push_back(0);
  expect_decode_failure(RsaPublicKey::FromDer(trailing), "trailing public");
  auto trailing_priv = priv_der;
  trailing_priv.push_back(0);
  expect_decode_failure(RsaPrivateKey::FromPkcs8Der(trailing_priv), "trailing private");

  // The two structures are not interchangeable.
  expect_decode_failure(RsaPublicKey::FromDer(priv_der), "private as public");
  expect_decode_failure(RsaPrivateKey::FromPkcs8Der(pub_der), "public as private");
}

// DER of a key generated directly with OpenSSL, for the "wrong key" cases.
std::vector<uint8_t> EncodeWithOpenSsl(EVP_PKEY* pkey, int selection, const char* structure) {
  OSSL_ENCODER_CTX* ctx = OSSL_ENCODER_CTX_new_for_pkey(pkey, selection, "DER", structure, nullptr);
  uint8_t* data = nullptr;
  size_t len = 0;
  EXPECT_EQ(OSSL_ENCODER_to_data(ctx, &data, &len), 1);
  OSSL_ENCODER_CTX_free(ctx);
  std::vector<uint8_t> out(data, data + len);
  OPENSSL_clear_free(data, len);
  return out;
}

TEST_F(RsaTest, ImportRejectsNonRsaAndUnsupportedSizes) {
  EVP_PKEY* ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  ASSERT_NE(ec, nullptr);
  auto ec_pub =
      RsaPublicKey::FromDer(EncodeWithOpenSsl(ec, EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo"));
  auto ec_priv =
      RsaPrivateKey::FromPkcs8Der(EncodeWithOpenSsl(ec, EVP_PKEY_KEYPAIR, "PrivateKeyInfo"));
  EVP_PKEY_free(ec);
  // The decoder is asked for RSA keys only, so an EC key fails either as
  // "undecodable" or as "unsupported"; both are refusals.
  ASSERT_FALSE(ec_pub);
  ASSERT_FALSE(ec_priv);

  EVP_PKEY* small = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024});
  ASSERT_NE(small, nullptr);
  auto small_pub =
      RsaPublicKey::FromDer(EncodeWithOpenSsl(small, EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo"));
  auto small_priv =
      RsaPrivateKey::FromPkcs8Der(EncodeWithOpenSsl(small, EVP_PKEY_KEYPAIR, "PrivateKeyInfo"));
  EVP_PKEY_free(small);
  ASSERT_FALSE(small_pub);
  EXPECT_EQ(small_pub.error().code, CryptoErrorCode::kUnsupportedKey);
  ASSERT_FALSE(small_priv);
  EXPECT_EQ(small_priv.error().code, CryptoErrorCode::kUnsupportedKey);
}

TEST_F(RsaTest, OaepRoundTripAtMaximumPlaintext) {
  const auto pub = PublicOf(*key_2048_);
  std::vector<uint8_t> plaintext(256 - kRsaOaepSha256OverheadBytes, 0x42);
  auto ct = RsaOaepSha256Encrypt(pub, plaintext, AsBytes("ctx"));
  ASSERT_TRUE(ct) << ct.error().ToString();
  auto pt = RsaOaepSha256Decrypt(*key_2048_, *ct, AsBytes("ctx"));
  ASSERT_TRUE(pt) << pt.error().ToString();
  EXPECT_EQ(Bytes(pt->bytes()), plaintext);

  plaintext.push_back(0);
  auto too_long = RsaOaepSha256Encrypt(pub, plaintext, AsBytes("ctx"));
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, CryptoErrorCode::kInvalidArgument);
}

TEST_F(RsaTest, OaepIsRandomised) {
  const auto pub = PublicOf(*key_2048_);
  auto a = RsaOaepSha256Encrypt(pub, AsBytes("same"), AsBytes("l"));
  auto b = RsaOaepSha256Encrypt(pub, AsBytes("same"), AsBytes("l"));
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
}

TEST_F(RsaTest, OaepEmptyLabelAndEmptyPlaintext) {
  const auto pub = PublicOf(*key_2048_);
  auto ct = RsaOaepSha256Encrypt(pub, {}, {});
  ASSERT_TRUE(ct);
  auto pt = RsaOaepSha256Decrypt(*key_2048_, *ct, {});
  ASSERT_TRUE(pt);
  EXPECT_TRUE(pt->empty());
  auto labelled = RsaOaepSha256Decrypt(*key_2048_, *ct, AsBytes("x"));
  ASSERT_FALSE(labelled);
  EXPECT_EQ(labelled.error().code, CryptoErrorCode::kDecryptionFailed);
}

TEST_F(RsaTest, OaepWrongLabelFails) {
  const auto pub = PublicOf(*key_2048_);
  auto ct = RsaOaepSha256Encrypt(pub, AsBytes("secret"), AsBytes("label-a"));
  ASSERT_TRUE(ct);
  for (const char* label : {"label-b", "label-a ", "label-", ""}) {
    auto pt = RsaOaepSha256Decrypt(*key_2048_, *ct, AsBytes(label));
    ASSERT_FALSE(pt) << label;
    EXPECT_EQ(pt.error().code, CryptoErrorCode::kDecryptionFailed) << label;
  }
}

TEST_F(RsaTest, OaepWrongKeyFailsOrRejectsSize) {
  const auto pub_2048 = PublicOf(*key_2048_);
  auto ct = RsaOaepSha256Encrypt(pub_2048, AsBytes("secret"), AsBytes("l"));
  ASSERT_TRUE(ct);
  // A 3072-bit key cannot even take a 256-byte ciphertext.
  auto wrong_size = RsaOaepSha256Decrypt(*key_3072_, *ct, AsBytes("l"));
  ASSERT_FALSE(wrong_size);
  EXPECT_EQ(wrong_size.error().code, CryptoErrorCode::kInvalidArgument);
  // Another key of the same size.
  auto other = RsaPrivateKey::Generate(2048);
  ASSERT_TRUE(other);
  auto pt = RsaOaepSha256Decrypt(*other, *ct, AsBytes("l"));
  ASSERT_FALSE(pt);
  EXPECT_EQ(pt.error().code, CryptoErrorCode::kDecryptionFailed);
}

TEST_F(RsaTest, OaepEveryFlippedCiphertextByteFails) {
  const auto pub = PublicOf(*key_2048_);
  auto ct = RsaOaepSha256Encrypt(pub, AsBytes("0123456789abcdef0123456789abcdef"), AsBytes("l"));
  ASSERT_TRUE(ct);
  for (size_t i = 0; i < ct->size(); ++i) {
    auto tampered = *ct;
    tampered[i] ^= 0x01;
    auto pt = RsaOaepSha256Decrypt(*key_2048_, tampered, AsBytes("l"));
    ASSERT_FALSE(pt) << "byte " << i;
    EXPECT_EQ(pt.error().code, CryptoErrorCode::kDecryptionFailed) << "byte " << i;
  }
}

// --- Independent check of the OAEP parameters --------------------------------
// Undo our ciphertext with raw RSA and decode RFC 8017 §7.1.2 EME-OAEP by
// hand with SHA-256 and MGF1-SHA-256: this pins the digest, the MGF1 digest
// and the label handling that FORMAT.md promises, independently of the
// wrapper's own decrypt path.

std::vector<uint8_t> Sha256(std::span<const uint8_t> in) {
  std::vector<uint8_t> out(32);
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(in.data(), in.size(), out.data(), &len, EVP_sha256(), nullptr), 1);
  return out;
}

std::vector<uint8_t> Mgf1Sha256(std::span<const uint8_t> seed, size_t length) {
  std::vector<uint8_t> out;
  for (uint32_t counter = 0; out.size() < length; ++counter) {
    std::vector<uint8_t> block(seed.begin(), seed.end());
    for (int shift = 24; shift >= 0; shift -= 8) block.push_back((counter >> shift) & 0xff);
    const auto digest = Sha256(block);
    out.insert(out.end(), digest.begin(), digest.end());
  }
  out.resize(length);
  return out;
}

std::vector<uint8_t> RawRsaDecrypt(const RsaPrivateKey& key, std::span<const uint8_t> ct) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey(), nullptr);
  EXPECT_EQ(EVP_PKEY_decrypt_init(ctx), 1);
  EXPECT_GT(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING), 0);
  std::vector<uint8_t> em(key.modulus_bytes());
  size_t len = em.size();
  EXPECT_EQ(EVP_PKEY_decrypt(ctx, em.data(), &len, ct.data(), ct.size()), 1);
  EVP_PKEY_CTX_free(ctx);
  em.resize(len);
  return em;
}

TEST_F(RsaTest, OaepEncodingIsSha256WithMgf1Sha256AndLabel) {
  const auto pub = PublicOf(*key_2048_);
  const auto message = AsBytes("wrapping key bytes");
  const auto label = AsBytes("the label");
  auto ct = RsaOaepSha256Encrypt(pub, message, label);
  ASSERT_TRUE(ct);
  const auto em = RawRsaDecrypt(*key_2048_, *ct);
  ASSERT_EQ(em.size(), 256u);
  constexpr size_t kHashBytes = 32;
  EXPECT_EQ(em[0], 0);
  std::span<const uint8_t> masked_seed(em.data() + 1, kHashBytes);
  std::span<const uint8_t> masked_db(em.data() + 1 + kHashBytes, em.size() - 1 - kHashBytes);
  const auto seed_mask = Mgf1Sha256(masked_db, kHashBytes);
  std::vector<uint8_t> seed(kHashBytes);
  for (size_t i = 0; i < kHashBytes; ++i) seed[i] = masked_seed[i] ^ seed_mask[i];
  const auto db_mask = Mgf1Sha256(seed, masked_db.size());
  std::vector<uint8_t> db(masked_db.size());
  for (size_t i = 0; i < db.size(); ++i) db[i] = masked_db[i] ^ db_mask[i];

  // DB = lHash || PS (zeros) || 0x01 || M
  EXPECT_EQ(std::vector<uint8_t>(db.begin(), db.begin() + kHashBytes), Sha256(label));
  auto one = std::find_if(db.begin() + kHashBytes, db.end(), [](uint8_t b) { return b != 0; });
  ASSERT_NE(one, db.end());
  EXPECT_EQ(*one, 0x01);
  EXPECT_EQ(std::vector<uint8_t>(one + 1, db.end()), Bytes(message));
}

}  // namespace
}  // namespace ledgerseal::crypto
