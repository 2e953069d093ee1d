// Sealing side of sealed shares: preparing recipients, sealing the ledger
// secret for them, and signing the record as the service identity. The
// unsealing side is unseal_shares.cc.
#include "plugin/public/sealed_shares.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "base/check.h"
#include "crypto/public/aead_box.h"
#include "crypto/public/aes_gcm.h"
#include "crypto/public/ecies.h"
#include "crypto/public/sha256.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealing_format.h"
#include "plugin/sealing/context_binding.h"
#include "plugin/sealing/names.h"
#include "plugin/sealing/record_shape.h"

namespace ledgerseal::sealing {
namespace {

static_assert(kEncryptedWrappingKeyBytes == crypto::kEciesP256OverheadBytes + kWrappingKeyBytes);

using internal::Quote;
using internal::ToAeadBlob;

std::unexpected<SealingError> CryptoFailure(const std::string& what,
                                            const crypto::CryptoError& error) {
  return MakeSealingError(SealingErrorCode::kCryptoError, what + ": " + error.ToString());
}

std::unexpected<SealingError> Prefixed(const std::string& prefix, SealingError error) {
  error.message = prefix + ": " + error.message;
  return std::unexpected(std::move(error));
}

SealingStatus CheckRecipientNames(const ShareRecipient& r) {
  for (auto [what, value] : {std::pair{"recipient sealing identity", &r.sealing_identity},
                             std::pair{"recipient node id", &r.node_id}}) {
    if (auto s =
            internal::ValidateName(what, *value, kMaxNameBytes, SealingErrorCode::kInvalidArgument);
        !s) {
      return s;
    }
  }
  if (r.recovery_key.sealing_identity() != r.sealing_identity ||
      r.recovery_key.node_id() != r.node_id) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument,
                            "recipient " + Quote(r.sealing_identity) + ": recovery key belongs to " +
                                Quote(r.recovery_key.sealing_identity()) + " / node " +
                                Quote(r.recovery_key.node_id()) + ", not node " + Quote(r.node_id));
  }
  return {};
}

SealingStatus CheckLedgerSecret(const kv::SecretBytes& ledger_secret) {
  if (ledger_secret.size() != kLedgerSecretBytes) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument,
                            "ledger secret is " + std::to_string(ledger_secret.size()) +
                                " bytes, expected " + std::to_string(kLedgerSecretBytes));
  }
  return {};
}

SealingStatus CheckRecipients(const kv::ServiceIdentity& service,
                              std::span<const PreparedRecipient> recipients) {
  if (auto s = internal::ValidateName("service id", service.service_id, kMaxNameBytes,
                                      SealingErrorCode::kInvalidArgument);
      !s) {
    return s;
  }
  if (recipients.empty()) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument,
                            "no recipients: sealed shares nobody can unseal are useless");
  }
  std::set<std::string_view> identities;
  for (const PreparedRecipient& r : recipients) {
    const std::string& identity = r.recipient().sealing_identity;
    if (!identities.insert(identity).second) {
      return MakeSealingError(SealingErrorCode::kInvalidArgument,
                              "duplicate recipient sealing identity " + Quote(identity));
    }
    // A share whose key is bound elsewhere could never be unsealed with this
    // record (the node's check 7 refuses it): a caller bug, not a skip.
    if (r.service() != service) {
      return MakeSealingError(SealingErrorCode::kInvalidArgument,
                              "recipient " + Quote(identity) +
                                  ": recovery key is bound to service " + r.service().service_id +
                                  ", the record is signed by service " + service.service_id);
    }
  }
  return {};
}

SealingResult<v1::NodeShare> MakeShare(crypto::RandomSource& random, const ShareRecipient& r,
                                       const crypto::EcdhPublicKey& public_key,
                                       const kv::SecretBytes& wrapping_key,
                                       std::string_view service_id,
                                       uint64_t ledger_secret_version) {
  const auto label = internal::WrappingKeyOaepLabel(r.sealing_identity, r.node_id, service_id,
                                                    ledger_secret_version);
  auto encrypted = crypto::EciesP256Seal(random, public_key, wrapping_key.bytes(), label);
  if (!encrypted) {
    return CryptoFailure("encrypting the wrapping key to " + Quote(r.sealing_identity),
                         encrypted.error());
  }
  LEDGERSEAL_CHECK(encrypted->size() == kEncryptedWrappingKeyBytes);
  v1::NodeShare share;
  share.set_sealing_identity(r.sealing_identity);
  share.set_node_id(r.node_id);
  share.set_encrypted_wrapping_key(encrypted->data(), encrypted->size());
  *share.mutable_recovery_key() = r.recovery_key;
  return share;
}

