// The raw-OpenSSL baseline of ECIES P-256 (crypto/public/ecies.h's
// construction: ECDH with a fresh ephemeral key, HKDF-SHA256 over the label
// and both public keys and `info`, AES-256-GCM with `info` as AAD), written
// with EVP calls directly for //plugin/bench, as a tuned implementation
// would: the recipient's key already parsed, no checks beyond OpenSSL's own.
#ifndef LEDGERSEAL_PLUGIN_BENCH_RAW_ECIES_H_
#define LEDGERSEAL_PLUGIN_BENCH_RAW_ECIES_H_

#include <openssl/evp.h>

#include <cstdint>
#include <span>
#include <string>

#include "plugin/bench/raw_openssl.h"

namespace ledgerseal::bench {

// Seals `message` to `recipient` (an EC P-256 public key whose canonical
// SubjectPublicKeyInfo is `recipient_spki`) under `info`: the sealed layout
// of crypto/public/ecies.h (point || IV || ciphertext || tag). The ephemeral
// key and the IV come from OpenSSL's DRBG. Errors: the failed EVP step.
base::Expected<Bytes, std::string> RawEciesSeal(const RawCrypto& crypto, EVP_PKEY* recipient,
                                               std::span<const uint8_t> recipient_spki,
                                               std::span<const uint8_t> info,
                                               std::span<const uint8_t> message);

// Opens what RawEciesSeal (or crypto::EciesP256Seal) sealed to the key pair
// `recipient` (SPKI `recipient_spki`). Errors: the failed EVP step,
// including a tag that does not verify.
base::Expected<Bytes, std::string> RawEciesOpen(const RawCrypto& crypto, EVP_PKEY* recipient,
                                               std::span<const uint8_t> recipient_spki,
                                               std::span<const uint8_t> info,
                                               std::span<const uint8_t> sealed);

}  // namespace ledgerseal::bench

#endif  // LEDGERSEAL_PLUGIN_BENCH_RAW_ECIES_H_
