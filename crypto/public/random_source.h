// Where IVs and wrapping keys come from. Injected everywhere so that tests
// can make sealing reproducible; production uses OpenSslRandomSource.
//
// Not covered: RSA and EC key generation, RSA-OAEP padding and the
// ephemeral key of ECIES (ecies.h) draw from OpenSSL's own DRBG
// (RAND_bytes), which cannot be redirected per call; so a key pair, an OAEP
// ciphertext and an ECIES ciphertext differ between runs even with a
// deterministic RandomSource. Everything else sealing draws (AES-GCM IVs,
// including ECIES's, and wrapping keys) comes from the injected source.
#ifndef LEDGERSEAL_CRYPTO_PUBLIC_RANDOM_SOURCE_H_
#define LEDGERSEAL_CRYPTO_PUBLIC_RANDOM_SOURCE_H_

#include <cstdint>
#include <span>

#include "crypto/public/crypto_status.h"

namespace ledgerseal::crypto {

class RandomSource {
 public:
  virtual ~RandomSource() = default;

  // Fills all of `out` with random bytes. On error `out` is wiped and must
  // not be used. Thread safety: defined by the implementation.
  virtual CryptoStatus Fill(std::span<uint8_t> out) = 0;
};

// Cryptographically secure bytes from OpenSSL's public DRBG (RAND_bytes).
// Thread safety: Fill may be called concurrently.
// Errors: kInternal if the DRBG is not seeded or fails.
class OpenSslRandomSource final : public RandomSource {
 public:
  CryptoStatus Fill(std::span<uint8_t> out) override;
};

}  // namespace ledgerseal::crypto

#endif  // LEDGERSEAL_CRYPTO_PUBLIC_RANDOM_SOURCE_H_