std::vector<const PreparedRecipient*> SortedByIdentity(std::span<const PreparedRecipient> recipients) {
  std::vector<const PreparedRecipient*> sorted;
  for (const PreparedRecipient& r : recipients) sorted.push_back(&r);
  std::ranges::sort(sorted, {}, [](const PreparedRecipient* r) -> const std::string& {
    return r->recipient().sealing_identity;
  });
  return sorted;
}

// The service id commits to the key a node will verify with (a digest,
// cheap); that the key is a P-256 key is the signer's own contract.
SealingStatus CheckServiceId(const kv::ServiceIdentity& service) {
  if (kv::ServiceIdOf(service.public_key_der) != service.service_id) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument,
                            "the signer's service id " + Quote(service.service_id) +
                                " is not the id of its key");
  }
  return {};
}

bool SameRecipient(const PreparedRecipient& a, const PreparedRecipient& b) {
  const ShareRecipient& x = a.recipient();
  const ShareRecipient& y = b.recipient();
  return x.sealing_identity == y.sealing_identity && x.node_id == y.node_id &&
         x.recovery_key.SerializeAsString() == y.recovery_key.SerializeAsString();
}

}  // namespace

SealingResult<PresealedShares> PresealedShares::Make(crypto::RandomSource& random,
                                                     const kv::ServiceIdentity& service,
                                                     uint64_t ledger_secret_version,
                                                     std::span<const PreparedRecipient> recipients) {
  if (auto s = CheckServiceId(service); !s) return std::unexpected(std::move(s.error()));
  // The ledger secret is not known yet; it is checked when it is wrapped.
  if (auto s = CheckRecipients(service, recipients); !s) {
    return std::unexpected(std::move(s.error()));
  }
  PresealedShares out;
  out.service_ = service;
  out.ledger_secret_version_ = ledger_secret_version;
  out.wrapping_key_ = kv::SecretBytes(kWrappingKeyBytes);
  if (auto s = random.Fill(out.wrapping_key_.mutable_bytes()); !s) {
    return CryptoFailure("drawing the wrapping key", s.error());
  }
  std::array<uint8_t, crypto::kAesGcmIvBytes> iv{};
  if (auto s = random.Fill(iv); !s) return CryptoFailure("drawing the wrapped secret's IV", s.error());
  out.wrap_iv_.assign(iv.begin(), iv.end());
  // Sorted by identity, so the record does not depend on the caller's order.
  for (const PreparedRecipient* r : SortedByIdentity(recipients)) {
    auto share = MakeShare(random, r->recipient(), r->public_key(), out.wrapping_key_,
                           service.service_id, ledger_secret_version);
    if (!share) return std::unexpected(std::move(share.error()));
    out.recipients_.push_back(*r);
    out.shares_.push_back(std::move(*share));
  }
  LEDGERSEAL_CHECK(out.shares_.size() == recipients.size() && out.wrap_iv_.size() == crypto::kAesGcmIvBytes);
  return out;
}

SealingStatus PresealedShares::Finish(const kv::ServiceSigner& signer, const kv::SecretBytes& ledger_secret) {
  if (finished_record_) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument, "the presealed shares are already finished");
  }
  // The record consumes what it seals: seal copies, so that a failure
  // leaves this object as it was.
  PresealedShares parts;
  parts.service_ = service_;
  parts.ledger_secret_version_ = ledger_secret_version_;
  parts.recipients_ = recipients_;
  parts.wrapping_key_ = wrapping_key_.Clone();
  parts.wrap_iv_ = wrap_iv_;
  parts.shares_ = shares_;
  auto record = SealPresealedShares(signer, ledger_secret_version_, ledger_secret, std::move(parts));
  if (!record) return std::unexpected(std::move(record.error()));
  auto digest = crypto::Sha256(ledger_secret.bytes());
  if (!digest) return CryptoFailure("hashing the ledger secret", digest.error());
  finished_record_ = std::move(*record);
  finished_secret_digest_ = *digest;
  // One wrap per wrapping key, ever: this one is spent.
  wrapping_key_ = kv::SecretBytes();
  wrap_iv_.clear();
  shares_.clear();
  return {};
}

