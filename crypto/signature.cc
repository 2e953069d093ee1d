#include "crypto/public/signature.h"

#include <memory>
#include <openssl/core_names.h>

#include <string>

#include "crypto/openssl_util.h"
#include "crypto/p256_point.h"

namespace ledgerseal::crypto {
namespace {

using internal::EvpPkeyCtxPtr;
using internal::OpenSslError;

struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;

// What OpenSSL calls each algorithm's key type, curve and digest.
struct AlgorithmSpec {
  const char* keytype;  // for the DER decoder and EVP_PKEY_is_a
  const char* curve;    // OpenSSL's group name; nullptr: not an EC key
  const char* digest;   // nullptr: Ed25519 signs the message itself
};

AlgorithmSpec SpecOf(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::kEd25519: return {"ED25519", nullptr, nullptr};
    case SignatureAlgorithm::kEcdsaP256Sha256: return {"EC", "prime256v1", "SHA256"};
    case SignatureAlgorithm::kEcdsaP384Sha384: return {"EC", "secp384r1", "SHA384"};
  }
  return {"", nullptr, nullptr};
}

// The key is of `algorithm`'s type and, for ECDSA, on its curve.
CryptoStatus CheckKey(SignatureAlgorithm algorithm, EVP_PKEY* pkey, std::string_view what) {
  const AlgorithmSpec spec = SpecOf(algorithm);
  const std::string name(SignatureAlgorithmName(algorithm));
  if (EVP_PKEY_is_a(pkey, spec.keytype) != 1) {
    return MakeCryptoError(CryptoErrorCode::kUnsupportedKey, std::string(what) + ": not an " + name + " key");
  }
  if (spec.curve != nullptr) {
    char group[32] = {};
    size_t group_bytes = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &group_bytes) != 1 ||
        std::string_view(group) != spec.curve) {
      internal::ClearOpenSslErrors();
      return MakeCryptoError(CryptoErrorCode::kUnsupportedKey,
                             std::string(what) + ": not on curve " + spec.curve + " (" + name + ")");
    }
  }
  return {};
}

}  // namespace

std::string_view SignatureAlgorithmName(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::kEd25519: return "ed25519";
    case SignatureAlgorithm::kEcdsaP256Sha256: return "ecdsa_p256_sha256";
    case SignatureAlgorithm::kEcdsaP384Sha384: return "ecdsa_p384_sha384";
  }
  return "unknown";
}

CryptoResult<VerifyingKey> VerifyingKey::FromDer(SignatureAlgorithm algorithm, std::span<const uint8_t> der) {
  // The service identity's encoding, without the slow generic decoder
  // (p256_point.h): every verification of a sealing record parses one.
  if (algorithm == SignatureAlgorithm::kEcdsaP256Sha256) {
    if (auto fast = internal::P256PublicKeyFromCanonicalSpki(der, "signature public key import")) {
      if (!*fast) return std::unexpected(std::move(fast->error()));
      return VerifyingKey(algorithm, std::move(**fast));
    }
  }
  const AlgorithmSpec spec = SpecOf(algorithm);
  auto pkey = internal::DecodeKeyDer(der, "SubjectPublicKeyInfo", spec.keytype, EVP_PKEY_PUBLIC_KEY,
                                     "signature public key import");
  if (!pkey) return std::unexpected(std::move(pkey.error()));
  if (auto s = CheckKey(algorithm, pkey->get(), "signature public key import"); !s) return std::unexpected(s.error());
  return VerifyingKey(algorithm, std::move(*pkey));
}

