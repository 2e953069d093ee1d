#include "plugin/recovery_shares/shares_context.h"

#include <algorithm>

#include <string>

#include "base/canonical_items.h"
#include "base/check.h"
#include "crypto/public/aes_gcm.h"
#include "crypto/public/ecies.h"
#include "crypto/public/sha256.h"

namespace ledgerseal::recovery::internal {
namespace {

constexpr std::string_view kWrappedSecretLabel = "ledgerseal recovery wrapped secret v1";
constexpr std::string_view kShareInfoLabel = "ledgerseal recovery share v1";
constexpr std::string_view kCommitmentLabel = "ledgerseal recovery share commitment v1";

std::vector<uint8_t> Labelled(std::string_view label, std::vector<uint8_t> items) {
  std::vector<uint8_t> out(label.begin(), label.end());
  out.insert(out.end(), items.begin(), items.end());
  return out;
}

std::unexpected<SealingError> Malformed(const std::string& why) {
  return MakeSealingError(SealingErrorCode::kMalformed, "recovery.shares: " + why);
}

}  // namespace

bool ValidMemberName(std::string_view name) {
  if (name.empty() || name.size() > kMaxMemberNameBytes) return false;
  return std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

std::vector<uint8_t> WrappedSecretAad(std::string_view service_id, uint64_t version) {
  return Labelled(kWrappedSecretLabel, base::CanonicalEncoder().AddString(service_id).AddU64(version).Finish());
}

std::vector<uint8_t> ShareInfo(std::string_view service_id, uint64_t version, std::string_view member, uint32_t x,
                               uint32_t threshold, uint32_t share_count) {
  return Labelled(kShareInfoLabel, base::CanonicalEncoder()
                                       .AddString(service_id)
                                       .AddU64(version)
                                       .AddString(member)
                                       .AddU32(x)
                                       .AddU32(threshold)
                                       .AddU32(share_count)
                                       .Finish());
}

kv::Bytes ShareCommitment(std::string_view service_id, uint64_t version, std::string_view member, uint32_t x,
                          std::span<const uint8_t> y) {
  const auto message = Labelled(
      kCommitmentLabel,
      base::CanonicalEncoder().AddString(service_id).AddU64(version).AddString(member).AddU32(x).AddBytes(y).Finish());
  auto digest = crypto::Sha256(message);
  // SHA-256 of bytes in memory fails only if OpenSSL cannot run at all.
  LEDGERSEAL_CHECK(digest.has_value());
  return kv::Bytes(digest->begin(), digest->end());
}

SealingResult<ParsedRecord> ParseRecord(kv::ByteView record) {
  ParsedRecord out;
  if (!out.envelope.ParseFromArray(record.data(), static_cast<int>(record.size()))) {
    return Malformed("the value does not parse");
  }
  if (out.envelope.format_version() != kRecoverySharesFormatVersion) {
    return MakeSealingError(SealingErrorCode::kUnknownFormatVersion,
                            "recovery.shares: format " + std::to_string(out.envelope.format_version()) +
                                " (this build reads format " + std::to_string(kRecoverySharesFormatVersion) + ")");
  }
  if (out.envelope.signature().empty()) {
    return MakeSealingError(SealingErrorCode::kUnsigned, "recovery.shares: the record is not signed");
  }
  if (out.envelope.signature_algorithm() != static_cast<uint32_t>(kv::kServiceIdentityAlgorithm)) {
    return Malformed("signature algorithm " + std::to_string(out.envelope.signature_algorithm()));
  }
  if (!out.body.ParseFromString(out.envelope.body()) || out.body.format_version() != kRecoverySharesFormatVersion) {
    return Malformed("the signed body does not parse as format " + std::to_string(kRecoverySharesFormatVersion));
  }
  const auto& b = out.body;
  const size_t n = static_cast<size_t>(b.shares_size());
  if (n == 0 || n > kMaxMembers || b.threshold() < 1 || b.threshold() > n) {
    return Malformed(std::to_string(n) + " shares with threshold " + std::to_string(b.threshold()));
  }
  if (b.wrapped_ledger_secret_iv().size() != crypto::kAesGcmIvBytes ||
      b.wrapped_ledger_secret().size() != 32 || b.wrapped_ledger_secret_tag().size() != crypto::kAesGcmTagBytes) {
    return Malformed("the wrapped secret's sizes are wrong");
  }
  for (size_t i = 0; i < n; ++i) {
    const auto& s = b.shares(static_cast<int>(i));
    if (s.x() != i + 1 || (i > 0 && s.member_name() <= b.shares(static_cast<int>(i) - 1).member_name())) {
      return Malformed("shares are not in name order with x = 1..n (share of '" + s.member_name() + "')");
    }
    if (s.encrypted_share().size() != crypto::kEciesP256OverheadBytes + 32 || s.share_commitment().size() != 32) {
      return Malformed("the share of '" + s.member_name() + "' has wrong sizes");
    }
  }
  return out;
}

SealingStatus CheckSignature(const ParsedRecord& record, const kv::ServiceIdentity& identity) {
  if (!kv::VerifyServiceSignature(identity, kRecoverySharesDomain, kv::AsBytes(record.envelope.body()),
                                  kv::AsBytes(record.envelope.signature()))) {
    return MakeSealingError(SealingErrorCode::kBadSignature,
                            "recovery.shares: the signature does not verify under service " + identity.service_id);
  }
  return {};
}

}  // namespace ledgerseal::recovery::internal
