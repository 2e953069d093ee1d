// Internal to crypto/ (ecies.cc) and its tests (through the testonly target
// //crypto:ecies_internal_for_testing): EciesP256Seal with the ephemeral key
// and IV chosen by the caller, so that a known-answer test can pin its bytes.
// Production code must not call it: sealing two messages with one ephemeral
// key reuses K, and then the IV alone must keep (K, IV) pairs unique.
#ifndef LEDGERSEAL_CRYPTO_ECIES_INTERNAL_H_
#define LEDGERSEAL_CRYPTO_ECIES_INTERNAL_H_

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/public/aes_gcm.h"
#include "crypto/public/crypto_status.h"
#include "crypto/public/ecies.h"

namespace ledgerseal::crypto::internal {

// EciesP256Seal (public/ecies.h) with E = `ephemeral` and the IV `iv`; same
// output layout, errors and wiping, except that nothing is drawn at random.
CryptoResult<std::vector<uint8_t>> EciesP256SealWithEphemeral(const EcdhPrivateKey& ephemeral,
                                                              const EcdhPublicKey& recipient,
                                                              std::span<const uint8_t, kAesGcmIvBytes> iv,
                                                              std::span<const uint8_t> plaintext,
                                                              std::span<const uint8_t> info);

}  // namespace ledgerseal::crypto::internal

#endif  // LEDGERSEAL_CRYPTO_ECIES_INTERNAL_H_