CryptoStatus VerifyingKey::Verify(std::span<const uint8_t> message, std::span<const uint8_t> signature) const {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return OpenSslError(CryptoErrorCode::kInternal, "signature verify: context");
  if (EVP_DigestVerifyInit_ex(ctx.get(), nullptr, SpecOf(algorithm_).digest, nullptr, nullptr, pkey_.get(),
                              nullptr) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "signature verify: init");
  }
  // 1: valid; 0: invalid; negative: malformed signature. Both of the last
  // are "not a signature of this message under this key".
  const int verified = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                                        message.size());
  if (verified != 1) {
    internal::ClearOpenSslErrors();
    return MakeCryptoError(CryptoErrorCode::kAuthenticationFailed,
                           std::string(SignatureAlgorithmName(algorithm_)) + " signature does not verify");
  }
  return {};
}

CryptoResult<SigningKey> SigningKey::Generate(SignatureAlgorithm algorithm) {
  const AlgorithmSpec spec = SpecOf(algorithm);
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, spec.keytype, nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "signature keygen: context");
  }
  if (spec.curve != nullptr && EVP_PKEY_CTX_set_group_name(ctx.get(), spec.curve) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "signature keygen: curve");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1 || raw == nullptr) {
    EVP_PKEY_free(raw);
    return OpenSslError(CryptoErrorCode::kInternal, "signature keygen: generate");
  }
  PkeyPtr pkey(raw);
  if (auto s = CheckKey(algorithm, pkey.get(), "signature keygen"); !s) {
    return MakeCryptoError(CryptoErrorCode::kInternal, "signature keygen: " + s.error().message);
  }
  return SigningKey(algorithm, std::move(pkey));
}

CryptoResult<SigningKey> SigningKey::FromPkcs8Der(SignatureAlgorithm algorithm, std::span<const uint8_t> der) {
  auto pkey = internal::DecodeKeyDer(der, "PrivateKeyInfo", SpecOf(algorithm).keytype, EVP_PKEY_KEYPAIR,
                                     "signature private key import");
  if (!pkey) return std::unexpected(std::move(pkey.error()));
  if (auto s = CheckKey(algorithm, pkey->get(), "signature private key import"); !s) return std::unexpected(s.error());
  if (algorithm != SignatureAlgorithm::kEd25519) {
    // A PKCS#8 may carry a public point that is not its scalar's: signing with
    // such a key publishes signatures that verify under no key we announce
    // (or leak the scalar to a fault attack). Refuse it at the boundary.
    internal::EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey->get(), nullptr));
    if (!check || EVP_PKEY_pairwise_check(check.get()) != 1) {
      return OpenSslError(CryptoErrorCode::kDecodeFailed,
                          "signature private key import: the public half does not match the private key");
    }
  }
  return SigningKey(algorithm, std::move(*pkey));
}

CryptoResult<base::SecretBytes> SigningKey::ToPkcs8Der() const {
  auto buffer = internal::EncodeKeyDer(pkey_.get(), EVP_PKEY_KEYPAIR, "PrivateKeyInfo", "signature private key export");
  if (!buffer) return std::unexpected(std::move(buffer.error()));
  return base::SecretBytes(std::span<const uint8_t>(buffer->get(), buffer->get_deleter().size_bytes));
}

CryptoResult<std::vector<uint8_t>> SigningKey::PublicKeyDer() const {
  return internal::EncodePublicKeyDer(pkey_.get(), "signature public key export");
}

CryptoResult<std::vector<uint8_t>> SigningKey::Sign(std::span<const uint8_t> message) const {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return OpenSslError(CryptoErrorCode::kInternal, "sign: context");
  if (EVP_DigestSignInit_ex(ctx.get(), nullptr, SpecOf(algorithm_).digest, nullptr, nullptr, pkey_.get(),
                            nullptr) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "sign: init");
  }
  size_t size_bytes = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &size_bytes, message.data(), message.size()) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "sign: size");
  }
  std::vector<uint8_t> signature(size_bytes);
  if (EVP_DigestSign(ctx.get(), signature.data(), &size_bytes, message.data(), message.size()) != 1) {
    return OpenSslError(CryptoErrorCode::kInternal, "sign");
  }
  signature.resize(size_bytes);  // ECDSA's DER length varies per signature
  return signature;
}

}  // namespace ledgerseal::crypto
