#include "crypto/public/aes_gcm.h"

#include <algorithm>
#include <array>

#include "crypto/openssl_util.h"

namespace ledgerseal::crypto {
namespace {

using internal::EvpCipherCtxPtr;
using internal::EvpCipherPtr;
using internal::FitsInInt;
using internal::OpenSslError;

enum class Direction { kEncrypt = 1, kDecrypt = 0 };

// A cipher context keyed for one message. The IV length is asserted rather
// than set: 12 bytes is GCM's default, and a mismatch would mean a different
// cipher was fetched.
CryptoResult<EvpCipherCtxPtr> NewGcmContext(Direction direction,
                                            std::span<const uint8_t, kAes256KeyBytes> key,
                                            std::span<const uint8_t, kAesGcmIvBytes> iv) {
  EvpCipherPtr cipher(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr));
  if (!cipher) return OpenSslError(CryptoErrorCode::kInternal, "AES-GCM: EVP_CIPHER_fetch");
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return OpenSslError(CryptoErrorCode::kInternal, "AES-GCM: EVP_CIPHER_CTX_new");
  const int enc = static_cast<int>(direction);
  if (EVP_CipherInit_ex2(ctx.get(), cipher.get(), nullptr, nullptr, enc, nullptr) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "AES-GCM: EVP_CipherInit_ex2");
  }
  if (EVP_CIPHER_CTX_get_key_length(ctx.get()) != static_cast<int>(kAes256KeyBytes) ||
      EVP_CIPHER_CTX_get_iv_length(ctx.get()) != static_cast<int>(kAesGcmIvBytes)) {
    return MakeCryptoError(CryptoErrorCode::kInternal, "AES-GCM: unexpected key or IV length");
  }
  if (EVP_CipherInit_ex2(ctx.get(), nullptr, key.data(), iv.data(), enc, nullptr) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "AES-GCM: setting key and IV");
  }
  return ctx;
}

CryptoStatus FeedAad(EVP_CIPHER_CTX* ctx, std::span<const uint8_t> aad) {
  if (aad.empty()) return {};
  int out_len = 0;
  if (EVP_CipherUpdate(ctx, nullptr, &out_len, aad.data(), static_cast<int>(aad.size())) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "AES-GCM: AAD update");
  }
  return {};
}

// Runs the bulk of the cipher; GCM is a stream mode, so every input byte
// produces exactly one output byte in Update and Final adds none.
CryptoStatus Transform(EVP_CIPHER_CTX* ctx, std::span<uint8_t> out, std::span<const uint8_t> in) {
  if (in.empty()) return {};
  int out_len = 0;
  if (EVP_CipherUpdate(ctx, out.data(), &out_len, in.data(), static_cast<int>(in.size())) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "AES-GCM: update");
  }
  if (static_cast<size_t>(out_len) != in.size()) {
    return MakeCryptoError(CryptoErrorCode::kInternal, "AES-GCM: short update");
  }
  return {};
}

CryptoStatus CheckSizes(size_t out_bytes, size_t in_bytes, size_t aad_bytes) {
  if (out_bytes != in_bytes) {
    return MakeCryptoError(CryptoErrorCode::kInvalidArgument,
                           "AES-GCM: output size differs from input size");
  }
  if (!FitsInInt(in_bytes) || !FitsInInt(aad_bytes)) {
    return MakeCryptoError(CryptoErrorCode::kInvalidArgument, "AES-GCM: input too large");
  }
  return {};
}

CryptoStatus Seal(std::span<uint8_t> ciphertext, std::span<uint8_t, kAesGcmTagBytes> tag,
                  std::span<const uint8_t, kAes256KeyBytes> key,
                  std::span<const uint8_t, kAesGcmIvBytes> iv, std::span<const uint8_t> plaintext,
                  std::span<const uint8_t> aad) {
  auto ctx = NewGcmContext(Direction::kEncrypt, key, iv);
  if (!ctx) return std::unexpected(std::move(ctx.error()));
  if (auto s = FeedAad(ctx->get(), aad); !s) return s;
  if (auto s = Transform(ctx->get(), ciphertext, plaintext); !s) return s;
  int final_len = 0;
  if (EVP_EncryptFinal_ex(ctx->get(), nullptr, &final_len) != 1 || final_len != 0) {
    return OpenSslError(CryptoErrorCode::kInternal, "AES-GCM: final");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag.size()),
                          tag.data()) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "AES-GCM: reading the tag");
  }
  return {};
}

CryptoStatus Open(std::span<uint8_t> plaintext, std::span<const uint8_t, kAes256KeyBytes> key,
                  std::span<const uint8_t, kAesGcmIvBytes> iv, std::span<const uint8_t> ciphertext,
                  std::span<const uint8_t, kAesGcmTagBytes> tag, std::span<const uint8_t> aad) {
  auto ctx = NewGcmContext(Direction::kDecrypt, key, iv);
  if (!ctx) return std::unexpected(std::move(ctx.error()));
  // EVP_CTRL_AEAD_SET_TAG takes a non-const pointer; hand it a copy.
  std::array<uint8_t, kAesGcmTagBytes> expected_tag;
  std::copy(tag.begin(), tag.end(), expected_tag.begin());
  if (EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()),
                          expected_tag.data()) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "AES-GCM: setting the tag");
  }
  if (auto s = FeedAad(ctx->get(), aad); !s) return s;
  if (auto s = Transform(ctx->get(), plaintext, ciphertext); !s) return s;
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx->get(), nullptr, &final_len) != 1) {
    internal::ClearOpenSslErrors();
    return MakeCryptoError(CryptoErrorCode::kAuthenticationFailed, "AES-GCM: tag does not verify");
  }
  return {};
}

}  // namespace

CryptoStatus Aes256GcmSeal(std::span<uint8_t> ciphertext, std::span<uint8_t, kAesGcmTagBytes> tag,
                           std::span<const uint8_t, kAes256KeyBytes> key,
                           std::span<const uint8_t, kAesGcmIvBytes> iv,
                           std::span<const uint8_t> plaintext, std::span<const uint8_t> aad) {
  CryptoStatus status = CheckSizes(ciphertext.size(), plaintext.size(), aad.size());
  if (status) status = Seal(ciphertext, tag, key, iv, plaintext, aad);
  if (!status) {
    OPENSSL_cleanse(ciphertext.data(), ciphertext.size());
    OPENSSL_cleanse(tag.data(), tag.size());
  }
  return status;
}

CryptoStatus Aes256GcmOpen(std::span<uint8_t> plaintext,
                           std::span<const uint8_t, kAes256KeyBytes> key,
                           std::span<const uint8_t, kAesGcmIvBytes> iv,
                           std::span<const uint8_t> ciphertext,
                           std::span<const uint8_t, kAesGcmTagBytes> tag,
                           std::span<const uint8_t> aad) {
  CryptoStatus status = CheckSizes(plaintext.size(), ciphertext.size(), aad.size());
  if (status) status = Open(plaintext, key, iv, ciphertext, tag, aad);
  // GCM decrypts before it verifies: wipe what an unauthenticated message
  // produced so a caller that ignores the error still sees nothing.
  if (!status) OPENSSL_cleanse(plaintext.data(), plaintext.size());
  return status;
}

}  // namespace ledgerseal::crypto
