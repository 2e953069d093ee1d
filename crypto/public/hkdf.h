// HKDF-SHA256 (RFC 5869), extract-then-expand, through OpenSSL's EVP_KDF.
#ifndef LEDGERSEAL_CRYPTO_PUBLIC_HKDF_H_
#define LEDGERSEAL_CRYPTO_PUBLIC_HKDF_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/public/crypto_status.h"

namespace ledgerseal::crypto {

inline constexpr size_t kSha256Bytes = 32;
// RFC 5869 §2.3: L <= 255 * HashLen.
inline constexpr size_t kHkdfSha256MaxOutputBytes = 255 * kSha256Bytes;

// Fills all of `out_key` with HKDF-SHA256(ikm, salt, info).
//
// An empty `salt` means "not provided" (RFC 5869: HashLen zero bytes, which
// HMAC treats identically); an empty `info` is the empty string.
//
// Preconditions: 1 <= out_key.size() <= kHkdfSha256MaxOutputBytes;
// ikm is not empty. Buffers may not overlap `out_key`.
// Errors: kInvalidArgument (sizes), kInternal (OpenSSL). On any error
// `out_key` is wiped, so a partial key never escapes.
// Thread safety: reentrant; no shared state.
CryptoStatus HkdfSha256(std::span<uint8_t> out_key, std::span<const uint8_t> ikm,
                        std::span<const uint8_t> salt, std::span<const uint8_t> info);

}  // namespace ledgerseal::crypto

#endif  // LEDGERSEAL_CRYPTO_PUBLIC_HKDF_H_
