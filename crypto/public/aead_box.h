// AES-256-GCM messages as the ledger's records store them: IV, ciphertext
// and tag as three byte strings (protobuf `bytes` fields). Folds what every
// record type would otherwise repeat: drawing a fresh IV, sizing buffers,
// and checking the sizes of fields read from untrusted bytes.
#ifndef LEDGERSEAL_CRYPTO_PUBLIC_AEAD_BOX_H_
#define LEDGERSEAL_CRYPTO_PUBLIC_AEAD_BOX_H_

#include <cstdint>
#include <span>
#include <string>

#include "crypto/public/crypto_status.h"
#include "crypto/public/random_source.h"

namespace ledgerseal::crypto {

struct AeadBox {
  std::string iv;          // kAesGcmIvBytes
  std::string ciphertext;  // as long as the plaintext
  std::string tag;         // kAesGcmTagBytes
};

// Seals `plaintext` under `key` with `aad` and an IV drawn from `random`.
//
// A random 96-bit IV per message keeps (key, IV) pairs unique with
// overwhelming probability for fewer than 2^32 messages per key (NIST SP
// 800-38D §8.3); every caller rotates keys long before that.
// Errors: kInvalidArgument if key is not 32 bytes; the errors of
// RandomSource::Fill and Aes256GcmSeal. Nothing is returned on error.
// Thread safety: as `random`.
CryptoResult<AeadBox> SealAeadBox(RandomSource& random, std::span<const uint8_t> key,
                                  std::span<const uint8_t> plaintext, std::span<const uint8_t> aad);

// The same with an IV the caller drew earlier from a RandomSource (records
// whose costly part is made ahead of the plaintext: ARCHITECTURE.md,
// "Pre-sealing"). The (key, IV) pair must never seal another message.
// Errors: kInvalidArgument (key not 32 bytes, IV not 12); Aes256GcmSeal's.
CryptoResult<AeadBox> SealAeadBoxWithIv(std::span<const uint8_t> key, std::span<const uint8_t> iv,
                                        std::span<const uint8_t> plaintext, std::span<const uint8_t> aad);

// Opens a box whose fields come from untrusted bytes into `plaintext`.
//
// Preconditions: plaintext.size() == ciphertext.size().
// Errors: kInvalidArgument if key, IV or tag have the wrong size (callers
// that check a record's shape first never see it; for the others it means
// a malformed record); kAuthenticationFailed if the tag does not verify;
// otherwise those of Aes256GcmOpen. On any error `plaintext` is wiped.
// Thread safety: reentrant.
CryptoStatus OpenAeadBox(std::span<uint8_t> plaintext, std::span<const uint8_t> key,
                         std::span<const uint8_t> iv, std::span<const uint8_t> ciphertext,
                         std::span<const uint8_t> tag, std::span<const uint8_t> aad);

}  // namespace ledgerseal::crypto

#endif  // LEDGERSEAL_CRYPTO_PUBLIC_AEAD_BOX_H_
