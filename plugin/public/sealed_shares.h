// Sealed shares: the latest ledger secret, wrapped under a fresh wrapping
// key, with that key ECIES-sealed (crypto/public/ecies.h) to every trusted node's recovery key
// (docs/ARCHITECTURE.md, "Sealing and recovery"; docs/FORMAT.md §5.4), the
// whole signed by the service identity (docs/SERVICE_IDENTITY.md §4).
// Written by the primary in the transaction that rotates the secret or
// changes the trusted nodes; read by a recovering node.
#ifndef LEDGERSEAL_PLUGIN_PUBLIC_SEALED_SHARES_H_
#define LEDGERSEAL_PLUGIN_PUBLIC_SEALED_SHARES_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/public/random_source.h"
#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/public/types.h"
#include "crypto/public/ecies.h"
#include "plugin/proto/sealing.pb.h"
#include "plugin/public/sealing_error.h"
#include "snp/public/derived_key.h"

namespace ledgerseal::sealing {

// One node to seal the ledger secret for.
struct ShareRecipient {
  std::string sealing_identity;
  std::string node_id;
  // The node's record from `sealing.recovery_keys`; its identity and node id
  // must equal the two fields above.
  v1::SealedRecoveryKey recovery_key;
};

// A recipient whose record has been checked and whose public key has been
// parsed: the per-node half of sealing. Parsing a DER public key goes
// through OpenSSL 3.0's (slow) decoders and a public-key check, so a host that
// reseals for the same nodes at every rotation prepares each node once
// (when its recovery key is admitted) and keeps the result.
// Immutable; copies share the parsed key. Thread safety: const methods may
// be called concurrently.
class PreparedRecipient {
 public:
  // Checks `recipient` (names, identity and node id equal to its recovery
  // key's, the record's shape and service binding) and parses its public key.
  // Errors: kInvalidArgument (names, identity mismatch);
  // kUnknownFormatVersion, kUnknownDerivationVersion, kMalformed, kWeakPolicy
  // (the record fails ValidateSealedRecoveryKey; a format 1 record binds no
  // service and is refused). Messages name the identity.
  static SealingResult<PreparedRecipient> Prepare(ShareRecipient recipient);

  const ShareRecipient& recipient() const { return recipient_; }
  const crypto::EcdhPublicKey& public_key() const { return *public_key_; }
  // The service identity the recipient's record is bound to, as its clear
  // fields say (only the recipient's hardware can check the AAD).
  const kv::ServiceIdentity& service() const { return service_; }

 private:
  PreparedRecipient(ShareRecipient recipient, std::shared_ptr<const crypto::EcdhPublicKey> key,
                    kv::ServiceIdentity service)
      : recipient_(std::move(recipient)), public_key_(std::move(key)), service_(std::move(service)) {}
  ShareRecipient recipient_;
  std::shared_ptr<const crypto::EcdhPublicKey> public_key_;  // never null
  kv::ServiceIdentity service_;
};

// Seals `ledger_secret` (version `ledger_secret_version`) for every
// recipient and signs the record as the service `signer` speaks for
// (docs/SERVICE_IDENTITY.md §4): the SealedShares body (format_version 3,
// service_id = signer.identity().service_id, shares sorted by sealing
// identity, each with a copy of the node's recovery key) is serialised once,
// and the returned SignedSealedShares carries those bytes verbatim with
// signer.Sign(kv::kSealedSharesDomain, body). Serialised (SerializeRecord),
// it is the value for table `sealing.shares`.
//
// Draws from `random`, in this order: the 32-byte wrapping key, the 12-byte
// IV of the wrapped secret, then one 12-byte ECIES IV per recipient (in
// sorted order). The ECIES ephemeral keys and the ECDSA nonce use OpenSSL's
// DRBG. The wrapping key is wiped before returning.
//
// Preconditions: ledger_secret is kLedgerSecretBytes; at least one
// recipient; identities unique; every recipient's record bound to
// signer.identity() (a primary skips the others first, see
// transaction_hook.cc); signer.identity() valid (ServiceIdentityFromPublicKey).
// Errors: kInvalidArgument (naming the recipient and both service ids for a
// binding mismatch; a signer that refuses the domain); kCryptoError (OpenSSL,
// or the signer failed or returned no signature).
// Thread safety: as `random` and `signer`; no shared state otherwise.
SealingResult<v1::SignedSealedShares> SealShares(crypto::RandomSource& random,
                                                 const kv::ServiceSigner& signer,
                                                 uint64_t ledger_secret_version,
                                                 const kv::SecretBytes& ledger_secret,
                                                 std::span<const PreparedRecipient> recipients);

// The part of SealShares that costs — a fresh wrapping key ECIES-sealed to
// each recipient (~0.1 ms per recipient, BENCHMARKS.md) — done before the
// ledger secret it will wrap exists, so that a host can do it off the commit
// path and the next rotation only wraps its secret and signs
// (docs/ARCHITECTURE.md, "Pre-sealing"). The shares are bound (ECIES info
// L_wk) to one service, one ledger secret version and one recipient set;
// SealShares takes them only for exactly those.
//
// Move-only; used at most once (SealShares consumes it). The wrapping key
// lives in memory only and is wiped on destruction. Thread safety: const
// methods may be called concurrently; nothing else is shared.
class PresealedShares {
 public:
  // Draws from `random`, in SealShares's order: the 32-byte wrapping key,
  // the 12-byte IV the ledger secret will be wrapped with, one 12-byte ECIES
  // IV per recipient (in sorted order); so SealShares(..., recipients) and
  // SealShares(..., Make(...)) draw the same bytes.
  // Preconditions and errors: those of SealShares for `service` and
  // `recipients` (a service id that is not its key's is kInvalidArgument).
  // Thread safety: as `random`.
  static SealingResult<PresealedShares> Make(crypto::RandomSource& random,
                                             const kv::ServiceIdentity& service,
                                             uint64_t ledger_secret_version,
                                             std::span<const PreparedRecipient> recipients);

