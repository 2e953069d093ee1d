// A node's recovery key: an RSA key pair whose private half is sealed to the
// node's platform (AES-256-GCM under the sealing key) and whose public half
// lets the primary seal ledger secrets for the node (docs/FORMAT.md §1, §4.2, §5.3).
#ifndef LEDGERSEAL_PLUGIN_PUBLIC_RECOVERY_KEY_H_
#define LEDGERSEAL_PLUGIN_PUBLIC_RECOVERY_KEY_H_

#include <cstddef>
#include <string_view>

#include "crypto/public/random_source.h"
#include "crypto/public/rsa_key.h"
#include "plugin/proto/sealing.pb.h"
#include "plugin/public/sealing_error.h"
#include "snp/public/derived_key.h"

namespace ledgerseal::sealing {

// Generates an RSA key pair of `rsa_bits` and seals its private key (DER
// PKCS#8) to this platform: the sealing key is derived from `provider` with
// `request`, the 12-byte IV is drawn from `random` (12 bytes, the only
// draw), and the AAD binds the public key, `sealing_identity`, `node_id`, the
// derivation parameters and the key id (docs/FORMAT.md).
//
// The returned record is the value for table `sealing.recovery_keys`, key
// `sealing_identity`. The private key exists in memory only during the call
// and is wiped. RSA generation uses OpenSSL's DRBG, not `random`.
//
// Preconditions: sealing_identity and node_id are 1..kMaxNameBytes of UTF-8;
// rsa_bits is 2048, 3072 or 4096.
// Errors: kInvalidArgument; kMalformed (request rejected as invalid, see
// ToDerivedKeyRequest); kPlatformError (provider refused); kCryptoError.
// Thread safety: as `provider` and `random`; no shared state otherwise.
SealingResult<v1::SealedRecoveryKey> SealRecoveryKey(const snp::DerivedKeyProvider& provider,
                                                     crypto::RandomSource& random,
                                                     const snp::DerivedKeyRequest& request,
                                                     std::string_view sealing_identity,
                                                     std::string_view node_id,
                                                     size_t rsa_bits = crypto::kDefaultRsaBits);

// Unseals the private key of `sealed`, re-deriving the sealing key with the
// parameters STORED in the record (never the current defaults), so that a
// committed-TCB upgrade does not lock the node out.
//
// Order of checks, which fixes the error reported for a given record:
// format_version (kUnknownFormatVersion); derivation_version
// (kUnknownDerivationVersion); field sizes and stored parameters
// (kMalformed); stored parameters that do not bind the key to the code
// (kWeakPolicy: no policy allows them, so they were written by someone
// else); platform name (kPlatformMismatch); provider
// (kPlatformError); key id (kPlatformMismatch — another chip, measurement or
// TCB, or an altered key id/parameters); GCM tag (kTampered — the key is
// right, so the bytes or their bound context were altered); then the
// decrypted key must parse and match public_key_der (kMalformed).
// Thread safety: as `provider`.
SealingResult<crypto::RsaPrivateKey> UnsealRecoveryKey(const snp::DerivedKeyProvider& provider,
                                                       const v1::SealedRecoveryKey& sealed);

// Checks everything about `sealed` that needs no platform: format and
// derivation versions, stored parameters, names, field sizes, and that
// public_key_der is a supported RSA SubjectPublicKeyInfo. A primary calls
// this on a joiner's record before writing it; PreparedRecipient::Prepare
// calls it on every recipient. It cannot tell whether the private key is
// really sealed.
// Errors: kUnknownFormatVersion, kUnknownDerivationVersion, kMalformed.
// Pure; thread-safe.
SealingStatus ValidateSealedRecoveryKey(const v1::SealedRecoveryKey& sealed);

// ValidateSealedRecoveryKey, returning the parsed public key (parsing is the
// costly part; this avoids doing it twice). Same errors; pure; thread-safe.
SealingResult<crypto::RsaPublicKey> ParseSealedRecoveryPublicKey(
    const v1::SealedRecoveryKey& sealed);

}  // namespace ledgerseal::sealing

#endif  // LEDGERSEAL_PLUGIN_PUBLIC_RECOVERY_KEY_H_
