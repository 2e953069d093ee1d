// Internal: the shape of stored records — structural checks that need no
// key (sizes, versions, presence), shared by the unseal paths and the
// validators, and the conversion of a sealed box into its stored form.
#ifndef LEDGERSEAL_PLUGIN_SEALING_RECORD_SHAPE_H_
#define LEDGERSEAL_PLUGIN_SEALING_RECORD_SHAPE_H_

#include <cstddef>
#include <string_view>
#include <utility>

#include "crypto/public/aead_box.h"
#include "kvstore_adapter/public/service_identity.h"
#include "plugin/proto/sealing.pb.h"
#include "plugin/public/sealing_error.h"

namespace ledgerseal::sealing::internal {

// Upper bounds on stored variable-size fields, checked before any parsing:
// far above format 3's P-256 keys (SPKI 91 B, PKCS#8 138 B; the exact sizes
// are checked when the keys are parsed) and small enough that a hostile
// record cannot make us allocate much.
inline constexpr size_t kMaxPublicKeyDerBytes = 4096;
inline constexpr size_t kMaxSealedPrivateKeyBytes = 8192;

// IV is 12 bytes, tag 16 bytes, ciphertext `min_bytes`..`max_bytes`.
// Errors: kMalformed naming `what`.
SealingStatus CheckAeadBlobShape(std::string_view what, const v1::AeadBlob& blob,
                                 size_t min_ciphertext_bytes, size_t max_ciphertext_bytes);

// Versions, names, derivation parameters, field sizes and the service
// binding of a SealedRecoveryKey, returning the identity it claims to be
// bound to (unauthenticated until its tag opens); does not parse
// public_key_der (an altered key must be reported by the tag check as
// kTampered, not as a parse failure).
// Errors: kUnknownFormatVersion (format 1 with a message saying it binds no
// service, or any other version); kUnknownDerivationVersion; kMalformed (the
// binding included: an algorithm other than ECDSA P-256 or an SPKI that is
// not a P-256 key); kWeakPolicy, last.
SealingResult<kv::ServiceIdentity> CheckRecoveryKeyShape(const v1::SealedRecoveryKey& sealed);

// The message of a format-1 record, refused because it binds no service.
std::string Format1Refusal(std::string_view what);

// The message of a format-2 record (RSA-OAEP recovery keys), refused.
std::string Format2Refusal(std::string_view what);

// The stored form of a sealed box; takes its fields.
inline v1::AeadBlob ToAeadBlob(crypto::AeadBox box) {
  v1::AeadBlob blob;
  blob.set_iv(std::move(box.iv));
  blob.set_ciphertext(std::move(box.ciphertext));
  blob.set_tag(std::move(box.tag));
  return blob;
}

}  // namespace ledgerseal::sealing::internal

#endif  // LEDGERSEAL_PLUGIN_SEALING_RECORD_SHAPE_H_
