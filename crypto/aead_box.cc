#include "crypto/public/aead_box.h"

#include <openssl/crypto.h>

#include <array>

#include "crypto/public/aes_gcm.h"

namespace ledgerseal::crypto {

CryptoResult<AeadBox> SealAeadBox(RandomSource& random, std::span<const uint8_t> key,
                                  std::span<const uint8_t> plaintext, std::span<const uint8_t> aad) {
  if (key.size() != kAes256KeyBytes) {
    return MakeCryptoError(CryptoErrorCode::kInvalidArgument, "AES-256-GCM key is not 32 bytes");
  }
  std::array<uint8_t, kAesGcmIvBytes> iv{};
  if (auto s = random.Fill(iv); !s) return std::unexpected(s.error());
  return SealAeadBoxWithIv(key, iv, plaintext, aad);
}

CryptoResult<AeadBox> SealAeadBoxWithIv(std::span<const uint8_t> key, std::span<const uint8_t> iv,
                                        std::span<const uint8_t> plaintext, std::span<const uint8_t> aad) {
  if (key.size() != kAes256KeyBytes || iv.size() != kAesGcmIvBytes) {
    return MakeCryptoError(CryptoErrorCode::kInvalidArgument, "AES-256-GCM key or IV has the wrong size");
  }
  std::array<uint8_t, kAesGcmTagBytes> tag{};
  AeadBox box;
  box.ciphertext.assign(plaintext.size(), '\0');
  const std::span<uint8_t> ciphertext(reinterpret_cast<uint8_t*>(box.ciphertext.data()),
                                      box.ciphertext.size());
  auto sealed = Aes256GcmSeal(ciphertext, tag, key.first<kAes256KeyBytes>(), iv.first<kAesGcmIvBytes>(), plaintext, aad);
  if (!sealed) return std::unexpected(sealed.error());
  box.iv.assign(iv.begin(), iv.end());
  box.tag.assign(tag.begin(), tag.end());
  return box;
}

CryptoStatus OpenAeadBox(std::span<uint8_t> plaintext, std::span<const uint8_t> key,
                         std::span<const uint8_t> iv, std::span<const uint8_t> ciphertext,
                         std::span<const uint8_t> tag, std::span<const uint8_t> aad) {
  if (key.size() != kAes256KeyBytes || iv.size() != kAesGcmIvBytes || tag.size() != kAesGcmTagBytes) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return MakeCryptoError(CryptoErrorCode::kInvalidArgument,
                           "AES-256-GCM box: key, IV or tag has the wrong size");
  }
  return Aes256GcmOpen(plaintext, key.first<kAes256KeyBytes>(), iv.first<kAesGcmIvBytes>(), ciphertext,
                       tag.first<kAesGcmTagBytes>(), aad);
}

}  // namespace ledgerseal::crypto