bool PresealedShares::FinishedFor(const kv::SecretBytes& ledger_secret) const {
  return finished_record_ && crypto::Sha256Matches(finished_secret_digest_, ledger_secret.bytes());
}

bool PresealedShares::SealedFor(std::string_view service_id, uint64_t ledger_secret_version,
                                std::span<const PreparedRecipient> recipients) const {
  if (service_id != service_.service_id || ledger_secret_version != ledger_secret_version_ ||
      recipients.size() != recipients_.size()) {
    return false;
  }
  const auto sorted = SortedByIdentity(recipients);
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (!SameRecipient(*sorted[i], recipients_[i])) return false;
  }
  return true;
}

SealingResult<PreparedRecipient> PreparedRecipient::Prepare(ShareRecipient recipient) {
  if (auto s = CheckRecipientNames(recipient); !s) return std::unexpected(std::move(s.error()));
  auto key = ParseSealedRecoveryPublicKey(recipient.recovery_key);
  if (!key) return Prefixed("recipient " + Quote(recipient.sealing_identity), key.error());
  return PreparedRecipient(std::move(recipient),
                           std::make_shared<const crypto::EcdhPublicKey>(std::move(key->public_key)),
                           std::move(key->service));
}

SealingResult<v1::SignedSealedShares> SignSealedShares(const kv::ServiceSigner& signer,
                                                       const v1::SealedShares& body) {
  auto body_bytes = SerializeRecord(body);
  if (!body_bytes) return std::unexpected(std::move(body_bytes.error()));
  // The signature covers these bytes; readers verify them verbatim and never
  // a re-serialisation (any valid encoding parses, so none could be rebuilt).
  auto signature = signer.Sign(kv::kSealedSharesDomain, *body_bytes);
  if (!signature) {
    const bool refused = signature.error().code == kv::ErrorCode::kInvalidArgument;
    return MakeSealingError(refused ? SealingErrorCode::kInvalidArgument : SealingErrorCode::kCryptoError,
                            "signing the sealed shares as service " +
                                signer.identity().service_id + ": " + signature.error().ToString());
  }
  // A host's signer is outside this library: an empty signature would be
  // written as an unsigned record that no node ever accepts.
  if (signature->empty()) {
    return MakeSealingError(SealingErrorCode::kCryptoError,
                            "the service signer returned an empty signature");
  }
  const kv::ServiceIdentity& identity = signer.identity();
  v1::SignedSealedShares envelope;
  envelope.set_format_version(kFormatVersion);
  envelope.set_body(body_bytes->data(), body_bytes->size());
  envelope.set_signature_algorithm(static_cast<uint32_t>(identity.algorithm));
  envelope.set_signer_public_key_der(identity.public_key_der.data(), identity.public_key_der.size());
  envelope.set_signature(signature->data(), signature->size());
  return envelope;
}