  // True if these shares are for `service_id`, `ledger_secret_version` and
  // exactly `recipients` (the same identities, node ids and recovery-key
  // records, in any order). A false answer only costs the caller a fresh
  // Make; a true one is re-checked by SealShares.
  bool SealedFor(std::string_view service_id, uint64_t ledger_secret_version,
                 std::span<const PreparedRecipient> recipients) const;

  uint64_t ledger_secret_version() const { return ledger_secret_version_; }
  const std::string& service_id() const { return service_.service_id; }

  // Wraps `ledger_secret` and signs now, ahead of the commit, for a host
  // that draws its next ledger secret early (CommitContext::next_rotation):
  // the commit then only takes the record (SealPresealedShares with that
  // very secret), and the signature and its self-check leave the commit
  // path. The wrapping key is wiped here (it wraps one secret, ever). On
  // error nothing changes.
  // Preconditions and errors: those of SealPresealedShares;
  // kInvalidArgument if already finished. Thread safety: as `signer`.
  SealingStatus Finish(const kv::ServiceSigner& signer, const kv::SecretBytes& ledger_secret);
  // Whether Finish succeeded.
  bool finished() const { return finished_record_.has_value(); }
  // True if finished for exactly `ledger_secret` (constant-time comparison
  // of SHA-256 digests: no copy of the secret is kept).
  bool FinishedFor(const kv::SecretBytes& ledger_secret) const;

  PresealedShares(PresealedShares&&) = default;
  PresealedShares& operator=(PresealedShares&&) = default;

