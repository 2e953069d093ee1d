// k-of-n secret sharing: Shamir's scheme over GF(2^8), by Debian's
// libgfshare (no field arithmetic of our own). Each byte of the secret is
// the constant term of a random polynomial of degree k - 1; share x is the
// polynomial's value at x. Any k shares give the secret; fewer give no
// information about it.
//
// A share carries no integrity: a corrupted share, or too few, combine to a
// wrong secret without any error. Callers commit to each share and check
// what a combination gives (docs/RECOVERY_SHARES.md).
#ifndef LEDGERSEAL_CRYPTO_PUBLIC_SHAMIR_H_
#define LEDGERSEAL_CRYPTO_PUBLIC_SHAMIR_H_

#include <cstdint>
#include <span>
#include <vector>

#include "base/secret_bytes.h"
#include "crypto/public/crypto_status.h"

namespace ledgerseal::crypto {

inline constexpr unsigned kShamirMaxShares = 255;       // x is one non-zero byte
inline constexpr size_t kShamirMaxSecretBytes = 65536;  // far above any key

struct ShamirShare {
  uint8_t x = 0;         // 1..255: the point the share was evaluated at
  base::SecretBytes y;   // as long as the secret; wiped on destruction
};

// Splits `secret` into `share_count` shares at x = 1..share_count, any
// `threshold` of which recover it.
//
// Randomness: OpenSSL's DRBG (RAND_bytes) for the polynomials' coefficients
// (libgfshare has no default source, and its fallback is random(), which is
// not cryptographic). libgfshare's random hook is a process-wide function
// pointer: this library sets it once, and nothing else in the process may
// set it.
// Preconditions: 1 <= threshold <= share_count <= kShamirMaxShares;
// 1 <= secret.size() <= kShamirMaxSecretBytes.
// Errors: kInvalidArgument (the preconditions); kInternal (the DRBG failed,
// or libgfshare refused: nothing is returned). The coefficients are wiped.
// Thread safety: reentrant.
CryptoResult<std::vector<ShamirShare>> ShamirSplit(std::span<const uint8_t> secret, unsigned threshold,
                                                   unsigned share_count);

// Recovers the secret from `shares`. With at least the threshold's number
// of correct shares the result is the secret; otherwise it is some other
// value (indistinguishable from it without a commitment).
// Errors: kInvalidArgument (no shares, more than kShamirMaxShares, an x of
// 0, two shares with the same x, shares of different lengths or empty);
// kInternal (libgfshare refused).
// Thread safety: reentrant.
CryptoResult<base::SecretBytes> ShamirCombine(std::span<const ShamirShare> shares);

}  // namespace ledgerseal::crypto

#endif  // LEDGERSEAL_CRYPTO_PUBLIC_SHAMIR_H_
