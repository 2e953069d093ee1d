// Recovery members and the sealing side of recovery shares; a member's
// decryption of its own share. Recovery from shares: recover_from_shares.cc.
#include "plugin/public/recovery_shares.h"

#include <algorithm>
#include <set>

#include "base/check.h"
#include "crypto/public/aead_box.h"
#include "crypto/public/aes_gcm.h"
#include "crypto/public/sha256.h"
#include "crypto/public/shamir.h"
#include "plugin/recovery_shares/shares_context.h"

namespace ledgerseal::recovery {
namespace {

constexpr size_t kWrappingKeyBytes = 32;
constexpr size_t kLedgerSecretBytes = 32;

std::unexpected<SealingError> Invalid(const std::string& why) {
  return MakeSealingError(SealingErrorCode::kInvalidArgument, "recovery members: " + why);
}

std::unexpected<SealingError> CryptoFailure(const std::string& what, const crypto::CryptoError& e) {
  return MakeSealingError(SealingErrorCode::kCryptoError, what + ": " + e.ToString());
}

// Checks `config`; appends each member's parsed key to `parsed` (if not null).
SealingStatus CheckConfig(const v1::RecoveryConfig& config, std::vector<crypto::EcdhPublicKey>* parsed = nullptr) {
  const size_t n = static_cast<size_t>(config.members_size());
  if (n == 0) return Invalid("no members");
  if (n > kMaxMembers) return Invalid(std::to_string(n) + " members, at most " + std::to_string(kMaxMembers));
  if (config.threshold() < 1 || config.threshold() > n) {
    return Invalid("threshold " + std::to_string(config.threshold()) + " with " + std::to_string(n) +
                   " members (1 to " + std::to_string(n) + ")");
  }
  std::set<std::string> keys;
  for (int i = 0; i < config.members_size(); ++i) {
    const auto& m = config.members(i);
    if (!internal::ValidMemberName(m.name())) return Invalid("member name '" + m.name() + "' (1-64 of A-Z a-z 0-9 . _ -)");
    if (i > 0 && m.name() <= config.members(i - 1).name()) {
      return Invalid("member '" + m.name() + "' is listed twice (or out of order)");
    }
    auto key = crypto::EcdhPublicKey::FromDer(kv::AsBytes(m.public_key_der()));
    if (!key) return Invalid("member '" + m.name() + "': " + key.error().ToString());
    if (parsed != nullptr) parsed->push_back(std::move(*key));
    if (!keys.insert(m.public_key_der()).second) return Invalid("member '" + m.name() + "' reuses another's key");
  }
  return {};
}

}  // namespace

SealingResult<v1::RecoveryConfig> MakeRecoveryConfig(std::vector<Member> members, uint32_t threshold) {
  std::ranges::sort(members, {}, &Member::name);
  v1::RecoveryConfig config;
  config.set_format_version(kRecoverySharesFormatVersion);
  config.set_threshold(threshold);
  for (const Member& m : members) {
    auto* out = config.add_members();
    out->set_name(m.name);
    out->set_public_key_der(m.public_key_der.data(), m.public_key_der.size());
  }
  if (auto s = CheckConfig(config); !s) return std::unexpected(s.error());
  return config;
}

namespace {

// ParseRecoveryConfig; each member's parsed key appended to `keys` (if not null).
SealingResult<v1::RecoveryConfig> ParseConfig(kv::ByteView value, std::vector<crypto::EcdhPublicKey>* keys) {
  v1::RecoveryConfig config;
  if (!config.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return MakeSealingError(SealingErrorCode::kMalformed, "recovery.members: the value does not parse");
  }
  if (config.format_version() != kRecoverySharesFormatVersion) {
    return MakeSealingError(SealingErrorCode::kUnknownFormatVersion,
                            "recovery.members: format " + std::to_string(config.format_version()));
  }
  if (auto s = CheckConfig(config, keys); !s) return std::unexpected(s.error());
  return config;
}

}  // namespace

SealingResult<v1::RecoveryConfig> ParseRecoveryConfig(kv::ByteView value) { return ParseConfig(value, nullptr); }

SealingResult<std::shared_ptr<const PreparedRecoveryConfig>> PreparedRecoveryConfig::Parse(kv::ByteView value) {
  std::shared_ptr<PreparedRecoveryConfig> prepared(new PreparedRecoveryConfig());
  auto config = ParseConfig(value, &prepared->member_keys_);
  if (!config) return std::unexpected(std::move(config.error()));
  LEDGERSEAL_CHECK(prepared->member_keys_.size() == static_cast<size_t>(config->members_size()));
  prepared->config_ = std::move(*config);
  prepared->value_.assign(value.begin(), value.end());
  return std::shared_ptr<const PreparedRecoveryConfig>(std::move(prepared));
}

SealingResult<std::shared_ptr<const PreparedRecoveryConfig>> PreparedRecoveryConfig::Of(
    const v1::RecoveryConfig& config) {
  std::shared_ptr<PreparedRecoveryConfig> prepared(new PreparedRecoveryConfig());
  if (auto s = CheckConfig(config, &prepared->member_keys_); !s) return std::unexpected(std::move(s.error()));
  LEDGERSEAL_CHECK(prepared->member_keys_.size() == static_cast<size_t>(config.members_size()));
  prepared->config_ = config;
  prepared->value_ = SerializeRecoveryConfig(config);
  return std::shared_ptr<const PreparedRecoveryConfig>(std::move(prepared));
}

const crypto::EcdhPublicKey& PreparedRecoveryConfig::member_key(int i) const {
  LEDGERSEAL_CHECK(i >= 0 && static_cast<size_t>(i) < member_keys_.size());
  return member_keys_[static_cast<size_t>(i)];
}

kv::Bytes SerializeRecoveryConfig(const v1::RecoveryConfig& config) {
  std::string bytes;
  LEDGERSEAL_CHECK(config.SerializeToString(&bytes));
  return kv::Bytes(bytes.begin(), bytes.end());
}

SealingResult<PresealedRecoveryShares> PresealedRecoveryShares::Make(crypto::RandomSource& random,
                                                                     const kv::ServiceIdentity& service,
                                                                     uint64_t version,
                                                                     const v1::RecoveryConfig& config) {
  auto prepared = PreparedRecoveryConfig::Of(config);
  if (!prepared) return std::unexpected(std::move(prepared.error()));
  return Make(random, service, version, **prepared);
}

SealingResult<PresealedRecoveryShares> PresealedRecoveryShares::Make(crypto::RandomSource& random,
                                                                     const kv::ServiceIdentity& service,
                                                                     uint64_t version,
                                                                     const PreparedRecoveryConfig& prepared) {
  if (kv::ServiceIdOf(service.public_key_der) != service.service_id) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument, "the signer's service id is not the id of its key");
  }
  const v1::RecoveryConfig& config = prepared.config();
  const auto n = static_cast<uint32_t>(config.members_size());
  PresealedRecoveryShares out;
  out.service_ = service;
  out.ledger_secret_version_ = version;
  LEDGERSEAL_CHECK(config.SerializeToString(&out.config_bytes_));
  out.wrapping_key_ = kv::SecretBytes(kWrappingKeyBytes);
  std::array<uint8_t, crypto::kAesGcmIvBytes> iv{};
  if (auto s = random.Fill(out.wrapping_key_.mutable_bytes()); !s) {
    return CryptoFailure("drawing the wrapping key", s.error());
  }
  if (auto s = random.Fill(iv); !s) return CryptoFailure("drawing the IV", s.error());
  out.iv_.assign(iv.begin(), iv.end());
  v1::RecoveryShares& body = out.body_;
  body.set_format_version(kRecoverySharesFormatVersion);
  body.set_service_id(service.service_id);
  body.set_ledger_secret_version(version);
  body.set_threshold(config.threshold());
  auto shares = crypto::ShamirSplit(out.wrapping_key_.bytes(), config.threshold(), n);
  if (!shares) return CryptoFailure("splitting the wrapping key", shares.error());
  LEDGERSEAL_CHECK(shares->size() == n);
  for (uint32_t i = 0; i < n; ++i) {
    const auto& member = config.members(static_cast<int>(i));
    const crypto::ShamirShare& share = (*shares)[i];
    LEDGERSEAL_CHECK(share.x == i + 1);
    auto sealed = crypto::EciesP256Seal(random, prepared.member_key(static_cast<int>(i)), share.y.bytes(),
                                        internal::ShareInfo(service.service_id, version, member.name(), share.x,
                                                            config.threshold(), n));
    if (!sealed) return CryptoFailure("sealing the share of '" + member.name() + "'", sealed.error());
    auto* s = body.add_shares();
    s->set_member_name(member.name());
    s->set_member_public_key_der(member.public_key_der());
    s->set_x(share.x);
    s->set_encrypted_share(sealed->data(), sealed->size());
    const auto commitment = internal::ShareCommitment(service.service_id, version, member.name(), share.x, share.y.bytes());
    s->set_share_commitment(commitment.data(), commitment.size());
  }
  return out;
}

