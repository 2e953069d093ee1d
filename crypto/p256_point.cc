#include "crypto/p256_point.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <string>

namespace ledgerseal::crypto::internal {

CryptoResult<PkeyPtr> P256PublicKeyFromPoint(std::span<const uint8_t, kP256UncompressedPointBytes> point,
                                             std::string_view what) {
  if (point[0] != 0x04) {
    return MakeCryptoError(CryptoErrorCode::kDecodeFailed, std::string(what) + ": not an uncompressed point");
  }
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, std::string(what) + ": context");
  }
  // OSSL_PARAM wants non-const pointers even for inputs it only reads.
  char group[] = "prime256v1";
  std::array<OSSL_PARAM, 3> params = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(point.data()), point.size()),
      OSSL_PARAM_construct_end(),
  };
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.data()) != 1 || raw == nullptr) {
    EVP_PKEY_free(raw);
    return OpenSslError(CryptoErrorCode::kDecodeFailed, std::string(what) + ": not a point on P-256");
  }
  PkeyPtr pkey(raw);
  EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (!check) return OpenSslError(CryptoErrorCode::kInternal, std::string(what) + ": check context");
  const int checked = EVP_PKEY_public_check_quick(check.get());
  if (checked == -2) return OpenSslError(CryptoErrorCode::kInternal, std::string(what) + ": check not supported");
  if (checked != 1) {
    return OpenSslError(CryptoErrorCode::kDecodeFailed, std::string(what) + ": not a valid P-256 public key");
  }
  return pkey;
}

std::optional<CryptoResult<PkeyPtr>> P256PublicKeyFromCanonicalSpki(std::span<const uint8_t> der,
                                                                    std::string_view what) {
  if (der.size() != kP256SpkiPrefix.size() + kP256UncompressedPointBytes ||
      !std::equal(kP256SpkiPrefix.begin(), kP256SpkiPrefix.end(), der.begin())) {
    return std::nullopt;
  }
  return P256PublicKeyFromPoint(der.subspan(kP256SpkiPrefix.size()).first<kP256UncompressedPointBytes>(), what);
}

}  // namespace ledgerseal::crypto::internal
