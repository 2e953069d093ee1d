// RSA-OAEP with SHA-256 as both the OAEP digest and the MGF1 digest, and an
// explicit OAEP label (which binds the ciphertext to its context: decryption
// with any other label fails).
#ifndef LEDGERSEAL_CRYPTO_PUBLIC_RSA_OAEP_H_
#define LEDGERSEAL_CRYPTO_PUBLIC_RSA_OAEP_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/secret_bytes.h"
#include "crypto/public/crypto_status.h"
#include "crypto/public/rsa_key.h"

namespace ledgerseal::crypto {

// RFC 8017 §7.1.1: mLen <= k - 2*hLen - 2, with hLen = 32 for SHA-256.
inline constexpr size_t kRsaOaepSha256OverheadBytes = 2 * 32 + 2;

// Encrypts `plaintext` to `key` under `label`. The result has exactly
// key.modulus_bytes() bytes. OAEP's random seed comes from OpenSSL's DRBG,
// so the ciphertext differs on every call.
// Preconditions: plaintext.size() <= key.modulus_bytes() - kRsaOaepSha256OverheadBytes.
// Errors: kInvalidArgument (sizes); kInternal.
// Thread safety: reentrant; `key` may be shared between threads.
CryptoResult<std::vector<uint8_t>> RsaOaepSha256Encrypt(const RsaPublicKey& key,
                                                        std::span<const uint8_t> plaintext,
                                                        std::span<const uint8_t> label);

// Decrypts `ciphertext` with `key` under `label`, into wiped-on-free memory.
// Preconditions: ciphertext.size() == key.modulus_bytes().
// Errors: kDecryptionFailed if the ciphertext does not decrypt under this
// key and label (wrong key, wrong label, or altered bytes); kInvalidArgument
// (sizes); kInternal.
// Thread safety: reentrant; `key` may be shared between threads.
CryptoResult<base::SecretBytes> RsaOaepSha256Decrypt(const RsaPrivateKey& key,
                                                   std::span<const uint8_t> ciphertext,
                                                   std::span<const uint8_t> label);

}  // namespace ledgerseal::crypto

#endif  // LEDGERSEAL_CRYPTO_PUBLIC_RSA_OAEP_H_