bool PresealedRecoveryShares::SealedFor(std::string_view service_id, uint64_t version,
                                        const v1::RecoveryConfig& config) const {
  std::string bytes;
  return service_id == service_.service_id && version == ledger_secret_version_ && config.SerializeToString(&bytes) &&
         bytes == config_bytes_;
}

SealingStatus PresealedRecoveryShares::Finish(const kv::ServiceSigner& signer, const kv::SecretBytes& ledger_secret) {
  if (finished_record_) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument, "the presealed recovery shares are already finished");
  }
  // Sealing consumes what it seals: seal copies, so that a failure leaves
  // this object as it was.
  PresealedRecoveryShares parts;
  parts.service_ = service_;
  parts.ledger_secret_version_ = ledger_secret_version_;
  parts.config_bytes_ = config_bytes_;
  parts.wrapping_key_ = wrapping_key_.Clone();
  parts.iv_ = iv_;
  parts.body_ = body_;
  auto record = SealPresealedRecoveryShares(signer, ledger_secret_version_, ledger_secret, std::move(parts));
  if (!record) return std::unexpected(std::move(record.error()));
  auto digest = crypto::Sha256(ledger_secret.bytes());
  if (!digest) return CryptoFailure("hashing the ledger secret", digest.error());
  finished_record_ = std::move(*record);
  finished_secret_digest_ = *digest;
  // One wrap per wrapping key, ever: this one is spent.
  wrapping_key_ = kv::SecretBytes();
  iv_.clear();
  return {};
}

