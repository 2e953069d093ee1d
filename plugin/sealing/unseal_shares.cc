// Unsealing side of sealed shares: UnsealShares, in the order of checks of
// docs/SERVICE_IDENTITY.md §4.4. The node trusts only the service identity
// its own hardware-sealed key is bound to, and decrypts nothing of the
// record before that identity's signature verified.
#include <set>
#include <string>

#include "base/check.h"
#include "crypto/public/aead_box.h"
#include "crypto/public/ecies.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/public/sealing_format.h"
#include "plugin/sealing/context_binding.h"
#include "plugin/sealing/names.h"
#include "plugin/sealing/record_shape.h"

namespace ledgerseal::sealing {
namespace {

using internal::Quote;

std::unexpected<SealingError> CryptoFailure(const std::string& what,
                                            const crypto::CryptoError& error) {
  return MakeSealingError(SealingErrorCode::kCryptoError, what + ": " + error.ToString());
}

std::unexpected<SealingError> Prefixed(const std::string& prefix, SealingError error) {
  error.message = prefix + ": " + error.message;
  return std::unexpected(std::move(error));
}

// Step 5a: the wrapped secret's shape.
SealingStatus CheckWrappedSecretShape(const v1::SealedShares& shares) {
  if (!shares.has_wrapped_ledger_secret()) {
    return MakeSealingError(SealingErrorCode::kMalformed, "sealed shares: no wrapped ledger secret");
  }
  return internal::CheckAeadBlobShape("sealed shares: wrapped ledger secret",
                                      shares.wrapped_ledger_secret(), kLedgerSecretBytes,
                                      kLedgerSecretBytes);
}

// Step 5b: the one share for `identity`; duplicates make the record ambiguous.
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

// Step 5c: a correct sealer always copies the recipient's own recovery key.
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

// Step 7: the record claims the identity the node trusts, as signer and as
// the service the secret belongs to.
SealingStatus CheckClaimsTrustedService(const SignedShares& record,
                                        const kv::ServiceIdentity& trusted) {
  if (record.signer.public_key_der != trusted.public_key_der) {
    return MakeSealingError(SealingErrorCode::kOtherService,
                            "the record is signed by service " + record.signer.service_id +
                                ", but this node's sealed key is bound to service " +
                                trusted.service_id);
  }
  if (record.body.service_id() != trusted.service_id) {
    return MakeSealingError(SealingErrorCode::kOtherService,
                            "the record seals a secret of service " +
                                Quote(record.body.service_id()) +
                                ", but this node's sealed key is bound to service " +
                                trusted.service_id);
  }
  return {};
}

// Step 8: the operator's pin, checked before anything is decrypted.
SealingStatus CheckPin(const kv::ServiceIdentity& trusted, std::string_view pin) {
  if (pin.empty() || pin == trusted.service_id) return {};
  return MakeSealingError(SealingErrorCode::kWrongService,
                          "the record belongs to service " + trusted.service_id +
                              ", the expected previous service is " + Quote(pin));
}

// Step 9.
SealingStatus CheckSignature(const SignedShares& record, const kv::ServiceIdentity& trusted) {
  auto verified = kv::VerifyServiceSignature(trusted, kv::kSealedSharesDomain,
                                             kv::AsBytes(record.envelope.body()),
                                             kv::AsBytes(record.envelope.signature()));
  if (verified) return {};
  return MakeSealingError(SealingErrorCode::kBadSignature,
                          "the record's signature does not verify under service " +
                              trusted.service_id +
                              " (altered after signing, or signed by another key)");
}

// Step 10a.
SealingResult<kv::SecretBytes> DecryptWrappingKey(const v1::SealedShares& shares,
                                                  const v1::NodeShare& share,
                                                  const crypto::EcdhPrivateKey& private_key,
                                                  const std::string& who) {
  if (share.encrypted_wrapping_key().size() != kEncryptedWrappingKeyBytes) {
    return MakeSealingError(SealingErrorCode::kMalformed,
                            who + ": encrypted wrapping key is " +
                                std::to_string(share.encrypted_wrapping_key().size()) +
                                " bytes, expected " + std::to_string(kEncryptedWrappingKeyBytes));
  }
  const auto label =
      internal::WrappingKeyOaepLabel(share.sealing_identity(), share.node_id(), shares.service_id(),
                                     shares.ledger_secret_version());
  auto wrapping_key =
      crypto::EciesP256Open(private_key, kv::AsBytes(share.encrypted_wrapping_key()), label);
  if (!wrapping_key) {
    // The record's signature verified: an ephemeral point that does not
    // decode is altered bytes too, like a tag that fails.
    if (wrapping_key.error().code == crypto::CryptoErrorCode::kAuthenticationFailed ||
        wrapping_key.error().code == crypto::CryptoErrorCode::kDecodeFailed) {
      return MakeSealingError(
          SealingErrorCode::kTampered,
          who + ": encrypted wrapping key does not open under this node's recovery key for "
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

// Step 10b.
SealingResult<kv::SecretBytes> UnwrapLedgerSecret(const v1::SealedShares& shares,
                                                  const kv::SecretBytes& wrapping_key) {
  const v1::AeadBlob& blob = shares.wrapped_ledger_secret();
  kv::SecretBytes secret(blob.ciphertext().size());
  auto opened = crypto::OpenAeadBox(
      secret.mutable_bytes(), wrapping_key.bytes(), kv::AsBytes(blob.iv()),
      kv::AsBytes(blob.ciphertext()), kv::AsBytes(blob.tag()),
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

SealingResult<UnsealedLedgerSecret> Unseal(const snp::DerivedKeyProvider& provider,
                                           std::span<const uint8_t> bytes,
                                           std::string_view sealing_identity,
                                           std::string_view expected_service_id) {
  // 1-4: probe, version, envelope, signature present, signer and body shape.
  auto record = ParseSignedShares(bytes);
  if (!record) return std::unexpected(std::move(record.error()));
  const v1::SealedShares& body = record->body;
  // 5: today's structural checks, and this node's share.
  if (auto s = CheckWrappedSecretShape(body); !s) return std::unexpected(std::move(s.error()));
  auto share = FindShare(body, sealing_identity);
  if (!share) return std::unexpected(std::move(share.error()));
  const std::string who = "share of " + Quote(sealing_identity);
  if (auto s = CheckShareConsistency(**share, who); !s) return std::unexpected(std::move(s.error()));
  // 6: the hardware opens the copy, and with it the binding T.
  auto key = UnsealRecoveryKey(provider, (*share)->recovery_key());
  if (!key) return Prefixed(who, std::move(key.error()));
  const kv::ServiceIdentity& trusted = key->service;
  // 7-9: T is the claimed signer and service, the pin, T's signature.
  if (auto s = CheckClaimsTrustedService(*record, trusted); !s) return std::unexpected(std::move(s.error()));
  if (auto s = CheckPin(trusted, expected_service_id); !s) return std::unexpected(std::move(s.error()));
  if (auto s = CheckSignature(*record, trusted); !s) return std::unexpected(std::move(s.error()));
  // 10: only an authentic record is decrypted.
  auto wrapping_key = DecryptWrappingKey(body, **share, key->private_key, who);
  if (!wrapping_key) return std::unexpected(std::move(wrapping_key.error()));
  auto secret = UnwrapLedgerSecret(body, *wrapping_key);
  if (!secret) return std::unexpected(std::move(secret.error()));
  LEDGERSEAL_CHECK(secret->size() == kLedgerSecretBytes && body.service_id() == trusted.service_id);
  return UnsealedLedgerSecret{std::move(*secret), body.ledger_secret_version(), trusted};
}

}  // namespace

SealingResult<UnsealedLedgerSecret> UnsealShares(const snp::DerivedKeyProvider& provider,
                                                 std::span<const uint8_t> record,
                                                 std::string_view sealing_identity,
                                                 kv::Version record_version,
                                                 std::string_view expected_service_id) {
  const std::string where = std::string(kSharesTable) + " at version " + std::to_string(record_version);
  if (sealing_identity.empty()) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument, where + ": sealing identity is empty");
  }
  auto secret = Unseal(provider, record, sealing_identity, expected_service_id);
  if (!secret) return Prefixed(where, std::move(secret.error()));
  return secret;
}

}  // namespace ledgerseal::sealing
