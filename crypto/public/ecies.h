// ECIES over P-256 ("ledgerseal ecies p256 v1"): public-key encryption of a
// short secret to a node's recovery key; since sealing format 3 it replaces
// the RSA-OAEP-3072 recovery keys (a 91-byte SubjectPublicKeyInfo and 93
// bytes of overhead per sealed message instead of a ~420-byte key and
// 384-byte ciphertexts; docs/FORMAT.md §4.7).
//
// Construction. E is a fresh ephemeral P-256 key pair, R the recipient's
// public key, `info` the caller's context (what RSA-OAEP calls the label):
//   Z    = ECDH(e, R): the 32-byte big-endian x-coordinate of e*R (SEC 1 §3.3.1)
//   K    = HKDF-SHA256(ikm = Z, salt = empty, info = I), 32 bytes, where
//   I    = "ledgerseal ecies p256 v1"  (the 24 ASCII bytes, no length prefix)
//          || item(E, uncompressed SEC 1 point, 65 bytes)
//          || item(R's SubjectPublicKeyInfo DER, 91 bytes: named curve,
//                  uncompressed point)
//          || item(info)
//          with item() the canonical item of base/canonical_items.h
//          (u32 big-endian length, then the bytes)
//   C, T = AES-256-GCM(K, IV, plaintext, aad = info)
// K binds both public keys and `info`, so a sealed message opens only for
// R's private key and the same `info`. K is new for every message (E is), so
// the random IV is defence in depth, not what keeps (key, IV) pairs unique.
//
// Sealed layout, byte for byte (n = plaintext length; total 93 + n bytes):
//   [0, 65)            E: 0x04 || X (32 bytes, big-endian) || Y (32 bytes, big-endian)
//   [65, 77)           IV, 12 bytes drawn from the injected RandomSource
//   [77, 77 + n)       AES-256-GCM ciphertext, n bytes
//   [77 + n, 93 + n)   AES-256-GCM tag, 16 bytes
// Known-answer vector: crypto/testing/ecies_kat.py (python `cryptography`).
//
// Cost (-c opt, 32-byte plaintext, medians of 6 x 1000 iterations, 2-vCPU dev VM): seal 97 us, open 79 us;
// RSA-OAEP-3072 measured the same way: encrypt 44 us, decrypt 2000 us (open ~25x cheaper, seal ~2x dearer).
#ifndef LEDGERSEAL_CRYPTO_PUBLIC_ECIES_H_
#define LEDGERSEAL_CRYPTO_PUBLIC_ECIES_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/secret_bytes.h"
#include "crypto/public/aes_gcm.h"
#include "crypto/public/crypto_status.h"
#include "crypto/public/random_source.h"
#include "crypto/public/rsa_key.h"

namespace ledgerseal::crypto {

// Uncompressed SEC 1 encoding of a P-256 point: 0x04 || X || Y.
inline constexpr size_t kP256PointBytes = 65;
// The only SubjectPublicKeyInfo encoding accepted and produced for a P-256
// ECDH key: named curve prime256v1, uncompressed point.
inline constexpr size_t kP256SpkiBytes = 91;
// Sealed size minus plaintext size: ephemeral point, IV and tag.
inline constexpr size_t kEciesP256OverheadBytes = kP256PointBytes + kAesGcmIvBytes + kAesGcmTagBytes;
// The fixed prefix of the HKDF info; names the construction and its version.
inline constexpr std::string_view kEciesP256Label = "ledgerseal ecies p256 v1";

// A P-256 public key to seal to. Immutable; move-only.
// Thread safety: const methods may be called concurrently.
// A moved-from key must not be used.
class EcdhPublicKey {
 public:
  // Parses a DER SubjectPublicKeyInfo holding a P-256 key. The whole input
  // must be consumed, and it must be the one canonical encoding (named curve,
  // uncompressed point: kP256SpkiBytes bytes), so that one key has exactly
  // one accepted encoding — the one the HKDF info binds. The point is on the
  // curve (OpenSSL checks while decoding) and passes EVP_PKEY_public_check.
  // Errors: kDecodeFailed (not SubjectPublicKeyInfo DER, trailing bytes, a
  // key of another type — the decoder accepts EC keys only —, a point not on
  // the curve, or a compressed point); kUnsupportedKey (an EC key on another
  // curve, or with explicit curve parameters).
  static CryptoResult<EcdhPublicKey> FromDer(std::span<const uint8_t> der);

  // The canonical DER SubjectPublicKeyInfo (kP256SpkiBytes bytes). Errors:
  // none; a CryptoResult like RsaPublicKey::ToDer, so that call sites switch
  // key types only.
  CryptoResult<std::vector<uint8_t>> ToDer() const { return spki_; }