bool PresealedRecoveryShares::FinishedFor(const kv::SecretBytes& ledger_secret) const {
  return finished_record_ && crypto::Sha256Matches(finished_secret_digest_, ledger_secret.bytes());
}

SealingResult<kv::Bytes> SealPresealedRecoveryShares(const kv::ServiceSigner& signer, uint64_t version,
                                                     const kv::SecretBytes& ledger_secret,
                                                     PresealedRecoveryShares presealed) {
  const kv::ServiceIdentity& service = signer.identity();
  if (presealed.service_ != service || presealed.ledger_secret_version_ != version) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument,
                            "the presealed recovery shares are for service " + presealed.service_.service_id +
                                ", version " + std::to_string(presealed.ledger_secret_version_));
  }
  if (ledger_secret.size() != kLedgerSecretBytes) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument, "the ledger secret is not 32 bytes");
  }
  if (presealed.finished_record_) {
    // Finish wrapped and signed for this service and version (checked above).
    if (!presealed.FinishedFor(ledger_secret)) {
      return MakeSealingError(SealingErrorCode::kInvalidArgument,
                              "the presealed recovery shares were finished for another ledger secret");
    }
    return std::move(*presealed.finished_record_);
  }
  LEDGERSEAL_CHECK(presealed.wrapping_key_.size() == kWrappingKeyBytes && presealed.iv_.size() == crypto::kAesGcmIvBytes);
  v1::RecoveryShares& body = presealed.body_;
  auto wrapped = crypto::SealAeadBoxWithIv(presealed.wrapping_key_.bytes(), kv::AsBytes(presealed.iv_),
                                           ledger_secret.bytes(), internal::WrappedSecretAad(service.service_id, version));
  if (!wrapped) return CryptoFailure("wrapping the ledger secret", wrapped.error());
  body.set_wrapped_ledger_secret_iv(std::move(wrapped->iv));
  body.set_wrapped_ledger_secret(std::move(wrapped->ciphertext));
  body.set_wrapped_ledger_secret_tag(std::move(wrapped->tag));
  std::string body_bytes;
  LEDGERSEAL_CHECK(body.SerializeToString(&body_bytes));
  auto signature = signer.Sign(kRecoverySharesDomain, kv::AsBytes(body_bytes));
  if (!signature || signature->empty()) {
    return MakeSealingError(SealingErrorCode::kCryptoError,
                            "signing the recovery shares: " + (signature ? "empty signature" : signature.error().ToString()));
  }
  v1::SignedRecoveryShares envelope;
  envelope.set_format_version(kRecoverySharesFormatVersion);
  envelope.set_body(body_bytes);
  envelope.set_signature_algorithm(static_cast<uint32_t>(service.algorithm));
  envelope.set_signer_public_key_der(service.public_key_der.data(), service.public_key_der.size());
  envelope.set_signature(signature->data(), signature->size());
  std::string out;
  LEDGERSEAL_CHECK(envelope.SerializeToString(&out));
  // The shape members and recoveries will check, checked before it is
  // written. The signature is not verified again here: the signer's contract
  // covers it (the reference host's ServiceKey verifies each signature it
  // makes), as for sealed shares, and this runs on every rotation.
  auto parsed = internal::ParseRecord(kv::AsBytes(out));
  LEDGERSEAL_CHECK(parsed.has_value() && parsed->envelope.signer_public_key_der().size() == service.public_key_der.size());
  return kv::Bytes(out.begin(), out.end());
}

