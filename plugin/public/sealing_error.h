// Typed errors of the sealing core. Each failure mode a recovering operator
// must tell apart has its own code; messages name what failed (which
// identity, which blob, which field) and never contain key material.
#ifndef LEDGERSEAL_PLUGIN_PUBLIC_SEALING_ERROR_H_
#define LEDGERSEAL_PLUGIN_PUBLIC_SEALING_ERROR_H_

#include <expected>
#include <string>
#include <string_view>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::sealing {

enum class SealingErrorCode {
  kUnknownDerivationVersion,  // DerivationParams.derivation_version is not one we implement
  kUnknownFormatVersion,      // a record's format_version is not one we implement
  kPlatformMismatch,          // the re-derived key id differs: other chip, measurement, TCB
                              // or platform — or the stored key id/params were altered
  kPlatformError,             // the DerivedKeyProvider refused (message names its code)
  kTampered,                  // a GCM tag or OAEP decryption failed under the right key, or a
                              // record contradicts itself: its bytes were altered
  kIdentityNotFound,          // no share for the requested sealing identity
  kWrongSecretVersion,        // the record seals another ledger secret version than expected
                              // (format 1 only: no format 2 check returns it; kept so that
                              // the names of the codes stay stable)
  kWrongService,              // the record's (authenticated) service is not the operator's pin
  kMalformed,                 // unparsable proto, wrong field sizes, invalid stored values
  kWeakPolicy,                // stored derivation parameters weaker than any policy allows
                              // (not bound to the code): sealing never writes them
  kInvalidArgument,           // the caller broke a documented precondition
  kCryptoError,               // OpenSSL failed internally (allocation, provider)
  kUnsigned,                  // a shares record without a service signature (format 1, or an
                              // empty signature): forgeable from public data, refused
  kBadSignature,              // the signature does not verify under the trusted identity: the
                              // record was altered after signing, or signed by another key
  kOtherService,              // the record names another signer or service than the identity
                              // this node's own sealed key is bound to
};

// Stable lower_snake_case name, e.g. "platform_mismatch". Returns "unknown"
// for a value outside the enum. Thread-safe.
std::string_view SealingErrorCodeName(SealingErrorCode code);

struct SealingError {
  SealingErrorCode code;
  std::string message;  // what failed and where; never key material

  // "<code name>: <message>"
  std::string ToString() const;
};

template <typename T>
using SealingResult = base::Expected<T, SealingError>;
using SealingStatus = SealingResult<void>;

inline std::unexpected<SealingError> MakeSealingError(SealingErrorCode code, std::string message) {
  return std::unexpected(SealingError{code, std::move(message)});
}

// Maps a sealing error onto the adapter interface's codes for hooks:
// kIdentityNotFound -> kNotFound (this node has nothing to unseal);
// kTampered, kMalformed -> kCorruption; kPlatformMismatch -> kWrongKey;
// kInvalidArgument -> kInvalidArgument; kCryptoError -> kInternal; all other
// codes (kUnsigned, kBadSignature, kOtherService and kWrongService included)
// -> kRecoveryFailed. The message keeps the sealing code name:
// "<sealing code name>: <message>". Thread-safe.
kv::Error ToKvError(const SealingError& error);

}  // namespace ledgerseal::sealing

#endif  // LEDGERSEAL_PLUGIN_PUBLIC_SEALING_ERROR_H_
