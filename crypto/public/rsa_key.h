// RSA key pairs for node recovery keys: generation, and DER import/export
// (SubjectPublicKeyInfo for public keys, unencrypted PKCS#8 PrivateKeyInfo
// for private keys — the PKCS#8 bytes are only ever handled as SecretBytes
// and sealed, never stored in the clear).
#ifndef LEDGERSEAL_CRYPTO_PUBLIC_RSA_KEY_H_
#define LEDGERSEAL_CRYPTO_PUBLIC_RSA_KEY_H_

#include <openssl/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/secret_bytes.h"
#include "crypto/public/crypto_status.h"

namespace ledgerseal::crypto {

inline constexpr size_t kDefaultRsaBits = 3072;

// True for the modulus sizes ledgerseal generates and accepts: 2048, 3072, 4096.
bool IsSupportedRsaBits(size_t rsa_bits);

struct PkeyDeleter {
  void operator()(EVP_PKEY* pkey) const;
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// An RSA public key of a supported size. Immutable; move-only.
// Thread safety: const methods may be called concurrently.
// A moved-from key must not be used.
class RsaPublicKey {
 public:
  // Parses a DER SubjectPublicKeyInfo holding an RSA key. The whole input
  // must be consumed.
  // Errors: kDecodeFailed (not SubjectPublicKeyInfo DER, or trailing bytes);
  // kUnsupportedKey (not RSA, or size not supported).
  static CryptoResult<RsaPublicKey> FromDer(std::span<const uint8_t> der);

  // The DER SubjectPublicKeyInfo encoding. Errors: kInternal.
  CryptoResult<std::vector<uint8_t>> ToDer() const;

  size_t rsa_bits() const { return rsa_bits_; }
  size_t modulus_bytes() const { return (rsa_bits_ + 7) / 8; }

  // Borrowed OpenSSL handle, valid while this object lives; for the
  // wrappers in plugin/crypto only.
  EVP_PKEY* pkey() const { return pkey_.get(); }

 private:
  RsaPublicKey(PkeyPtr pkey, size_t rsa_bits) : pkey_(std::move(pkey)), rsa_bits_(rsa_bits) {}
  PkeyPtr pkey_;
  size_t rsa_bits_ = 0;
};

// An RSA key pair of a supported size. Immutable; move-only. OpenSSL wipes
// the private components when the key is freed.
// Thread safety: const methods may be called concurrently.
// A moved-from key must not be used.
class RsaPrivateKey {
 public:
  // Generates a fresh key pair (public exponent 65537) with OpenSSL's own
  // DRBG — not an injected RandomSource; see random_source.h.
  // Errors: kInvalidArgument (rsa_bits not supported); kInternal.
  static CryptoResult<RsaPrivateKey> Generate(size_t rsa_bits);

  // Parses an unencrypted DER PKCS#8 PrivateKeyInfo holding an RSA key. The
  // whole input must be consumed. Does not modify or retain `der`.
  // Errors: kDecodeFailed; kUnsupportedKey (not RSA, or size not supported).
  static CryptoResult<RsaPrivateKey> FromPkcs8Der(std::span<const uint8_t> der);

  // The unencrypted DER PKCS#8 PrivateKeyInfo encoding, in wiped-on-free
  // memory. Errors: kInternal.
  CryptoResult<base::SecretBytes> ToPkcs8Der() const;

  // The DER SubjectPublicKeyInfo encoding of the public half. Errors: kInternal.
  CryptoResult<std::vector<uint8_t>> PublicKeyDer() const;

  size_t rsa_bits() const { return rsa_bits_; }
  size_t modulus_bytes() const { return (rsa_bits_ + 7) / 8; }

  // Borrowed OpenSSL handle, valid while this object lives; for the
  // wrappers in plugin/crypto only.
  EVP_PKEY* pkey() const { return pkey_.get(); }

 private:
  RsaPrivateKey(PkeyPtr pkey, size_t rsa_bits) : pkey_(std::move(pkey)), rsa_bits_(rsa_bits) {}
  PkeyPtr pkey_;
  size_t rsa_bits_ = 0;
};

}  // namespace ledgerseal::crypto

#endif  // LEDGERSEAL_CRYPTO_PUBLIC_RSA_KEY_H_
