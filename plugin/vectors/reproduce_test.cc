// Everything deterministic in the vectors is recomputed — from the
// generator's case specs, and from the vector's own platform fields — and
// compared with the checked-in values.
#include <array>

#include "kvstore_adapter/public/types.h"
#include "crypto/public/aes_gcm.h"
#include "plugin/vectors/deterministic_parts.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/pem.h"
#include "plugin/vectors/platform_json.h"
#include "plugin/vectors/vectors_fixture.h"

namespace ledgerseal::vectors {
namespace {

using base::ToBytes;

void ExpectPlatformParts(const DeterministicParts& parts, const VectorFields& v) {
  EXPECT_EQ(Hex(parts.machine_secret), v.virtual_platform["machine_secret_hex"]);
  EXPECT_EQ(Json::parse(parts.launch_json), v.virtual_platform["launch"]);
  EXPECT_EQ(parts.request, v.request);
  EXPECT_EQ(Hex(parts.derived_key), Hex(v.derived_key));
  EXPECT_EQ(Hex(parts.sealing_key), Hex(v.sealing_key));
  EXPECT_EQ(Hex(parts.key_id), Hex(v.key_id));
}

void ExpectDraws(const CaseSpec& spec, const DeterministicParts& parts, const VectorFields& v) {
  EXPECT_EQ(v.recovery_key_seed, ToBytes(RecoveryKeySeedOf(spec)));
  EXPECT_EQ(v.shares_seed, ToBytes(SharesSeedOf(spec)));
  EXPECT_EQ(Hex(parts.recovery_key_iv), Hex(v.sealed_key.iv));
  EXPECT_EQ(Hex(parts.wrapping_key), Hex(v.wrapping_key));
  EXPECT_EQ(Hex(parts.wrapped_secret_iv), Hex(v.wrapped_secret.iv));
  EXPECT_EQ(Hex(parts.ledger_secret), Hex(v.ledger_secret));
}

void ExpectNames(const CaseSpec& spec, const VectorFields& v) {
  EXPECT_EQ(v.service_id, spec.service_id);
  EXPECT_EQ(v.ledger_secret_version, spec.ledger_secret_version);
  if (spec.tamper == Tamper::kSealedKeyAadIdentity) return;  // renamed on purpose
  EXPECT_EQ(v.sealing_identity, spec.sealing_identity);
  EXPECT_EQ(v.node_id, spec.node_id);
}

TEST_F(SealingVectorsTest, GeneratorsDeterministicPartsAreReproduced) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    const CaseSpec* spec = SpecFor(v);
    if (spec == nullptr) continue;
    auto parts = ComputeDeterministicParts(*spec);
    ASSERT_TRUE(parts) << parts.error();
    ExpectPlatformParts(*parts, v);
    ExpectDraws(*spec, *parts, v);
    ExpectNames(*spec, v);
  }
}

// derived_key_hex comes from the real `virtual` platform given the vector's
// own machine secret, launch and request.
TEST_F(SealingVectorsTest, VirtualPlatformFieldsDeriveTheDerivedKey) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto provider = ProviderFromJson(v.virtual_platform);
    ASSERT_TRUE(provider) << provider.error();
    EXPECT_EQ((*provider)->platform_name(), v.platform);
    auto key = (*provider)->GetDerivedKey(v.request);
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_EQ(Hex(key->bytes()), Hex(v.derived_key));
  }
}

// AES-GCM is deterministic given key, IV, AAD and plaintext: sealing again
// with the documented values gives the documented ciphertexts and tags.
TEST_F(SealingVectorsTest, AesGcmCiphertextsAreReproduced) {
  for (const VectorFields& v : cases_) {
    if (!v.expects_success()) continue;
    SCOPED_TRACE(v.id);
    auto pkcs8 = PemToDer(kPrivateKeyPemLabel, v.private_key_pem);
    ASSERT_TRUE(pkcs8) << pkcs8.error();
    ASSERT_EQ(v.sealing_key.size(), 32u);
    ASSERT_EQ(v.wrapping_key.size(), 32u);
    ASSERT_EQ(v.sealed_key.iv.size(), 12u);
    ASSERT_EQ(v.wrapped_secret.iv.size(), 12u);
    Bytes ciphertext(pkcs8->size());
    std::array<uint8_t, 16> tag{};
    ASSERT_TRUE(crypto::Aes256GcmSeal(ciphertext, tag, std::span<const uint8_t, 32>(v.sealing_key),
                                      std::span<const uint8_t, 12>(v.sealed_key.iv), *pkcs8,
                                      v.sealed_key.aad));
    EXPECT_EQ(Hex(ciphertext), Hex(v.sealed_key.ciphertext));
    EXPECT_EQ(Hex(tag), Hex(v.sealed_key.tag));
    ciphertext.resize(v.ledger_secret.size());
    ASSERT_TRUE(crypto::Aes256GcmSeal(ciphertext, tag, std::span<const uint8_t, 32>(v.wrapping_key),
                                      std::span<const uint8_t, 12>(v.wrapped_secret.iv),
                                      v.ledger_secret, v.wrapped_secret.aad));
    EXPECT_EQ(Hex(ciphertext), Hex(v.wrapped_secret.ciphertext));
    EXPECT_EQ(Hex(tag), Hex(v.wrapped_secret.tag));
  }
}

}  // namespace
}  // namespace ledgerseal::vectors
