// Internal to crypto/ (ecies.cc, signature.cc): P-256 public keys built from
// their canonical bytes with EVP_PKEY_fromdata instead of OpenSSL 3's
// generic DER decoder. The decoder framework costs ~150 us per key on the
// 2-vCPU dev VM (BENCHMARKS.md, "P-256 keys from DER"), more than the ECDSA
// signature or ECIES seal the key is parsed for; a rotation parses one per
// node. Same acceptance as decoder + check for the canonical encoding.
#ifndef LEDGERSEAL_CRYPTO_P256_POINT_H_
#define LEDGERSEAL_CRYPTO_P256_POINT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "crypto/openssl_util.h"
#include "crypto/public/crypto_status.h"

namespace ledgerseal::crypto::internal {

inline constexpr size_t kP256UncompressedPointBytes = 65;

// The DER of a P-256 SubjectPublicKeyInfo up to its point:
// SEQUENCE (89 bytes) { SEQUENCE (19 bytes) { OID 1.2.840.10045.2.1
// (id-ecPublicKey), OID 1.2.840.10045.3.1.7 (prime256v1) }, BIT STRING
// (66 bytes, 0 unused bits) { the 65-byte uncompressed point } }.
inline constexpr std::array<uint8_t, 26> kP256SpkiPrefix = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};

// A P-256 public key from an untrusted point 0x04 || X || Y: decoding
// checks that (X, Y) is on the curve (and X, Y < p); then
// EVP_PKEY_public_check_quick (not infinity). The full check's n * Q = O
// test adds nothing on P-256, whose cofactor is 1. The hybrid forms 0x06 /
// 0x07 that OpenSSL would accept are refused.
// Errors: kDecodeFailed (not such a point); kInternal. `what` names the
// operation in messages.
CryptoResult<PkeyPtr> P256PublicKeyFromPoint(std::span<const uint8_t, kP256UncompressedPointBytes> point,
                                             std::string_view what);

// If `der` is exactly kP256SpkiPrefix followed by 65 bytes: the key of
// P256PublicKeyFromPoint (or its error). Otherwise std::nullopt: the caller
// decides (with the generic decoder) what the other encoding is.
std::optional<CryptoResult<PkeyPtr>> P256PublicKeyFromCanonicalSpki(std::span<const uint8_t> der,
                                                                    std::string_view what);

}  // namespace ledgerseal::crypto::internal

#endif  // LEDGERSEAL_CRYPTO_P256_POINT_H_
