// A node's recovery key: an ECDH P-256 key pair whose private half is sealed to the
// node's platform (AES-256-GCM under the sealing key) and whose public half
// lets the primary seal ledger secrets for the node with ECIES
// (crypto/public/ecies.h; docs/FORMAT.md §1, §4.2, §5.3). Since format 2 the
// sealed record is bound to the service identity the node serves
// (docs/SERVICE_IDENTITY.md §3); format 3 replaced RSA with P-256.
#ifndef LEDGERSEAL_PLUGIN_PUBLIC_RECOVERY_KEY_H_
#define LEDGERSEAL_PLUGIN_PUBLIC_RECOVERY_KEY_H_

#include <cstddef>
#include <string_view>

#include "crypto/public/random_source.h"
#include "crypto/public/ecies.h"
#include "kvstore_adapter/public/service_identity.h"
#include "plugin/proto/sealing.pb.h"
#include "plugin/public/sealing_error.h"
#include "snp/public/derived_key.h"

namespace ledgerseal::sealing {

// A node's recovery key pair as a recovering node gets it back: the private
// key and the service identity its sealed record is bound to. `service` is
// authenticated (it is in the AAD the hardware key opened): the node trusts
// it, and only it, to sign the sealing.shares records it reads back.
struct UnsealedRecoveryKey {
  crypto::EcdhPrivateKey private_key;  // OpenSSL wipes it when freed
  kv::ServiceIdentity service;        // "T" of docs/SERVICE_IDENTITY.md §3
};

// Generates a P-256 key pair and seals its private key (DER
// PKCS#8) to this platform, bound to `service`: the sealing key is derived
// from `provider` with `request`, the 12-byte IV is drawn from `random` (12
// bytes, the only draw), and the AAD (AAD_rk2, docs/FORMAT.md §4.2) binds
// the public key, `sealing_identity`, `node_id`, the derivation parameters,
// the key id and the service identity (algorithm and whole SPKI, also
// stored in the clear in fields 8-9).
//
// The returned record (format_version 3) is the value for table
// `sealing.recovery_keys`, key `sealing_identity`. The private key exists in
// memory only during the call and is wiped. RSA generation uses OpenSSL's
// DRBG, not `random`; it runs after the platform answered.
//
// Preconditions: sealing_identity and node_id are 1..kMaxNameBytes of UTF-8;
// `service` is a valid identity (ECDSA P-256
// SPKI) whose service_id is ServiceIdOf(its SPKI).
// Errors: kInvalidArgument (including a `service` that is not valid);
// kMalformed (request rejected as invalid, see ToDerivedKeyRequest);
// kPlatformError (provider refused); kCryptoError.
// Thread safety: as `provider` and `random`; no shared state otherwise.
SealingResult<v1::SealedRecoveryKey> SealRecoveryKey(const snp::DerivedKeyProvider& provider,
                                                     crypto::RandomSource& random,
                                                     const snp::DerivedKeyRequest& request,
                                                     std::string_view sealing_identity,
                                                     std::string_view node_id,
                                                     const kv::ServiceIdentity& service);

// The same for a key pair the caller already holds (`private_key`, not
// retained; its PKCS#8 bytes are wiped before returning): how a node reseals
// its one recovery key for a new service identity, so that no key
// generation lands on the recovery path. Draws the IV (12 bytes) only.
// Same preconditions, errors and thread safety; thread-safe for `private_key`.
SealingResult<v1::SealedRecoveryKey> SealExistingRecoveryKey(
    const snp::DerivedKeyProvider& provider, crypto::RandomSource& random,
    const snp::DerivedKeyRequest& request, std::string_view sealing_identity,
    std::string_view node_id, const kv::ServiceIdentity& service,
    const crypto::EcdhPrivateKey& private_key);

// Unseals the private key of `sealed`, re-deriving the sealing key with the
// parameters STORED in the record (never the current defaults), so that a
// committed-TCB upgrade does not lock the node out, and returns it with the
// service identity the record is bound to.
//
// Order of checks, which fixes the error reported for a given record:
// format_version (kUnknownFormatVersion; format 1 is refused with a message
// saying it binds no service, format 2 with one saying it holds an RSA key); derivation_version
// (kUnknownDerivationVersion); field sizes, stored parameters and the clear
// service binding (kMalformed); stored parameters that do not bind the key
// to the code (kWeakPolicy: no policy allows them, so they were written by
// someone else); platform name (kPlatformMismatch); provider
// (kPlatformError); key id (kPlatformMismatch — another chip, measurement or
// TCB, or an altered key id/parameters); GCM tag (kTampered — the key is
// right, so the bytes or their bound context, the service binding included,
// were altered); then the decrypted key must parse and match public_key_der
// (kMalformed).
// Thread safety: as `provider`.
SealingResult<UnsealedRecoveryKey> UnsealRecoveryKey(const snp::DerivedKeyProvider& provider,
                                                     const v1::SealedRecoveryKey& sealed);

// Checks everything about `sealed` that needs no platform: format and
// derivation versions, stored parameters, names, field sizes, the clear
// service binding, and that public_key_der is the canonical P-256
// SubjectPublicKeyInfo (EcdhPublicKey::FromDer). A primary calls this on a joiner's record before
// writing it; PreparedRecipient::Prepare calls it on every recipient. It
// cannot tell whether the private key is really sealed, nor whether the
// clear binding is the one in the AAD (only the node's hardware can).
// Errors: kUnknownFormatVersion, kUnknownDerivationVersion, kMalformed,
// kWeakPolicy. Pure; thread-safe.
SealingStatus ValidateSealedRecoveryKey(const v1::SealedRecoveryKey& sealed);

// What ValidateSealedRecoveryKey checks, returning the parsed public key and
// the service identity the record claims to be bound to (parsing is the
// costly part; this avoids doing it twice).
struct RecoveryPublicKey {
  crypto::EcdhPublicKey public_key;
  kv::ServiceIdentity service;  // the clear binding: not authenticated
};

// Same errors as ValidateSealedRecoveryKey; pure; thread-safe.
SealingResult<RecoveryPublicKey> ParseSealedRecoveryPublicKey(const v1::SealedRecoveryKey& sealed);

}  // namespace ledgerseal::sealing

#endif  // LEDGERSEAL_PLUGIN_PUBLIC_RECOVERY_KEY_H_
