// Recovery of a ledger secret from recovery members' shares: one
// authenticated record, shares checked one at a time against it.
#include <algorithm>
#include <map>

#include "crypto/public/aead_box.h"
#include "crypto/public/shamir.h"
#include "plugin/public/recovery_shares.h"
#include "plugin/recovery_shares/shares_context.h"

namespace ledgerseal::recovery {

SealingResult<SharesCollector> SharesCollector::Open(kv::ByteView record, std::string_view expected_service_id) {
  if (expected_service_id.empty()) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument,
                            "recovery from shares needs the previous service's id "
                            "(expected_previous_service_identity): shares are sealed to public keys, so only "
                            "that service's signature makes the record authentic");
  }
  auto parsed = internal::ParseRecord(record);
  if (!parsed) return std::unexpected(parsed.error());
  const auto& body = parsed->body;
  auto signer = kv::ServiceIdentityFromPublicKey(parsed->envelope.signature_algorithm(),
                                                 kv::AsBytes(parsed->envelope.signer_public_key_der()));
  if (!signer) return MakeSealingError(SealingErrorCode::kMalformed, "recovery.shares: " + signer.error().message);
  if (signer->service_id != expected_service_id || body.service_id() != expected_service_id) {
    return MakeSealingError(SealingErrorCode::kWrongService,
                            "recovery.shares: written by service " + signer->service_id + " for service " +
                                body.service_id() + ", not the expected " + std::string(expected_service_id));
  }
  if (auto s = internal::CheckSignature(*parsed, *signer); !s) return std::unexpected(s.error());
  SharesCollector out;
  out.body_ = std::move(parsed->body);
  return out;
}

SealingStatus SharesCollector::Add(const MemberShareFile& s) {
  auto reject = [&](const std::string& why) -> SealingStatus {
    std::string line = s.member_name + ": " + why;
    ++rejected_count_;
    if (rejected_.size() < kMaxRejectionsKept) rejected_.push_back(line);
    return MakeSealingError(SealingErrorCode::kInvalidArgument, std::move(line));
  };
  if (s.service_id != body_.service_id()) {
    return reject("a share of service " + s.service_id + ", not " + body_.service_id());
  }
  if (s.ledger_secret_version != body_.ledger_secret_version()) {
    return reject("a share of ledger secret " + std::to_string(s.ledger_secret_version) + ", the record is of " +
                  std::to_string(body_.ledger_secret_version()) + " (the member must decrypt the newest record)");
  }
  auto it = std::ranges::find(body_.shares(), s.member_name, &v1::MemberShare::member_name);
  if (it == body_.shares().end()) return reject("not a member holding a share of this record");
  if (it->x() != s.x || internal::ShareCommitment(body_.service_id(), body_.ledger_secret_version(), s.member_name,
                                                  s.x, s.y.bytes()) != kv::ToBytes(it->share_commitment())) {
    return reject("the share does not match its commitment (wrong or corrupted)");
  }
  // The same member twice counts once.
  if (!valid_.contains(s.member_name)) {
    valid_.emplace(s.member_name, crypto::ShamirShare{static_cast<uint8_t>(s.x), s.y.Clone()});
  }
  return {};
}

std::vector<std::string> SharesCollector::valid_members() const {
  std::vector<std::string> out;
  for (const auto& [name, share] : valid_) out.push_back(name);
  return out;
}

SealingResult<SharesRecovery> SharesCollector::Recover() const {
  if (!complete()) {
    std::string message = std::to_string(valid_.size()) + " of " + std::to_string(body_.threshold()) +
                          " shares needed for ledger secret " + std::to_string(body_.ledger_secret_version());
    for (const auto& r : rejected_) message += "; rejected " + r;
    if (rejected_count_ > rejected_.size()) {
      message += "; and " + std::to_string(rejected_count_ - rejected_.size()) + " more rejected";
    }
    return MakeSealingError(SealingErrorCode::kInvalidArgument, message);
  }
  SharesRecovery out;
  out.service_id = body_.service_id();
  out.ledger_secret_version = body_.ledger_secret_version();
  out.rejected = rejected_;
  std::vector<crypto::ShamirShare> combine;
  for (const auto& [name, share] : valid_) {
    out.used_members.push_back(name);
    combine.push_back({share.x, share.y.Clone()});
  }
  auto wrapping_key = crypto::ShamirCombine(combine);
  if (!wrapping_key) {
    return MakeSealingError(SealingErrorCode::kCryptoError, "combining the shares: " + wrapping_key.error().ToString());
  }
  kv::SecretBytes secret(32);
  if (auto s = crypto::OpenAeadBox(secret.mutable_bytes(), wrapping_key->bytes(),
                                   kv::AsBytes(body_.wrapped_ledger_secret_iv()),
                                   kv::AsBytes(body_.wrapped_ledger_secret()),
                                   kv::AsBytes(body_.wrapped_ledger_secret_tag()),
                                   internal::WrappedSecretAad(body_.service_id(), body_.ledger_secret_version()));
      !s) {
    // Every share matched its signed commitment, so only an altered wrapped
    // secret gets here.
    return MakeSealingError(SealingErrorCode::kTampered,
                            "recovery.shares: the wrapped ledger secret does not open under the combined key");
  }
  out.secret = std::move(secret);
  return out;
}

SealingResult<SharesRecovery> RecoverFromMemberShares(kv::ByteView record, std::span<const MemberShareFile> shares,
                                                      std::string_view expected_service_id) {
  auto collector = SharesCollector::Open(record, expected_service_id);
  if (!collector) return std::unexpected(collector.error());
  for (const MemberShareFile& s : shares) (void)collector->Add(s);  // a rejection is kept in rejected()
  return collector->Recover();
}

}  // namespace ledgerseal::recovery
