#include "plugin/public/sealed_shares.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "crypto/public/aead_box.h"
#include "crypto/public/rsa_key.h"
#include "crypto/public/rsa_oaep.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealing_format.h"
#include "base/check.h"
#include "plugin/sealing/context_binding.h"
#include "plugin/sealing/names.h"
#include "plugin/sealing/record_shape.h"

namespace ledgerseal::sealing {
namespace {

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

// --- sealing -----------------------------------------------------------------

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

SealingStatus CheckSealArguments(std::string_view service_id, const kv::SecretBytes& ledger_secret,
                                 std::span<const PreparedRecipient> recipients) {
  if (auto s = internal::ValidateName("service id", service_id, kMaxNameBytes,
                                      SealingErrorCode::kInvalidArgument);
      !s) {
    return s;
  }
  if (ledger_secret.size() != kLedgerSecretBytes) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument,
                            "ledger secret is " + std::to_string(ledger_secret.size()) +
                                " bytes, expected " + std::to_string(kLedgerSecretBytes));
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
  }
  return {};
}

SealingResult<v1::AeadBlob> WrapLedgerSecret(crypto::RandomSource& random,
                                             const kv::SecretBytes& wrapping_key,
                                             const kv::SecretBytes& ledger_secret,
                                             std::string_view service_id,
                                             uint64_t ledger_secret_version) {
  auto box = crypto::SealAeadBox(random, wrapping_key.bytes(), ledger_secret.bytes(),
                                 internal::WrappedLedgerSecretAad(service_id, ledger_secret_version));
  if (!box) return CryptoFailure("wrapping the ledger secret", box.error());
  return ToAeadBlob(std::move(*box));
}

SealingResult<v1::NodeShare> MakeShare(const ShareRecipient& r,
                                       const crypto::RsaPublicKey& public_key,
                                       const kv::SecretBytes& wrapping_key,
                                       std::string_view service_id,
                                       uint64_t ledger_secret_version) {
  const auto label = internal::WrappingKeyOaepLabel(r.sealing_identity, r.node_id, service_id,
                                                    ledger_secret_version);
  auto encrypted = crypto::RsaOaepSha256Encrypt(public_key, wrapping_key.bytes(), label);
  if (!encrypted) {
    return CryptoFailure("encrypting the wrapping key to " + Quote(r.sealing_identity),
                         encrypted.error());
  }
  LEDGERSEAL_CHECK(encrypted->size() == public_key.modulus_bytes());
  v1::NodeShare share;
  share.set_sealing_identity(r.sealing_identity);
  share.set_node_id(r.node_id);
  share.set_encrypted_wrapping_key(encrypted->data(), encrypted->size());
  *share.mutable_recovery_key() = r.recovery_key;
  return share;
}

// --- unsealing ---------------------------------------------------------------

SealingStatus CheckRecordHeader(const v1::SealedShares& shares,
                                std::optional<std::string_view> expected_service_id,
                                std::optional<uint64_t> expected_version) {
  if (shares.format_version() != kFormatVersion) {
    return MakeSealingError(
        SealingErrorCode::kUnknownFormatVersion,
        "sealed shares: format_version " + std::to_string(shares.format_version()) +
            " is not supported (this build knows version " + std::to_string(kFormatVersion) + ")");
  }
  if (expected_service_id && shares.service_id() != *expected_service_id) {
    return MakeSealingError(SealingErrorCode::kWrongService,
                            "sealed shares belong to service " + Quote(shares.service_id()) +
                                ", expected " + Quote(*expected_service_id));
  }
  if (expected_version && shares.ledger_secret_version() != *expected_version) {
    return MakeSealingError(SealingErrorCode::kWrongSecretVersion,
                            "sealed shares hold ledger secret version " +
                                std::to_string(shares.ledger_secret_version()) + ", expected " +
                                std::to_string(*expected_version));
  }
  if (!shares.has_wrapped_ledger_secret()) {
    return MakeSealingError(SealingErrorCode::kMalformed,
                            "sealed shares: no wrapped ledger secret");
  }
  return internal::CheckAeadBlobShape("sealed shares: wrapped ledger secret",
                                      shares.wrapped_ledger_secret(), kLedgerSecretBytes,
                                      kLedgerSecretBytes);
}