SealingResult<v1::SignedSealedShares> SealPresealedShares(const kv::ServiceSigner& signer,
                                                          uint64_t ledger_secret_version,
                                                          const kv::SecretBytes& ledger_secret,
                                                          PresealedShares presealed) {
  const kv::ServiceIdentity& service = signer.identity();
  if (auto s = CheckServiceId(service); !s) return std::unexpected(std::move(s.error()));
  // Each share's ECIES info binds the service id and version it was made
  // for: shares made for others would be refused by every node (check 10).
  if (presealed.service_ != service || presealed.ledger_secret_version_ != ledger_secret_version) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument,
                            "the presealed shares are for service " + presealed.service_.service_id +
                                ", ledger secret version " + std::to_string(presealed.ledger_secret_version_) +
                                "; this record is service " + service.service_id + ", version " +
                                std::to_string(ledger_secret_version));
  }
  if (auto s = CheckLedgerSecret(ledger_secret); !s) return std::unexpected(std::move(s.error()));
  if (presealed.finished_record_) {
    // Finish sealed and signed with every check below, for this service
    // and version (checked above).
    if (!presealed.FinishedFor(ledger_secret)) {
      return MakeSealingError(SealingErrorCode::kInvalidArgument,
                              "the presealed shares were finished for another ledger secret");
    }
    return std::move(*presealed.finished_record_);
  }
  if (auto s = CheckRecipients(service, presealed.recipients_); !s) {
    return std::unexpected(std::move(s.error()));
  }
  LEDGERSEAL_CHECK(presealed.wrapping_key_.size() == kWrappingKeyBytes &&
                   presealed.wrap_iv_.size() == crypto::kAesGcmIvBytes &&
                   presealed.shares_.size() == presealed.recipients_.size());
  v1::SealedShares body;
  body.set_format_version(kFormatVersion);
  body.set_service_id(service.service_id);
  body.set_ledger_secret_version(ledger_secret_version);
  auto wrapped = crypto::SealAeadBoxWithIv(presealed.wrapping_key_.bytes(), kv::AsBytes(presealed.wrap_iv_),
                                           ledger_secret.bytes(),
                                           internal::WrappedLedgerSecretAad(service.service_id, ledger_secret_version));
  if (!wrapped) return CryptoFailure("wrapping the ledger secret", wrapped.error());
  *body.mutable_wrapped_ledger_secret() = ToAeadBlob(std::move(*wrapped));
  for (v1::NodeShare& share : presealed.shares_) *body.add_shares() = std::move(share);
  // A recovering node refuses a body that names another service than the
  // signer (check 7), or that lacks a share it should hold.
  LEDGERSEAL_CHECK(body.service_id() == service.service_id &&
                   body.shares_size() == static_cast<int>(presealed.recipients_.size()));
  auto envelope = SignSealedShares(signer, body);
  if (!envelope) return std::unexpected(std::move(envelope.error()));
  LEDGERSEAL_CHECK(envelope->format_version() == kFormatVersion && !envelope->signature().empty() &&
                   kv::AsBytes(envelope->signer_public_key_der()).size() == service.public_key_der.size());
  return envelope;
}

SealingResult<v1::SignedSealedShares> SealShares(crypto::RandomSource& random,
                                                 const kv::ServiceSigner& signer,
                                                 uint64_t ledger_secret_version,
                                                 const kv::SecretBytes& ledger_secret,
                                                 std::span<const PreparedRecipient> recipients) {
  // Checked before anything is drawn or sealed, as before pre-sealing existed.
  if (auto s = CheckServiceId(signer.identity()); !s) return std::unexpected(std::move(s.error()));
  if (auto s = CheckLedgerSecret(ledger_secret); !s) return std::unexpected(std::move(s.error()));
  if (auto s = CheckRecipients(signer.identity(), recipients); !s) {
    return std::unexpected(std::move(s.error()));
  }
  auto presealed = PresealedShares::Make(random, signer.identity(), ledger_secret_version, recipients);
  if (!presealed) return std::unexpected(std::move(presealed.error()));
  return SealPresealedShares(signer, ledger_secret_version, ledger_secret, std::move(*presealed));
}

SealingResult<v1::SignedSealedShares> SealShares(crypto::RandomSource& random,
                                                 const kv::ServiceSigner& signer,
                                                 uint64_t ledger_secret_version,
                                                 const kv::SecretBytes& ledger_secret,
                                                 std::span<const ShareRecipient> recipients) {
  std::vector<PreparedRecipient> prepared;
  prepared.reserve(recipients.size());
  for (const ShareRecipient& r : recipients) {
    auto p = PreparedRecipient::Prepare(r);
    if (!p) return std::unexpected(std::move(p.error()));
    prepared.push_back(std::move(*p));
  }
  return SealShares(random, signer, ledger_secret_version, ledger_secret, prepared);
}

}  // namespace ledgerseal::sealing
