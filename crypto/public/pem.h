// PEM armour (RFC 7468) for key files (operator keys, conformance vectors).
// The PEM body is exactly the DER the code handles: "PRIVATE KEY" wraps a
// PKCS#8 PrivateKeyInfo, "PUBLIC KEY" a SubjectPublicKeyInfo.
#ifndef LEDGERSEAL_CRYPTO_PUBLIC_PEM_H_
#define LEDGERSEAL_CRYPTO_PUBLIC_PEM_H_

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ledgerseal::crypto {

inline constexpr std::string_view kPrivateKeyPemLabel = "PRIVATE KEY";
inline constexpr std::string_view kPublicKeyPemLabel = "PUBLIC KEY";

// "-----BEGIN <label>-----\n" base64(der) in 64-column lines "-----END ...".
// Errors: a message naming the OpenSSL step. Thread-safe.
base::Expected<std::string, std::string> DerToPem(std::string_view label,
                                                 std::span<const uint8_t> der);

// The DER inside `pem`, which must hold exactly one block labelled `label`.
// The caller wipes the result when it is a private key.
// Errors: a message (not PEM, other label, trailing data). Thread-safe.
base::Expected<std::vector<uint8_t>, std::string> PemToDer(std::string_view label,
                                                          std::string_view pem);

}  // namespace ledgerseal::crypto

#endif  // LEDGERSEAL_CRYPTO_PUBLIC_PEM_H_
