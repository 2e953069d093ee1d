// Sealed shares: the latest ledger secret, wrapped under a fresh wrapping
// key, with that key RSA-OAEP-encrypted to every trusted node's recovery key
// (docs/ARCHITECTURE.md, "Sealing and recovery"; docs/FORMAT.md §5.4).
// Written by the primary in the transaction that rotates the secret or
// changes the trusted nodes; read by a recovering node.
#ifndef LEDGERSEAL_PLUGIN_PUBLIC_SEALED_SHARES_H_
#define LEDGERSEAL_PLUGIN_PUBLIC_SEALED_SHARES_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "kvstore_adapter/public/types.h"
#include "crypto/public/random_source.h"
#include "crypto/public/rsa_key.h"
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
// parsed: the per-node half of sealing. Parsing a DER public key costs about
// 2.5 RSA-OAEP encryptions with OpenSSL 3.0's decoders, so a host that
// reseals for the same nodes at every rotation prepares each node once
// (when its recovery key is admitted) and keeps the result.
// Immutable; copies share the parsed key. Thread safety: const methods may
// be called concurrently.
class PreparedRecipient {
 public:
  // Checks `recipient` (names, identity and node id equal to its recovery
  // key's, the record's shape) and parses its public key.
  // Errors: kInvalidArgument (names, identity mismatch);
  // kUnknownFormatVersion, kUnknownDerivationVersion, kMalformed (the
  // record fails ValidateSealedRecoveryKey). Messages name the identity.
  static SealingResult<PreparedRecipient> Prepare(ShareRecipient recipient);

  const ShareRecipient& recipient() const { return recipient_; }
  const crypto::RsaPublicKey& public_key() const { return *public_key_; }

 private:
  PreparedRecipient(ShareRecipient recipient, std::shared_ptr<const crypto::RsaPublicKey> key)
      : recipient_(std::move(recipient)), public_key_(std::move(key)) {}
  ShareRecipient recipient_;
  std::shared_ptr<const crypto::RsaPublicKey> public_key_;  // never null
};

// Seals `ledger_secret` (version `ledger_secret_version` of service
// `service_id`) for every recipient. Draws from `random`, in this order: the
// 32-byte wrapping key, then the 12-byte IV of the wrapped secret. OAEP
// padding uses OpenSSL's DRBG. The returned record (shares sorted by sealing
// identity, each with a copy of the node's recovery key) is the value for
// table `sealing.shares`. The wrapping key is wiped before returning.
//
// Preconditions: ledger_secret is kLedgerSecretBytes; service_id is
// 1..kMaxNameBytes of UTF-8; at least one recipient; identities unique.
// Errors: kInvalidArgument; kCryptoError.
// Thread safety: as `random`; no shared state otherwise.
SealingResult<v1::SealedShares> SealShares(crypto::RandomSource& random,
                                           std::string_view service_id,
                                           uint64_t ledger_secret_version,
                                           const kv::SecretBytes& ledger_secret,
                                           std::span<const PreparedRecipient> recipients);

// The same for recipients not yet prepared: prepares each (see
// PreparedRecipient::Prepare for the extra errors), then seals.
SealingResult<v1::SealedShares> SealShares(crypto::RandomSource& random,
                                           std::string_view service_id,
                                           uint64_t ledger_secret_version,
                                           const kv::SecretBytes& ledger_secret,
                                           std::span<const ShareRecipient> recipients);

struct UnsealedLedgerSecret {
  kv::SecretBytes secret;  // kLedgerSecretBytes; wiped on destruction
  uint64_t ledger_secret_version = 0;
};

// Recovers the ledger secret from `shares` as the node `sealing_identity`:
// unseals that node's recovery key (from the copy in its share, with the
// stored derivation parameters), OAEP-decrypts the wrapping key, and opens
// the wrapped ledger secret.
//
// Order of checks: format_version (kUnknownFormatVersion); expected service
// id (kWrongService) and version (kWrongSecretVersion) when given; sizes and
// duplicate identities (kMalformed); the share for `sealing_identity`
// (kIdentityNotFound); share vs. its recovery-key copy (kTampered); then
// every error of UnsealRecoveryKey; the OAEP decryption (kTampered: altered,
// or moved from another identity, node, service or version); the wrapped
// secret's tag (kTampered).
//
// Decryption alone does not prove authenticity — anyone can encrypt to a
// public key. The caller must still authenticate the ledger entry that
// carried `shares` (docs/ARCHITECTURE.md, "Threat model").
// Preconditions: sealing_identity is not empty.
// Thread safety: as `provider`.
SealingResult<UnsealedLedgerSecret> UnsealShares(
    const snp::DerivedKeyProvider& provider, const v1::SealedShares& shares,
    std::string_view sealing_identity, std::optional<std::string_view> expected_service_id,
    std::optional<uint64_t> expected_ledger_secret_version);

}  // namespace ledgerseal::sealing

#endif  // LEDGERSEAL_PLUGIN_PUBLIC_SEALED_SHARES_H_
