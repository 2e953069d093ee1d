#include "crypto/public/rsa_key.h"

#include <openssl/rsa.h>

#include <string>

#include "crypto/openssl_util.h"

namespace ledgerseal::crypto {
namespace {

using internal::EvpPkeyCtxPtr;
using internal::OpenSslError;

// Returns the key's size once it is known to be an RSA key ledgerseal accepts.
CryptoResult<size_t> CheckRsaKey(EVP_PKEY* pkey, std::string_view what) {
  // "RSA" excludes RSA-PSS keys, which cannot do OAEP.
  if (EVP_PKEY_is_a(pkey, "RSA") != 1) {
    return MakeCryptoError(CryptoErrorCode::kUnsupportedKey,
                           std::string(what) + ": not an RSA key");
  }
  const int bits = EVP_PKEY_get_bits(pkey);
  if (bits <= 0 || !IsSupportedRsaBits(static_cast<size_t>(bits))) {
    return MakeCryptoError(CryptoErrorCode::kUnsupportedKey,
                           std::string(what) + ": unsupported RSA size " + std::to_string(bits) +
                               " bits (supported: 2048, 3072, 4096)");
  }
  return static_cast<size_t>(bits);
}

CryptoResult<std::vector<uint8_t>> EncodePublic(EVP_PKEY* pkey) {
  return internal::EncodePublicKeyDer(pkey, "RSA public key export");
}

}  // namespace

bool IsSupportedRsaBits(size_t rsa_bits) {
  return rsa_bits == 2048 || rsa_bits == 3072 || rsa_bits == 4096;
}

void PkeyDeleter::operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }

CryptoResult<RsaPublicKey> RsaPublicKey::FromDer(std::span<const uint8_t> der) {
  auto pkey = internal::DecodeKeyDer(der, "SubjectPublicKeyInfo", "RSA", EVP_PKEY_PUBLIC_KEY, "RSA public key import");
  if (!pkey) return std::unexpected(std::move(pkey.error()));
  auto bits = CheckRsaKey(pkey->get(), "RSA public key import");
  if (!bits) return std::unexpected(std::move(bits.error()));
  return RsaPublicKey(std::move(*pkey), *bits);
}

CryptoResult<std::vector<uint8_t>> RsaPublicKey::ToDer() const { return EncodePublic(pkey_.get()); }

CryptoResult<RsaPrivateKey> RsaPrivateKey::Generate(size_t rsa_bits) {
  if (!IsSupportedRsaBits(rsa_bits)) {
    return MakeCryptoError(CryptoErrorCode::kInvalidArgument,
                           "RSA keygen: unsupported size " + std::to_string(rsa_bits) + " bits");
  }
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!ctx) return OpenSslError(CryptoErrorCode::kInternal, "RSA keygen: context");
  if (EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(rsa_bits)) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "RSA keygen: parameters");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1 || raw == nullptr) {
    EVP_PKEY_free(raw);
    return OpenSslError(CryptoErrorCode::kInternal, "RSA keygen: generate");
  }
  PkeyPtr pkey(raw);
  auto bits = CheckRsaKey(pkey.get(), "RSA keygen");
  if (!bits || *bits != rsa_bits) {
    return MakeCryptoError(CryptoErrorCode::kInternal, "RSA keygen: generated key has wrong size");
  }
  return RsaPrivateKey(std::move(pkey), rsa_bits);
}

CryptoResult<RsaPrivateKey> RsaPrivateKey::FromPkcs8Der(std::span<const uint8_t> der) {
  auto pkey = internal::DecodeKeyDer(der, "PrivateKeyInfo", "RSA", EVP_PKEY_KEYPAIR, "RSA private key import");
  if (!pkey) return std::unexpected(std::move(pkey.error()));
  auto bits = CheckRsaKey(pkey->get(), "RSA private key import");
  if (!bits) return std::unexpected(std::move(bits.error()));
  return RsaPrivateKey(std::move(*pkey), *bits);
}

CryptoResult<base::SecretBytes> RsaPrivateKey::ToPkcs8Der() const {
  auto buffer = internal::EncodeKeyDer(pkey_.get(), EVP_PKEY_KEYPAIR, "PrivateKeyInfo", "RSA private key export");
  if (!buffer) return std::unexpected(std::move(buffer.error()));
  return base::SecretBytes(std::span<const uint8_t>(buffer->get(), buffer->get_deleter().size_bytes));
}

CryptoResult<std::vector<uint8_t>> RsaPrivateKey::PublicKeyDer() const {
  return EncodePublic(pkey_.get());
}

}  // namespace ledgerseal::crypto
