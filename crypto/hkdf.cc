#include "crypto/public/hkdf.h"

#include <openssl/core_names.h>
#include <openssl/params.h>

#include <array>
#include <string>

#include "crypto/openssl_util.h"

namespace ledgerseal::crypto {
namespace {

using internal::EvpKdfCtxPtr;
using internal::EvpKdfPtr;
using internal::OpenSslError;

// OSSL_PARAM wants non-const pointers even for inputs it only reads.
void* Mutable(std::span<const uint8_t> s) { return const_cast<uint8_t*>(s.data()); }

CryptoStatus Derive(std::span<uint8_t> out_key, std::span<const uint8_t> ikm,
                    std::span<const uint8_t> salt, std::span<const uint8_t> info) {
  EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf) return OpenSslError(CryptoErrorCode::kInternal, "HKDF: EVP_KDF_fetch");
  EvpKdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return OpenSslError(CryptoErrorCode::kInternal, "HKDF: EVP_KDF_CTX_new");

  char digest[] = "SHA256";
  std::array<OSSL_PARAM, 5> params{};
  size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, Mutable(ikm), ikm.size());
  // Omitted rather than zero-length: both mean "no salt"/"empty info", and
  // omission avoids depending on how a provider treats empty octet strings.
  if (!salt.empty()) {
    params[n++] =
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, Mutable(salt), salt.size());
  }
  if (!info.empty()) {
    params[n++] =
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, Mutable(info), info.size());
  }
  params[n] = OSSL_PARAM_construct_end();

  if (EVP_KDF_derive(ctx.get(), out_key.data(), out_key.size(), params.data()) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "HKDF: EVP_KDF_derive");
  }
  return {};
}

}  // namespace

CryptoStatus HkdfSha256(std::span<uint8_t> out_key, std::span<const uint8_t> ikm,
                        std::span<const uint8_t> salt, std::span<const uint8_t> info) {
  if (out_key.empty() || out_key.size() > kHkdfSha256MaxOutputBytes) {
    return MakeCryptoError(
        CryptoErrorCode::kInvalidArgument,
        "HKDF: output length must be 1.." + std::to_string(kHkdfSha256MaxOutputBytes) + " bytes");
  }
  if (ikm.empty()) {
    return MakeCryptoError(CryptoErrorCode::kInvalidArgument, "HKDF: empty input key material");
  }
  CryptoStatus status = Derive(out_key, ikm, salt, info);
  if (!status) OPENSSL_cleanse(out_key.data(), out_key.size());
  return status;
}

}  // namespace ledgerseal::crypto
