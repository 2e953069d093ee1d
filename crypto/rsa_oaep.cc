#include "crypto/public/rsa_oaep.h"

#include <openssl/rsa.h>

#include <cstring>
#include <string>

#include "crypto/openssl_util.h"

namespace ledgerseal::crypto {
namespace {

using internal::EvpPkeyCtxPtr;
using internal::FitsInInt;
using internal::OpenSslError;

struct OpenSslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};

// Hands `label` to the context. EVP_PKEY_CTX_set0_rsa_oaep_label takes
// ownership of an OPENSSL_malloc'd buffer only when it succeeds, so the copy
// is released from our unique_ptr only then.
CryptoStatus SetLabel(EVP_PKEY_CTX* ctx, std::span<const uint8_t> label) {
  if (label.empty()) return {};
  if (!FitsInInt(label.size())) {
    return MakeCryptoError(CryptoErrorCode::kInvalidArgument, "RSA-OAEP: label too large");
  }
  std::unique_ptr<void, OpenSslFree> copy(OPENSSL_malloc(label.size()));
  if (!copy) return OpenSslError(CryptoErrorCode::kInternal, "RSA-OAEP: label allocation");
  std::memcpy(copy.get(), label.data(), label.size());
  if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, copy.get(), static_cast<int>(label.size())) <= 0) {
    return OpenSslError(CryptoErrorCode::kInternal, "RSA-OAEP: setting the label");
  }
  copy.release();  // now owned by ctx
  return {};
}

enum class Operation { kEncrypt, kDecrypt };

// A context for one OAEP operation with SHA-256 / MGF1-SHA-256 and `label`.
CryptoResult<EvpPkeyCtxPtr> NewOaepContext(EVP_PKEY* pkey, Operation op,
                                           std::span<const uint8_t> label) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!ctx) return OpenSslError(CryptoErrorCode::kInternal, "RSA-OAEP: context");
  const int init = op == Operation::kEncrypt ? EVP_PKEY_encrypt_init(ctx.get())
                                             : EVP_PKEY_decrypt_init(ctx.get());
  if (init != 1) return OpenSslError(CryptoErrorCode::kInternal, "RSA-OAEP: init");
  if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) <= 0 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha256()) <= 0) {
    return OpenSslError(CryptoErrorCode::kInternal, "RSA-OAEP: padding parameters");
  }
  if (auto s = SetLabel(ctx.get(), label); !s) return std::unexpected(std::move(s.error()));
  return ctx;
}

}  // namespace

CryptoResult<std::vector<uint8_t>> RsaOaepSha256Encrypt(const RsaPublicKey& key,
                                                        std::span<const uint8_t> plaintext,
                                                        std::span<const uint8_t> label) {
  const size_t max_plaintext_bytes = key.modulus_bytes() - kRsaOaepSha256OverheadBytes;
  if (plaintext.size() > max_plaintext_bytes) {
    return MakeCryptoError(
        CryptoErrorCode::kInvalidArgument,
        "RSA-OAEP: plaintext longer than " + std::to_string(max_plaintext_bytes) + " bytes");
  }
  auto ctx = NewOaepContext(key.pkey(), Operation::kEncrypt, label);
  if (!ctx) return std::unexpected(std::move(ctx.error()));
  std::vector<uint8_t> ciphertext(key.modulus_bytes());
  size_t ciphertext_bytes = ciphertext.size();
  if (EVP_PKEY_encrypt(ctx->get(), ciphertext.data(), &ciphertext_bytes, plaintext.data(),
                       plaintext.size()) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "RSA-OAEP: encrypt");
  }
  // RSA output is always exactly the modulus size.
  if (ciphertext_bytes != key.modulus_bytes()) {
    return MakeCryptoError(CryptoErrorCode::kInternal, "RSA-OAEP: unexpected ciphertext size");
  }
  return ciphertext;
}

CryptoResult<base::SecretBytes> RsaOaepSha256Decrypt(const RsaPrivateKey& key,
                                                   std::span<const uint8_t> ciphertext,
                                                   std::span<const uint8_t> label) {
  if (ciphertext.size() != key.modulus_bytes()) {
    return MakeCryptoError(CryptoErrorCode::kInvalidArgument,
                           "RSA-OAEP: ciphertext must be " + std::to_string(key.modulus_bytes()) +
                               " bytes, got " + std::to_string(ciphertext.size()));
  }
  auto ctx = NewOaepContext(key.pkey(), Operation::kDecrypt, label);
  if (!ctx) return std::unexpected(std::move(ctx.error()));
  base::SecretBytes buffer(key.modulus_bytes());
  size_t plaintext_bytes = buffer.size();
  if (EVP_PKEY_decrypt(ctx->get(), buffer.mutable_bytes().data(), &plaintext_bytes,
                       ciphertext.data(), ciphertext.size()) != 1) {
    // Padding/label mismatch and "ciphertext >= modulus" both land here;
    // OpenSSL's reason is deliberately not reported (padding oracles).
    internal::ClearOpenSslErrors();
    return MakeCryptoError(CryptoErrorCode::kDecryptionFailed,
                           "RSA-OAEP: ciphertext does not decrypt under this key and label");
  }
  if (plaintext_bytes > buffer.size()) {
    return MakeCryptoError(CryptoErrorCode::kInternal, "RSA-OAEP: plaintext overflow");
  }
  return base::SecretBytes(buffer.bytes().first(plaintext_bytes));
}

}  // namespace ledgerseal::crypto
