// AES-256-GCM with an explicit 96-bit IV, additional authenticated data and
// a full 128-bit tag, through OpenSSL's EVP_CIPHER_CTX.
#ifndef LEDGERSEAL_CRYPTO_PUBLIC_AES_GCM_H_
#define LEDGERSEAL_CRYPTO_PUBLIC_AES_GCM_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/public/crypto_status.h"

namespace ledgerseal::crypto {

inline constexpr size_t kAes256KeyBytes = 32;
inline constexpr size_t kAesGcmIvBytes = 12;
inline constexpr size_t kAesGcmTagBytes = 16;

// Encrypts `plaintext` into `ciphertext` and writes the tag.
//
// Preconditions: ciphertext.size() == plaintext.size() (GCM does not expand);
// the two either are the same buffer or do not overlap. The (key, iv) pair
// must never be reused for a different message — callers draw the IV from a
// RandomSource. Empty plaintext and empty AAD are allowed.
// Errors: kInvalidArgument (sizes), kInternal (OpenSSL). On error the
// outputs are wiped (so is the plaintext when encrypting in place).
// Thread safety: reentrant; no shared state.
CryptoStatus Aes256GcmSeal(std::span<uint8_t> ciphertext, std::span<uint8_t, kAesGcmTagBytes> tag,
                           std::span<const uint8_t, kAes256KeyBytes> key,
                           std::span<const uint8_t, kAesGcmIvBytes> iv,
                           std::span<const uint8_t> plaintext, std::span<const uint8_t> aad);

// Decrypts `ciphertext` into `plaintext` and verifies `tag` over the
// ciphertext and `aad`.
//
// Preconditions: plaintext.size() == ciphertext.size(); same buffer or no
// overlap.
// Errors: kAuthenticationFailed if the tag does not verify (wrong key, IV,
// AAD, ciphertext or tag) — distinct from every other failure;
// kInvalidArgument (sizes); kInternal (OpenSSL). On any error `plaintext`
// is wiped: unauthenticated bytes are never released.
// Thread safety: reentrant; no shared state.
CryptoStatus Aes256GcmOpen(std::span<uint8_t> plaintext,
                           std::span<const uint8_t, kAes256KeyBytes> key,
                           std::span<const uint8_t, kAesGcmIvBytes> iv,
                           std::span<const uint8_t> ciphertext,
                           std::span<const uint8_t, kAesGcmTagBytes> tag,
                           std::span<const uint8_t> aad);

}  // namespace ledgerseal::crypto

#endif  // LEDGERSEAL_CRYPTO_PUBLIC_AES_GCM_H_
