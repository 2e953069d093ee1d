// Digital signatures for the service identity (docs/ARCHITECTURE.md, "Threat
// model"): a key pair whose private half only ever lives in nodes' memory,
// and whose signatures let a recovering node authenticate records it reads
// back from a disk the host controls.
//
// ECDSA P-256 with SHA-256 is the one to use for the service identity: it
// is the cheapest to sign and verify of the algorithms measured through
// OpenSSL 3 here (BENCHMARKS.md, "Service identity signatures": on a 10 KB
// record, sign 34 us and verify 82 us, against 89 / 158 us for Ed25519 and
// 1064 / 792 us for P-384), a fraction of the RSA-OAEP-3072 decryption every
// node already does per rotation (2.1 ms). Ed25519 and P-384 are kept for
// deployments that require them.
#ifndef LEDGERSEAL_CRYPTO_PUBLIC_SIGNATURE_H_
#define LEDGERSEAL_CRYPTO_PUBLIC_SIGNATURE_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/secret_bytes.h"
#include "crypto/public/crypto_status.h"
#include "crypto/public/rsa_key.h"

namespace ledgerseal::crypto {

enum class SignatureAlgorithm : uint8_t {
  kEd25519 = 1,
  kEcdsaP256Sha256 = 2,
  kEcdsaP384Sha384 = 3,
};

// Stable lower_snake_case name: "ed25519", "ecdsa_p256_sha256", "ecdsa_p384_sha384".
std::string_view SignatureAlgorithmName(SignatureAlgorithm algorithm);

// A public key that verifies signatures. Immutable; move-only.
// Thread safety: const methods may be called concurrently.
class VerifyingKey {
 public:
  // Parses a DER SubjectPublicKeyInfo of `algorithm`'s key type (for ECDSA,
  // on its curve). The whole input must be consumed.
  // Errors: kDecodeFailed (not DER, trailing bytes, or a key of another
  // type: the decoder accepts only this type); kUnsupportedKey (an EC key on
  // another curve).
  static CryptoResult<VerifyingKey> FromDer(SignatureAlgorithm algorithm, std::span<const uint8_t> der);

  // OK if `signature` is `algorithm`'s signature of `message` under this key.
  // Errors: kAuthenticationFailed (any other signature, including a
  // malformed one); kInternal.
  CryptoStatus Verify(std::span<const uint8_t> message, std::span<const uint8_t> signature) const;

  SignatureAlgorithm algorithm() const { return algorithm_; }

 private:
  VerifyingKey(SignatureAlgorithm algorithm, PkeyPtr pkey) : algorithm_(algorithm), pkey_(std::move(pkey)) {}
  SignatureAlgorithm algorithm_;
  PkeyPtr pkey_;
};

// A key pair that signs. Immutable; move-only; OpenSSL wipes the private
// key when it is freed. Thread safety: const methods may be called
// concurrently.
class SigningKey {
 public:
  // A fresh key pair from OpenSSL's DRBG. Errors: kInternal.
  static CryptoResult<SigningKey> Generate(SignatureAlgorithm algorithm);

  // Parses an unencrypted DER PKCS#8 PrivateKeyInfo of `algorithm`'s key
  // type. Does not retain `der`. Errors: kDecodeFailed (as FromDer);
  // kUnsupportedKey (an EC key on another curve).
  static CryptoResult<SigningKey> FromPkcs8Der(SignatureAlgorithm algorithm, std::span<const uint8_t> der);

  // The PKCS#8 encoding, in wiped-on-free memory (it is the private key:
  // never on a disk in plaintext). Errors: kInternal.
  CryptoResult<base::SecretBytes> ToPkcs8Der() const;

  // The public half, DER SubjectPublicKeyInfo. Errors: kInternal.
  CryptoResult<std::vector<uint8_t>> PublicKeyDer() const;

  // `algorithm`'s signature of `message`: 64 bytes for Ed25519, DER
  // (at most 72 / 104 bytes) for ECDSA P-256 / P-384. Errors: kInternal.
  CryptoResult<std::vector<uint8_t>> Sign(std::span<const uint8_t> message) const;

  SignatureAlgorithm algorithm() const { return algorithm_; }

 private:
  SigningKey(SignatureAlgorithm algorithm, PkeyPtr pkey) : algorithm_(algorithm), pkey_(std::move(pkey)) {}
  SignatureAlgorithm algorithm_;
  PkeyPtr pkey_;
};

}  // namespace ledgerseal::crypto

#endif  // LEDGERSEAL_CRYPTO_PUBLIC_SIGNATURE_H_