  // Borrowed OpenSSL handle, valid while this object lives; for crypto/ only.
  EVP_PKEY* pkey() const { return pkey_.get(); }

 private:
  EcdhPublicKey(PkeyPtr pkey, std::vector<uint8_t> spki) : pkey_(std::move(pkey)), spki_(std::move(spki)) {}
  PkeyPtr pkey_;
  std::vector<uint8_t> spki_;  // canonical, kP256SpkiBytes
};

// A P-256 key pair that opens sealed messages. Immutable; move-only. OpenSSL
// wipes the private scalar when the key is freed.
// Thread safety: const methods may be called concurrently.
// A moved-from key must not be used.
class EcdhPrivateKey {
 public:
  // A fresh key pair from OpenSSL's DRBG — not an injected RandomSource (see
  // random_source.h). Errors: kInternal.
  static CryptoResult<EcdhPrivateKey> Generate();

  // Parses an unencrypted DER PKCS#8 PrivateKeyInfo holding a P-256 key (the
  // ECPrivateKey's optional public key may be absent; it is then computed).
  // The whole input must be consumed; the pair must pass EVP_PKEY_check
  // (scalar in range, point on the curve, point = scalar * G). Does not
  // modify or retain `der`.
  // Errors: kDecodeFailed (not PKCS#8 DER, trailing bytes, a key of another
  // type, or an inconsistent or invalid pair); kUnsupportedKey (an EC key on
  // another curve).
  static CryptoResult<EcdhPrivateKey> FromPkcs8Der(std::span<const uint8_t> der);

  // The unencrypted DER PKCS#8 PrivateKeyInfo (public key included), in
  // wiped-on-free memory; it is the private key: never on a disk in
  // plaintext. Errors: kInternal.
  CryptoResult<base::SecretBytes> ToPkcs8Der() const;

  // The public half as the canonical DER SubjectPublicKeyInfo
  // (kP256SpkiBytes bytes), which EcdhPublicKey::FromDer accepts. Errors:
  // none (see EcdhPublicKey::ToDer).
  CryptoResult<std::vector<uint8_t>> PublicKeyDer() const { return spki_; }

  // Borrowed OpenSSL handle, valid while this object lives; for crypto/ only.
  EVP_PKEY* pkey() const { return pkey_.get(); }

 private:
  EcdhPrivateKey(PkeyPtr pkey, std::vector<uint8_t> spki) : pkey_(std::move(pkey)), spki_(std::move(spki)) {}
  PkeyPtr pkey_;
  std::vector<uint8_t> spki_;  // canonical, kP256SpkiBytes
};

// Seals `plaintext` to `recipient` under `info` (construction and layout
// above). The result has exactly kEciesP256OverheadBytes + plaintext.size()
// bytes and differs on every call.
//
// The ephemeral key pair comes from OpenSSL's DRBG, like RSA-OAEP's seed (it
// cannot be drawn from a RandomSource through the EVP API); only the IV comes
// from `random`. So, as with RSA-OAEP, the output is not reproducible even
// with a deterministic RandomSource. The ephemeral private key is freed (and
// wiped by OpenSSL) before returning; Z and K are wiped.
// Preconditions: plaintext.size() and info.size() fit in an int.
// Errors: kInvalidArgument (sizes); those of random.Fill; kInternal.
// Nothing is returned on error.
// Thread safety: as `random`; `recipient` may be shared between threads.
CryptoResult<std::vector<uint8_t>> EciesP256Seal(RandomSource& random, const EcdhPublicKey& recipient,
                                                 std::span<const uint8_t> plaintext,
                                                 std::span<const uint8_t> info);

// Opens `sealed` (untrusted bytes, layout above) with `recipient` under
// `info`, into wiped-on-free memory. Z and K are wiped.
// Errors: kInvalidArgument (sealed shorter than kEciesP256OverheadBytes, or
// sizes that do not fit in an int); kDecodeFailed (the first 65 bytes are
// not an uncompressed point on the curve: this includes the all-zero point
// and almost every altered point); kAuthenticationFailed (the tag does not
// verify: another recipient key, another `info`, or any altered IV,
// ciphertext, tag — or an altered point that happens to be valid);
// kInternal. No plaintext is returned on error.
// Thread safety: reentrant; `recipient` may be shared between threads.
CryptoResult<base::SecretBytes> EciesP256Open(const EcdhPrivateKey& recipient, std::span<const uint8_t> sealed,
                                              std::span<const uint8_t> info);

}  // namespace ledgerseal::crypto

#endif  // LEDGERSEAL_CRYPTO_PUBLIC_ECIES_H_
