// The baseline of //plugin/bench:sealing_benchmark: the cryptographic work
// of sealing and unsealing done with OpenSSL's EVP API directly, the way a
// tuned implementation would — algorithms fetched once, keys already parsed
// where the comparison says so, no records, no checks beyond OpenSSL's own.
// Same primitives and parameters as docs/FORMAT.md and
// docs/SERVICE_IDENTITY.md: AES-256-GCM, HKDF-SHA256, ECIES P-256
// (raw_ecies.h) with L_wk as info, and ECDSA P-256 with SHA-256 over the
// signed message (a seal signs once, an unseal verifies once).
#ifndef LEDGERSEAL_PLUGIN_BENCH_RAW_OPENSSL_H_
#define LEDGERSEAL_PLUGIN_BENCH_RAW_OPENSSL_H_

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <array>
#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ledgerseal::bench {

using Bytes = std::vector<uint8_t>;
using Status = base::Expected<void, std::string>;  // error: the failed EVP step

struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

// Algorithms fetched once. Thread safety: const methods are reentrant.
class RawCrypto {
 public:
  // Errors: a fetch failed.
  static base::Expected<RawCrypto, std::string> Create();

  // AES-256-GCM; out has in's size; tag is 16 bytes.
  Status GcmSeal(std::span<const uint8_t> key, std::span<const uint8_t> iv,
                 std::span<const uint8_t> aad, std::span<const uint8_t> in, std::span<uint8_t> out,
                 std::span<uint8_t> tag) const;
  Status GcmOpen(std::span<const uint8_t> key, std::span<const uint8_t> iv,
                 std::span<const uint8_t> aad, std::span<const uint8_t> in,
                 std::span<const uint8_t> tag, std::span<uint8_t> out) const;
  // HKDF-SHA256, empty salt, out.size() bytes.
  Status Hkdf(std::span<const uint8_t> ikm, std::string_view info, std::span<uint8_t> out) const;

 private:
  struct CipherFree {
    void operator()(EVP_CIPHER* c) const { EVP_CIPHER_free(c); }
  };
  struct KdfFree {
    void operator()(EVP_KDF* k) const { EVP_KDF_free(k); }
  };
  std::shared_ptr<EVP_CIPHER> gcm_;
  std::shared_ptr<EVP_KDF> hkdf_;
};

// DER PKCS#8 PrivateKeyInfo -> EVP_PKEY (OSSL_DECODER, OpenSSL 3's EVP
// decoding API), EC.
base::Expected<EvpPkeyPtr, std::string> ParsePkcs8Der(std::span<const uint8_t> der);

// Appends the canonical item of base/canonical_items.h: u32 big-endian
// length, then the bytes.
void AppendItem(Bytes& out, std::span<const uint8_t> bytes);

// --- ECDSA P-256 (the service identity) ----------------------------------

// A fresh P-256 key pair, and the DER SubjectPublicKeyInfo of a key.
base::Expected<EvpPkeyPtr, std::string> GenerateP256();
base::Expected<Bytes, std::string> PublicKeyDerOf(EVP_PKEY* key);
// DER SubjectPublicKeyInfo of an EC key -> EVP_PKEY.
base::Expected<EvpPkeyPtr, std::string> ParseEcPublicKeyDer(std::span<const uint8_t> der);

// ECDSA with SHA-256 (EVP_DigestSign / EVP_DigestVerify, one-shot), DER
// signatures.
base::Expected<Bytes, std::string> EcdsaSign(EVP_PKEY* key, std::span<const uint8_t> message);
Status EcdsaVerify(EVP_PKEY* key, std::span<const uint8_t> message, std::span<const uint8_t> signature);

// SERVICE_IDENTITY.md §4.1: item domain || item SHA-256(signer_spki) || item body.
Bytes SignedMessage(std::string_view domain, std::span<const uint8_t> signer_spki,
                    std::span<const uint8_t> body);

// --- the two operations ----------------------------------------------------

struct RawRecipient {
  std::string sealing_identity;
  std::string node_id;
  Bytes public_key_der;
  EvpPkeyPtr public_key;  // public_key_der, parsed once up front
  // The recipient's sealed recovery key record: the plugin copies it into
  // the signed body, so the raw side signs the same number of bytes.
  Bytes record_copy;
  // The service identity the record is bound to (P-256 SPKI).
  Bytes binding_spki;
};

// The service identity that signs: a P-256 key and its SPKI.
struct RawSigner {
  EvpPkeyPtr key;
  Bytes spki;
};

struct RawSealed {
  std::array<uint8_t, 12> iv{};
  std::array<uint8_t, 32> ciphertext{};
  std::array<uint8_t, 16> tag{};
  std::vector<Bytes> encrypted_wrapping_keys;
  Bytes signature;  // of the signed message over everything above and the copies
};

// Sealing for `recipients`: a fresh wrapping key and IV (RAND_bytes), one
// AES-GCM wrap of `ledger_secret` under AAD_ls, one ECIES seal of the
// wrapping key per recipient under its L_wk, then one ECDSA signature by
// `signer` of the signed message over all of it (items, not protobuf). With
// `parse_der`, each recipient's P-256 key and its service binding are parsed
// from DER first, as the plugin validates a record it prepares.
base::Expected<RawSealed, std::string> RawSeal(const RawCrypto& crypto,
                                              std::span<const RawRecipient> recipients,
                                              const RawSigner& signer,
                                              std::string_view service_id, uint64_t version,
                                              std::span<const uint8_t> ledger_secret,
                                              bool parse_der);

// What a recovering node reads, beyond its derived key.
struct RawUnsealInput {
  Bytes derived_key;  // from the platform
  // The sealed private key and what its AAD_rk3 binds (rebuilt every call).
  Bytes public_key_der, key_id;
  uint32_t binding_algorithm = 0;
  Bytes binding_spki;  // the service identity; also the signer
  std::string platform;
  uint32_t root_key_select = 0, vmpl = 0, guest_svn = 0;
  uint64_t guest_field_select = 0, tcb_version = 0;
  Bytes sealed_key_iv, sealed_key_ciphertext, sealed_key_tag;
  std::string sealing_identity, node_id, service_id;
  uint64_t version = 0;
  Bytes encrypted_wrapping_key;
  Bytes secret_iv, secret_ciphertext, secret_tag;
  // The signed body (verbatim) and its signature.
  Bytes body, signature;
};

// HKDF -> AES-GCM open of the PKCS#8 key (AAD_rk3) -> PKCS#8 parse ->
// signer SPKI parse and ECDSA verification of the signed message ->
// ECIES open -> AES-GCM open of the ledger secret. Returns the
// 32-byte secret.
base::Expected<Bytes, std::string> RawUnseal(const RawCrypto& crypto, const RawUnsealInput& input);

}  // namespace ledgerseal::bench

#endif  // LEDGERSEAL_PLUGIN_BENCH_RAW_OPENSSL_H_
