// SHA-256 through OpenSSL EVP: service ids (a commitment to the identity's
// public key) and the tail digest an endorsement binds.
#ifndef LEDGERSEAL_CRYPTO_PUBLIC_SHA256_H_
#define LEDGERSEAL_CRYPTO_PUBLIC_SHA256_H_

#include <array>
#include <cstdint>
#include <span>

#include "crypto/public/crypto_status.h"

namespace ledgerseal::crypto {

using Sha256Digest = std::array<uint8_t, 32>;

// SHA-256 of `data`. Thread-safe. Errors: kInternal (OpenSSL failed to
// allocate or run the digest; never a partial result).
CryptoResult<Sha256Digest> Sha256(std::span<const uint8_t> data);

// Whether SHA-256(`data`) is `digest`, compared in constant time (CRYPTO_memcmp):
// for checking that a secret is one seen before without keeping a copy of
// it. False if the digest could not be computed. Thread-safe.
bool Sha256Matches(const Sha256Digest& digest, std::span<const uint8_t> data);

}  // namespace ledgerseal::crypto

#endif  // LEDGERSEAL_CRYPTO_PUBLIC_SHA256_H_
