#include "snp/hmac.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <memory>
#include <string>

#include "snp/error_util.h"

namespace ledgerseal::snp {
namespace {

struct MacDeleter {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

std::unexpected<DerivedKeyError> OpenSslFailure(const char* step) {
  return Fail(DerivedKeyErrorCode::kPlatformStateError,
              std::string("HMAC: OpenSSL ") + step + " failed");
}

base::Expected<void, DerivedKeyError> Compute(std::span<uint8_t> out, HmacDigest digest,
                                             std::span<const uint8_t> key,
                                             std::span<const uint8_t> message) {
  const size_t digest_size = digest == HmacDigest::kSha256 ? 32 : 64;
  if (out.size() != digest_size) {
    return Fail(DerivedKeyErrorCode::kPlatformStateError, "HMAC: output size mismatch");
  }
  const std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr));
  if (!mac) return OpenSslFailure("EVP_MAC_fetch");
  const std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) return OpenSslFailure("EVP_MAC_CTX_new");

  char digest_name[8] = "SHA256";
  if (digest == HmacDigest::kSha512) std::ranges::copy("SHA512", digest_name);
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1) {
    return OpenSslFailure("EVP_MAC_init");
  }
  if (EVP_MAC_update(ctx.get(), message.data(), message.size()) != 1) {
    return OpenSslFailure("EVP_MAC_update");
  }
  size_t written = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &written, out.size()) != 1 || written != out.size()) {
    return OpenSslFailure("EVP_MAC_final");
  }
  return {};
}

}  // namespace

base::Expected<void, DerivedKeyError> Hmac(std::span<uint8_t> out, HmacDigest digest,
                                          std::span<const uint8_t> key,
                                          std::span<const uint8_t> message) {
  auto result = Compute(out, digest, key, message);
  if (!result) OPENSSL_cleanse(out.data(), out.size());
  return result;
}

}  // namespace ledgerseal::snp
