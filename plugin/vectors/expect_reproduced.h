// TEST ONLY: the recomputations every vector file's reproduce test makes
// from a vector's own fields (formats 1 and 3 alike): the derived key from
// its `virtual` platform, and the AES-GCM ciphertexts and tags from its
// documented keys, IVs and AADs (AES-GCM is deterministic given those).
#ifndef LEDGERSEAL_PLUGIN_VECTORS_EXPECT_REPRODUCED_H_
#define LEDGERSEAL_PLUGIN_VECTORS_EXPECT_REPRODUCED_H_

#include <gtest/gtest.h>

#include <array>
#include <span>

#include "crypto/public/aes_gcm.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/pem.h"
#include "plugin/vectors/platform_json.h"
#include "plugin/vectors/vector_fields.h"

namespace ledgerseal::vectors {

// derived_key_hex comes from the real `virtual` platform given the vector's
// own machine secret, launch and request.
inline void ExpectDerivedKeyReproduced(const VectorFields& v) {
  auto provider = ProviderFromJson(v.virtual_platform);
  ASSERT_TRUE(provider) << provider.error();
  EXPECT_EQ((*provider)->platform_name(), v.platform);
  auto key = (*provider)->GetDerivedKey(v.request);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(Hex(key->bytes()), Hex(v.derived_key));
}

// Sealing again with the documented values gives the documented sealed
// private key and wrapped ledger secret. For success cases (the others may
// hold altered bytes on purpose).
inline void ExpectAesGcmReproduced(const VectorFields& v) {
  auto pkcs8 = PemToDer(kPrivateKeyPemLabel, v.private_key_pem);
  ASSERT_TRUE(pkcs8) << pkcs8.error();
  ASSERT_EQ(v.sealing_key.size(), 32u);
  ASSERT_EQ(v.wrapping_key.size(), 32u);
  ASSERT_EQ(v.sealed_key.iv.size(), 12u);
  ASSERT_EQ(v.wrapped_secret.iv.size(), 12u);
  Bytes ciphertext(pkcs8->size());
  std::array<uint8_t, 16> tag{};
  ASSERT_TRUE(crypto::Aes256GcmSeal(ciphertext, tag, std::span<const uint8_t, 32>(v.sealing_key),
                                    std::span<const uint8_t, 12>(v.sealed_key.iv), *pkcs8, v.sealed_key.aad));
  EXPECT_EQ(Hex(ciphertext), Hex(v.sealed_key.ciphertext));
  EXPECT_EQ(Hex(tag), Hex(v.sealed_key.tag));
  ciphertext.resize(v.ledger_secret.size());
  ASSERT_TRUE(crypto::Aes256GcmSeal(ciphertext, tag, std::span<const uint8_t, 32>(v.wrapping_key),
                                    std::span<const uint8_t, 12>(v.wrapped_secret.iv), v.ledger_secret,
                                    v.wrapped_secret.aad));
  EXPECT_EQ(Hex(ciphertext), Hex(v.wrapped_secret.ciphertext));
  EXPECT_EQ(Hex(tag), Hex(v.wrapped_secret.tag));
}

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_EXPECT_REPRODUCED_H_
