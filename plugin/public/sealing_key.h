// The node's sealing key: HKDF-SHA256 of a platform derived key, plus a
// public key id that tells "this is not the key it was sealed with" apart
// from "the sealed bytes were altered".
//
//   sealing key = HKDF-SHA256(ikm = derived key, salt = "", info = kSealingKeyInfo), 32 B
//   key id      = HKDF-SHA256(ikm = derived key, salt = "", info = kKeyIdInfo), 16 B
#ifndef LEDGERSEAL_PLUGIN_PUBLIC_SEALING_KEY_H_
#define LEDGERSEAL_PLUGIN_PUBLIC_SEALING_KEY_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "kvstore_adapter/public/types.h"
#include "plugin/proto/sealing.pb.h"
#include "plugin/public/sealing_error.h"
#include "plugin/public/sealing_format.h"
#include "snp/public/derived_key.h"

namespace ledgerseal::sealing {

struct SealingKey {
  kv::SecretBytes key;                        // kSealingKeyBytes; wiped on destruction
  std::array<uint8_t, kKeyIdBytes> key_id{};  // not secret; stored in the clear
};

// The DerivationParams to store for a key derived with `request` on the
// platform named `platform_name`, with derivation_version = kDerivationVersion.
// Pure; thread-safe.
v1::DerivationParams MakeDerivationParams(std::string_view platform_name,
                                          const snp::DerivedKeyRequest& request);

// The request that stored `params` describe, after checking them.
// Errors: kUnknownDerivationVersion; kMalformed (empty or overlong platform
// name, unknown root key, unknown field-select bits, VMPL out of range).
// Pure; thread-safe.
SealingResult<snp::DerivedKeyRequest> ToDerivedKeyRequest(const v1::DerivationParams& params);

// Refuses parameters weaker than any sealing policy allows: a field
// selection that binds the key to no code field (measurement, image id,
// family id). Such a key is the same for every guest on the chip, so a
// record carrying them may have been sealed by a guest the host launched.
// Sealing never writes them. Errors: kWeakPolicy. Pure; thread-safe.
SealingStatus CheckPolicyBindsCode(const v1::DerivationParams& params);

// The request to seal new material with on `provider`: the default
// DerivedKeyRequest fields (VCEK; measurement + TCB version; VMPL 0; SVN 0)
// with tcb_version = provider.CommittedTcb().
// Errors: kPlatformError (the provider's code name is in the message).
// Thread safety: as `provider`.
SealingResult<snp::DerivedKeyRequest> DefaultDerivedKeyRequest(
    const snp::DerivedKeyProvider& provider);

// Asks `provider` for the derived key that `params` describe and derives the
// sealing key and key id from it. The derived key is wiped before returning.
// Errors: those of ToDerivedKeyRequest; kPlatformMismatch if params.platform()
// is not provider.platform_name(); kPlatformError if the provider refuses
// (e.g. "tcb_above_committed"); kCryptoError.
// Thread safety: as `provider`.
SealingResult<SealingKey> DeriveSealingKey(const snp::DerivedKeyProvider& provider,
                                           const v1::DerivationParams& params);

}  // namespace ledgerseal::sealing

#endif  // LEDGERSEAL_PLUGIN_PUBLIC_SEALING_KEY_H_
