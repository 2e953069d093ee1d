#include "crypto/public/sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>

namespace ledgerseal::crypto {

CryptoResult<Sha256Digest> Sha256(std::span<const uint8_t> data) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  Sha256Digest digest{};
  unsigned int digest_bytes = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &digest_bytes) != 1 || digest_bytes != digest.size()) {
    return MakeCryptoError(CryptoErrorCode::kInternal, "SHA-256 failed");
  }
  return digest;
}

bool Sha256Matches(const Sha256Digest& digest, std::span<const uint8_t> data) {
  auto computed = Sha256(data);
  return computed && CRYPTO_memcmp(computed->data(), digest.data(), digest.size()) == 0;
}

}  // namespace ledgerseal::crypto