SealingResult<kv::Bytes> SealRecoveryShares(crypto::RandomSource& random, const kv::ServiceSigner& signer,
                                            uint64_t version, const kv::SecretBytes& ledger_secret,
                                            const v1::RecoveryConfig& config) {
  if (ledger_secret.size() != kLedgerSecretBytes) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument, "the ledger secret is not 32 bytes");
  }
  auto presealed = PresealedRecoveryShares::Make(random, signer.identity(), version, config);
  if (!presealed) return std::unexpected(presealed.error());
  return SealPresealedRecoveryShares(signer, version, ledger_secret, std::move(*presealed));
}

SealingResult<MemberShareFile> DecryptMemberShare(kv::ByteView record, const crypto::EcdhPrivateKey& member_key) {
  auto parsed = internal::ParseRecord(record);
  if (!parsed) return std::unexpected(parsed.error());
  auto signer = kv::ServiceIdentityFromPublicKey(parsed->envelope.signature_algorithm(),
                                                 kv::AsBytes(parsed->envelope.signer_public_key_der()));
  if (!signer) return MakeSealingError(SealingErrorCode::kMalformed, "recovery.shares: " + signer.error().message);
  if (signer->service_id != parsed->body.service_id()) {
    return MakeSealingError(SealingErrorCode::kMalformed, "recovery.shares: signed by service " + signer->service_id +
                                                              " but names service " + parsed->body.service_id());
  }
  if (auto s = internal::CheckSignature(*parsed, *signer); !s) return std::unexpected(s.error());
  auto own = member_key.PublicKeyDer();
  if (!own) return CryptoFailure("the member key", own.error());
  const auto& b = parsed->body;
  for (const auto& s : b.shares()) {
    if (kv::AsBytes(s.member_public_key_der()).size() != own->size() ||
        !std::ranges::equal(kv::AsBytes(s.member_public_key_der()), *own)) {
      continue;
    }
    auto y = crypto::EciesP256Open(member_key, kv::AsBytes(s.encrypted_share()),
                                   internal::ShareInfo(b.service_id(), b.ledger_secret_version(), s.member_name(), s.x(),
                                                       b.threshold(), static_cast<uint32_t>(b.shares_size())));
    if (!y) {
      return MakeSealingError(SealingErrorCode::kTampered,
                              "recovery.shares: the share of '" + s.member_name() + "' does not open: " +
                                  y.error().ToString());
    }
    if (internal::ShareCommitment(b.service_id(), b.ledger_secret_version(), s.member_name(), s.x(), y->bytes()) !=
        kv::ToBytes(s.share_commitment())) {
      return MakeSealingError(SealingErrorCode::kTampered,
                              "recovery.shares: the share of '" + s.member_name() + "' does not match its commitment");
    }
    return MemberShareFile{b.service_id(), b.ledger_secret_version(), s.member_name(), s.x(), std::move(*y)};
  }
  return MakeSealingError(SealingErrorCode::kIdentityNotFound,
                          "recovery.shares of ledger secret " + std::to_string(b.ledger_secret_version()) +
                              ": no share for this member key");
}

}  // namespace ledgerseal::recovery