 private:
  friend SealingResult<v1::SignedSealedShares> SealPresealedShares(const kv::ServiceSigner&, uint64_t,
                                                                   const kv::SecretBytes&, PresealedShares);
  PresealedShares() = default;
  kv::ServiceIdentity service_;
  uint64_t ledger_secret_version_ = 0;
  std::vector<PreparedRecipient> recipients_;  // sorted by sealing identity
  kv::SecretBytes wrapping_key_;               // kWrappingKeyBytes
  std::string wrap_iv_;                        // the IV the ledger secret will be wrapped with
  std::vector<v1::NodeShare> shares_;          // in recipients_'s order
  // Set by Finish (then wrapping_key_, wrap_iv_ and shares_ are empty).
  std::optional<v1::SignedSealedShares> finished_record_;
  std::array<uint8_t, 32> finished_secret_digest_{};  // SHA-256 of the secret it wraps
};

// SealShares with the wrapping key sealed ahead of time: wraps
// `ledger_secret` under `presealed`'s wrapping key (with the IV drawn by
// Make) and signs; draws nothing. The record is the one SealShares would
// have made from the same draws.
// Preconditions: those of SealShares, and `presealed` made for
// signer.identity() and `ledger_secret_version` (else kInvalidArgument: a
// share bound to another version or service could never be unsealed).
// A finished `presealed` (Finish) hands over its record, signs nothing, and
// must have been finished for `ledger_secret` (else kInvalidArgument: its
// wrapping key is gone; seal afresh).
// Errors: as SealShares. Thread safety: as `signer`.
SealingResult<v1::SignedSealedShares> SealPresealedShares(const kv::ServiceSigner& signer,
                                                          uint64_t ledger_secret_version,
                                                          const kv::SecretBytes& ledger_secret,
                                                          PresealedShares presealed);

// The same for recipients not yet prepared: prepares each (see
// PreparedRecipient::Prepare for the extra errors), then seals.
SealingResult<v1::SignedSealedShares> SealShares(crypto::RandomSource& random,
                                                 const kv::ServiceSigner& signer,
                                                 uint64_t ledger_secret_version,
                                                 const kv::SecretBytes& ledger_secret,
                                                 std::span<const ShareRecipient> recipients);

// The envelope for `body` as SealShares makes it: `body` serialised
// deterministically, signed by `signer`. SealShares uses it; so may tools
// that must write a signed record (tests, vectors). Checks nothing about the
// body. Errors: kInvalidArgument, kCryptoError as SealShares.
// Thread safety: as `signer`.
SealingResult<v1::SignedSealedShares> SignSealedShares(const kv::ServiceSigner& signer,
                                                       const v1::SealedShares& body);

struct UnsealedLedgerSecret {
  kv::SecretBytes secret;  // kLedgerSecretBytes; wiped on destruction
  uint64_t ledger_secret_version = 0;
  // The identity this node's own sealed recovery key is bound to ("T"), whose
  // signature of the record verified: the service the secret belongs to.
  kv::ServiceIdentity service;
};

// Recovers the ledger secret from `record` (a `sealing.shares` value, as
// read from the entry at ledger version `record_version`) as the node
// `sealing_identity`: unseals that node's recovery key from the copy in its
// share, takes the service identity T that the copy is bound to, checks that
// T signed the record, and only then ECIES-opens the wrapping key and
// opens the wrapped ledger secret.
//
// Order of checks (docs/SERVICE_IDENTITY.md §4.4; the first failure wins):
//  1. the FormatProbe parses (kMalformed); format 1 (kUnsigned: written
//     before service identities, forgeable from public data);
//  2. format_version 3 (kUnknownFormatVersion; format 2 — RSA-OAEP recovery
//     keys — is refused with a message saying so);
//  3. the envelope parses (kMalformed); its signature is not empty (kUnsigned);
//  4. signature algorithm 2, the signer's SPKI a P-256 key, the body parses
//     with format_version 3 (kMalformed);
//  5. the wrapped secret's sizes and duplicate identities (kMalformed); the
//     share for `sealing_identity` (kIdentityNotFound); the share vs. its
//     recovery-key copy (kMalformed without one, kTampered);
//  6. every error of UnsealRecoveryKey on the copy (an altered clear binding
//     is kTampered);
//  7. the signer's SPKI is T's and body.service_id is T's id (kOtherService);
//  8. `expected_service_id` (the operator's pin) is empty or T's id
//     (kWrongService);
//  9. the signature verifies under T (kBadSignature);
// 10. the encrypted wrapping key's size (kMalformed), ECIES opening
//     (kTampered: authentication failure or an altered ephemeral point), the
//     wrapped secret's tag (kTampered).
// Every message starts "sealing.shares at version <record_version>:" and
// never carries key material. Unauthenticated GCM output is wiped.
//
// The signature makes the record authentic; the caller must still
// authenticate the entry that carried it and every later one under the
// recovered secrets (replay), which also catches truncation attempts this
// function cannot see (docs/SERVICE_IDENTITY.md §7).
// Preconditions: sealing_identity is not empty (else kInvalidArgument).
// Thread safety: as `provider`.
SealingResult<UnsealedLedgerSecret> UnsealShares(const snp::DerivedKeyProvider& provider,
                                                 std::span<const uint8_t> record,
                                                 std::string_view sealing_identity,
                                                 kv::Version record_version,
                                                 std::string_view expected_service_id);

}  // namespace ledgerseal::sealing

#endif  // LEDGERSEAL_PLUGIN_PUBLIC_SEALED_SHARES_H_