// The one share for `identity`; duplicates make the record ambiguous.
SealingResult<const v1::NodeShare*> FindShare(const v1::SealedShares& shares,
                                              std::string_view identity) {
  const v1::NodeShare* found = nullptr;
  std::set<std::string_view> seen;
  std::string present;
  for (const v1::NodeShare& share : shares.shares()) {
    if (!seen.insert(share.sealing_identity()).second) {
      return MakeSealingError(
          SealingErrorCode::kMalformed,
          "sealed shares: duplicate sealing identity " + Quote(share.sealing_identity()));
    }
    if (share.sealing_identity() == identity) found = &share;
    if (seen.size() <= 8) {
      present += (present.empty() ? "" : ", ") + Quote(share.sealing_identity());
    }
  }
  if (found == nullptr) {
    if (seen.size() > 8) present += ", ...";
    return MakeSealingError(SealingErrorCode::kIdentityNotFound,
                            "sealed shares (ledger secret version " +
                                std::to_string(shares.ledger_secret_version()) +
                                ") hold no share for sealing identity " + Quote(identity) +
                                "; present: [" + present + "]");
  }
  return found;
}

// A correct sealer always copies the recipient's own recovery key.
SealingStatus CheckShareConsistency(const v1::NodeShare& share, const std::string& who) {
  if (!share.has_recovery_key()) {
    return MakeSealingError(SealingErrorCode::kMalformed, who + ": no recovery key");
  }
  if (share.recovery_key().sealing_identity() != share.sealing_identity() ||
      share.recovery_key().node_id() != share.node_id()) {
    return MakeSealingError(SealingErrorCode::kTampered,
                            who + " (node " + Quote(share.node_id()) +
                                ") carries the recovery key of " +
                                Quote(share.recovery_key().sealing_identity()) + " (node " +
                                Quote(share.recovery_key().node_id()) + ")");
  }
  return {};
}

SealingResult<kv::SecretBytes> DecryptWrappingKey(const v1::SealedShares& shares,
                                                  const v1::NodeShare& share,
                                                  const crypto::RsaPrivateKey& private_key,
                                                  const std::string& who) {
  if (share.encrypted_wrapping_key().size() != private_key.modulus_bytes()) {
    return MakeSealingError(SealingErrorCode::kMalformed,
                            who + ": encrypted wrapping key is " +
                                std::to_string(share.encrypted_wrapping_key().size()) +
                                " bytes, expected " + std::to_string(private_key.modulus_bytes()));
  }
  const auto label =
      internal::WrappingKeyOaepLabel(share.sealing_identity(), share.node_id(), shares.service_id(),
                                     shares.ledger_secret_version());
  auto wrapping_key =
      crypto::RsaOaepSha256Decrypt(private_key, kv::AsBytes(share.encrypted_wrapping_key()), label);
  if (!wrapping_key) {
    if (wrapping_key.error().code == crypto::CryptoErrorCode::kDecryptionFailed) {
      return MakeSealingError(
          SealingErrorCode::kTampered,
          who +
              ": encrypted wrapping key does not decrypt under this node's recovery key for "
              "service " +
              Quote(shares.service_id()) + ", ledger secret version " +
              std::to_string(shares.ledger_secret_version()) +
              " (altered, or moved from another identity, node, service or version)");
    }
    return CryptoFailure(who + ": decrypting the wrapping key", wrapping_key.error());
  }
  if (wrapping_key->size() != kWrappingKeyBytes) {
    return MakeSealingError(SealingErrorCode::kMalformed,
                            who + ": wrapping key is " + std::to_string(wrapping_key->size()) +
                                " bytes, expected " + std::to_string(kWrappingKeyBytes));
  }
  return std::move(*wrapping_key);
}

SealingResult<kv::SecretBytes> UnwrapLedgerSecret(const v1::SealedShares& shares,
                                                  const kv::SecretBytes& wrapping_key) {
  const v1::AeadBlob& blob = shares.wrapped_ledger_secret();
  kv::SecretBytes secret(blob.ciphertext().size());
  auto opened = crypto::OpenAeadBox(
      secret.mutable_bytes(), wrapping_key.bytes(), kv::AsBytes(blob.iv()), kv::AsBytes(blob.ciphertext()),
      kv::AsBytes(blob.tag()),
      internal::WrappedLedgerSecretAad(shares.service_id(), shares.ledger_secret_version()));
  if (opened) return secret;
  if (opened.error().code == crypto::CryptoErrorCode::kAuthenticationFailed) {
    return MakeSealingError(SealingErrorCode::kTampered,
                            "wrapped ledger secret (version " +
                                std::to_string(shares.ledger_secret_version()) + ", service " +
                                Quote(shares.service_id()) +
                                ") fails authentication under the unsealed wrapping key");
  }
  return CryptoFailure("unwrapping the ledger secret", opened.error());
}

}  // namespace

