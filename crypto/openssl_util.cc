#include "crypto/openssl_util.h"

#include <openssl/err.h>

#include <string>

namespace ledgerseal::crypto::internal {

std::unexpected<CryptoError> OpenSslError(CryptoErrorCode code, std::string_view what) {
  std::string message(what);
  const unsigned long first = ERR_get_error();
  if (first != 0) {
    char reason[256];
    ERR_error_string_n(first, reason, sizeof(reason));
    message += ": ";
    message += reason;
  }
  ClearOpenSslErrors();
  return MakeCryptoError(code, std::move(message));
}

void ClearOpenSslErrors() { ERR_clear_error(); }

CryptoResult<PkeyPtr> DecodeKeyDer(std::span<const uint8_t> der, const char* structure, const char* keytype,
                                   int selection, std::string_view what) {
  if (der.empty()) {
    return MakeCryptoError(CryptoErrorCode::kDecodeFailed, std::string(what) + ": empty input");
  }
  EVP_PKEY* raw = nullptr;
  DecoderCtxPtr dctx(
      OSSL_DECODER_CTX_new_for_pkey(&raw, "DER", structure, keytype, selection, nullptr, nullptr));
  if (!dctx) return OpenSslError(CryptoErrorCode::kInternal, std::string(what) + ": decoder");
  const uint8_t* data = der.data();
  size_t remaining_bytes = der.size();
  const int ok = OSSL_DECODER_from_data(dctx.get(), &data, &remaining_bytes);
  PkeyPtr pkey(raw);
  if (ok != 1 || !pkey) {
    return OpenSslError(CryptoErrorCode::kDecodeFailed, std::string(what) + ": not valid DER");
  }
  if (remaining_bytes != 0) {
    return MakeCryptoError(CryptoErrorCode::kDecodeFailed,
                           std::string(what) + ": trailing bytes after the DER structure");
  }
  return pkey;
}

CryptoResult<ClearedOpenSslBuffer> EncodeKeyDer(EVP_PKEY* pkey, int selection, const char* structure,
                                                std::string_view what) {
  EncoderCtxPtr ectx(OSSL_ENCODER_CTX_new_for_pkey(pkey, selection, "DER", structure, nullptr));
  if (!ectx || OSSL_ENCODER_CTX_get_num_encoders(ectx.get()) == 0) {
    return OpenSslError(CryptoErrorCode::kInternal, std::string(what) + ": no encoder");
  }
  uint8_t* data = nullptr;
  size_t size_bytes = 0;
  if (OSSL_ENCODER_to_data(ectx.get(), &data, &size_bytes) != 1 || data == nullptr ||
      size_bytes == 0) {
    if (data != nullptr) OPENSSL_clear_free(data, size_bytes);
    return OpenSslError(CryptoErrorCode::kInternal, std::string(what) + ": encoding");
  }
  return ClearedOpenSslBuffer(data, ClearFree{size_bytes});
}

CryptoResult<std::vector<uint8_t>> EncodePublicKeyDer(EVP_PKEY* pkey, std::string_view what) {
  auto buffer = EncodeKeyDer(pkey, EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo", what);
  if (!buffer) return std::unexpected(std::move(buffer.error()));
  return std::vector<uint8_t>(buffer->get(), buffer->get() + buffer->get_deleter().size_bytes);
}

}  // namespace ledgerseal::crypto::internal
