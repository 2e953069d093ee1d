// Recovery of a ledger secret from recovery members' shares.
#include <algorithm>
#include <map>

#include "crypto/public/aead_box.h"
#include "crypto/public/shamir.h"
#include "plugin/public/recovery_shares.h"
#include "plugin/recovery_shares/shares_context.h"

namespace ledgerseal::recovery {

SealingResult<SharesRecovery> RecoverFromMemberShares(kv::ByteView record, std::span<const MemberShareFile> shares,
                                                      std::string_view expected_service_id) {
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

  SharesRecovery out;
  out.service_id = body.service_id();
  out.ledger_secret_version = body.ledger_secret_version();
  std::map<std::string, crypto::ShamirShare> valid;  // by member: one each
  for (const MemberShareFile& s : shares) {
    auto reject = [&](const std::string& why) { out.rejected.push_back(s.member_name + ": " + why); };
    if (s.service_id != body.service_id()) {
      reject("a share of service " + s.service_id + ", not " + body.service_id());
      continue;
    }
    if (s.ledger_secret_version != body.ledger_secret_version()) {
      reject("a share of ledger secret " + std::to_string(s.ledger_secret_version) + ", the record is of " +
             std::to_string(body.ledger_secret_version()) + " (the member must decrypt the newest record)");
      continue;
    }
    auto it = std::ranges::find(body.shares(), s.member_name, &v1::MemberShare::member_name);
    if (it == body.shares().end()) {
      reject("not a member holding a share of this record");
      continue;
    }
    if (it->x() != s.x || internal::ShareCommitment(body.service_id(), body.ledger_secret_version(), s.member_name,
                                                    s.x, s.y.bytes()) != kv::ToBytes(it->share_commitment())) {
      reject("the share does not match its commitment (wrong or corrupted)");
      continue;
    }
    if (valid.contains(s.member_name)) continue;  // the same member twice counts once
    valid.emplace(s.member_name, crypto::ShamirShare{static_cast<uint8_t>(s.x), s.y.Clone()});
  }
  if (valid.size() < body.threshold()) {
    std::string message = std::to_string(valid.size()) + " of " + std::to_string(body.threshold()) +
                          " shares needed for ledger secret " + std::to_string(body.ledger_secret_version());
    for (const auto& r : out.rejected) message += "; rejected " + r;
    return MakeSealingError(SealingErrorCode::kInvalidArgument, message);
  }
  std::vector<crypto::ShamirShare> combine;
  for (auto& [name, share] : valid) {
    out.used_members.push_back(name);
    combine.push_back({share.x, share.y.Clone()});
  }
  auto wrapping_key = crypto::ShamirCombine(combine);
  if (!wrapping_key) {
    return MakeSealingError(SealingErrorCode::kCryptoError, "combining the shares: " + wrapping_key.error().ToString());
  }
  kv::SecretBytes secret(32);
  if (auto s = crypto::OpenAeadBox(secret.mutable_bytes(), wrapping_key->bytes(),
                                   kv::AsBytes(body.wrapped_ledger_secret_iv()), kv::AsBytes(body.wrapped_ledger_secret()),
                                   kv::AsBytes(body.wrapped_ledger_secret_tag()),
                                   internal::WrappedSecretAad(body.service_id(), body.ledger_secret_version()));
      !s) {
    // Every share matched its signed commitment, so only an altered wrapped
    // secret gets here.
    return MakeSealingError(SealingErrorCode::kTampered,
                            "recovery.shares: the wrapped ledger secret does not open under the combined key");
  }
  out.secret = std::move(secret);
  return out;
}

}  // namespace ledgerseal::recovery