SealingResult<PreparedRecipient> PreparedRecipient::Prepare(ShareRecipient recipient) {
  if (auto s = CheckRecipientNames(recipient); !s) return std::unexpected(std::move(s.error()));
  auto key = ParseSealedRecoveryPublicKey(recipient.recovery_key);
  if (!key) return Prefixed("recipient " + Quote(recipient.sealing_identity), key.error());
  return PreparedRecipient(std::move(recipient),
                           std::make_shared<const crypto::RsaPublicKey>(std::move(*key)));
}

SealingResult<v1::SealedShares> SealShares(crypto::RandomSource& random,
                                           std::string_view service_id,
                                           uint64_t ledger_secret_version,
                                           const kv::SecretBytes& ledger_secret,
                                           std::span<const PreparedRecipient> recipients) {
  if (auto s = CheckSealArguments(service_id, ledger_secret, recipients); !s) {
    return std::unexpected(std::move(s.error()));
  }
  // Sorted by identity, so the record does not depend on the caller's order.
  std::vector<const PreparedRecipient*> sorted;
  for (const PreparedRecipient& r : recipients) sorted.push_back(&r);
  std::ranges::sort(sorted, {}, [](const PreparedRecipient* r) -> const std::string& {
    return r->recipient().sealing_identity;
  });

  kv::SecretBytes wrapping_key(kWrappingKeyBytes);
  if (auto s = random.Fill(wrapping_key.mutable_bytes()); !s) {
    return CryptoFailure("drawing the wrapping key", s.error());
  }
  v1::SealedShares shares;
  shares.set_format_version(kFormatVersion);
  shares.set_service_id(std::string(service_id));
  shares.set_ledger_secret_version(ledger_secret_version);
  auto wrapped =
      WrapLedgerSecret(random, wrapping_key, ledger_secret, service_id, ledger_secret_version);
  if (!wrapped) return std::unexpected(std::move(wrapped.error()));
  *shares.mutable_wrapped_ledger_secret() = std::move(*wrapped);
  for (const PreparedRecipient* r : sorted) {
    auto share = MakeShare(r->recipient(), r->public_key(), wrapping_key, service_id,
                           ledger_secret_version);
    if (!share) return std::unexpected(std::move(share.error()));
    *shares.add_shares() = std::move(*share);
  }
  LEDGERSEAL_CHECK(CheckRecordHeader(shares, service_id, ledger_secret_version).has_value());
  return shares;
}

SealingResult<v1::SealedShares> SealShares(crypto::RandomSource& random,
                                           std::string_view service_id,
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
  return SealShares(random, service_id, ledger_secret_version, ledger_secret, prepared);
}

SealingResult<UnsealedLedgerSecret> UnsealShares(
    const snp::DerivedKeyProvider& provider, const v1::SealedShares& shares,
    std::string_view sealing_identity, std::optional<std::string_view> expected_service_id,
    std::optional<uint64_t> expected_ledger_secret_version) {
  if (sealing_identity.empty()) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument, "sealing identity is empty");
  }
  if (auto s = CheckRecordHeader(shares, expected_service_id, expected_ledger_secret_version); !s) {
    return std::unexpected(std::move(s.error()));
  }
  auto share = FindShare(shares, sealing_identity);
  if (!share) return std::unexpected(std::move(share.error()));
  const std::string who = "share of " + Quote(sealing_identity);
  if (auto s = CheckShareConsistency(**share, who); !s)
    return std::unexpected(std::move(s.error()));

  auto private_key = UnsealRecoveryKey(provider, (*share)->recovery_key());
  if (!private_key) return Prefixed(who, std::move(private_key.error()));
  auto wrapping_key = DecryptWrappingKey(shares, **share, *private_key, who);
  if (!wrapping_key) return std::unexpected(std::move(wrapping_key.error()));
  auto secret = UnwrapLedgerSecret(shares, *wrapping_key);
  if (!secret) return std::unexpected(std::move(secret.error()));
  LEDGERSEAL_CHECK(secret->size() == kLedgerSecretBytes);
  return UnsealedLedgerSecret{std::move(*secret), shares.ledger_secret_version()};
}

}  // namespace ledgerseal::sealing
