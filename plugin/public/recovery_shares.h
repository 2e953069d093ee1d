// Operator recovery shares (docs/RECOVERY_SHARES.md): for when the hardware
// that sealed the ledger secret is gone. At every rotation and every change
// of the recovery members, the latest ledger secret is wrapped under a fresh
// wrapping key, that key is split k-of-n (crypto/public/shamir.h), and each
// share is ECIES-sealed to one member and committed to; the record is
// signed by the service identity. Members decrypt their shares offline
// (`ledgerseal operator decrypt-share`); any k of them recover the secret.
//
// Shares are sealed to public keys, so anyone can write a record whose
// shares members would decrypt. Only the service identity's signature, under
// an identity the operators pin, makes a record authentic: recovery requires
// that pin.
#ifndef LEDGERSEAL_PLUGIN_PUBLIC_RECOVERY_SHARES_H_
#define LEDGERSEAL_PLUGIN_PUBLIC_RECOVERY_SHARES_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/public/ecies.h"
#include "crypto/public/random_source.h"
#include "crypto/public/shamir.h"
#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/proto/recovery_shares.pb.h"
#include "plugin/public/sealing_error.h"

namespace ledgerseal::recovery {

using sealing::SealingError;
using sealing::SealingErrorCode;
using sealing::SealingResult;
using sealing::SealingStatus;
using sealing::MakeSealingError;

inline constexpr uint32_t kRecoverySharesFormatVersion = 1;
// Public-domain tables, one key each.
inline constexpr std::string_view kRecoveryMembersTable = "recovery.members";
inline constexpr std::string_view kRecoveryMembersKey = "current";
inline constexpr std::string_view kRecoverySharesTable = "recovery.shares";
inline constexpr std::string_view kRecoverySharesKey = "latest";
// The service-identity signature domain of a recovery.shares record.
inline constexpr std::string_view kRecoverySharesDomain = "ledgerseal recovery shares v1";
inline constexpr size_t kMaxMembers = 64;
inline constexpr size_t kMaxMemberNameBytes = 64;

struct Member {
  std::string name;              // 1..kMaxMemberNameBytes of [A-Za-z0-9._-]
  kv::Bytes public_key_der;      // canonical P-256 SPKI (91 bytes)
};

// A checked RecoveryConfig: members sorted by name.
// Errors: kInvalidArgument naming the problem (no members, more than
// kMaxMembers, a bad or duplicate name, a key that is not a canonical P-256
// SubjectPublicKeyInfo, the same key twice, threshold outside 1..members).
SealingResult<v1::RecoveryConfig> MakeRecoveryConfig(std::vector<Member> members, uint32_t threshold);

// Parses and checks a `recovery.members` value as MakeRecoveryConfig checks
// its inputs. Errors: kMalformed (does not parse), kUnknownFormatVersion,
// kInvalidArgument (the checks).
SealingResult<v1::RecoveryConfig> ParseRecoveryConfig(kv::ByteView value);
kv::Bytes SerializeRecoveryConfig(const v1::RecoveryConfig& config);

// A checked configuration with every member's public key parsed, made once
// and then shared read-only. The members change only by an operator's
// request, but every rotation writes shares for them: a host keeps this
// while `recovery.members` holds the same bytes, so that a rotation neither
// re-checks each member's P-256 key on the commit path (~25 us each, five
// of them as much as the record's signature) nor parses them again for
// pre-sealing. Thread safety: immutable.
class PreparedRecoveryConfig {
 public:
  // A `recovery.members` value, parsed and checked as ParseRecoveryConfig
  // does. Errors: as ParseRecoveryConfig.
  static SealingResult<std::shared_ptr<const PreparedRecoveryConfig>> Parse(kv::ByteView value);
  // A configuration in memory, checked as MakeRecoveryConfig checks its
  // inputs; value() is its serialisation. Errors: kInvalidArgument.
  static SealingResult<std::shared_ptr<const PreparedRecoveryConfig>> Of(const v1::RecoveryConfig& config);

  const v1::RecoveryConfig& config() const { return config_; }
  // The value it was parsed from, byte for byte.
  const kv::Bytes& value() const { return value_; }
  // members(i)'s key. Precondition: 0 <= i < config().members_size().
  const crypto::EcdhPublicKey& member_key(int i) const;

 private:
  PreparedRecoveryConfig() = default;
  v1::RecoveryConfig config_;
  kv::Bytes value_;
  std::vector<crypto::EcdhPublicKey> member_keys_;  // in config_.members() order
};

// The plugin request (kv::PluginRequest::plugin) that changes the members.
inline constexpr std::string_view kMembersChangeRequest = "recovery-members";

// The payload of a members change. Preconditions: as the change's fields
// say (format_version is set here).
kv::Bytes SerializeMembersChange(v1::RecoveryMembersChange change);

// The configuration after `change` (a serialised RecoveryMembersChange) is
// applied to `current`. Errors: kMalformed (does not parse),
// kUnknownFormatVersion, kInvalidArgument naming the problem: no current
// configuration (members are created at genesis only), no change at all
// (including the threshold it already has), adding a member whose name or
// key is already there, removing one that is not or the last one, a
// threshold outside 1..n afterwards (e.g. removing a member below the
// current threshold without giving a new one), or any check of
// MakeRecoveryConfig.
SealingResult<v1::RecoveryConfig> ApplyMembersChange(const v1::RecoveryConfig* current, kv::ByteView change);

// The `recovery.shares` value for ledger secret `ledger_secret_version`:
// draws a 32-byte wrapping key and the wrap IV from `random`, splits the
// key over config's members (x = 1..n in name order), seals each share
// (ECIES, OpenSSL's DRBG for the ephemeral keys), commits to it, and signs
// the body as `signer`. The wrapping key and shares are wiped.
// Preconditions: `config` from MakeRecoveryConfig / ParseRecoveryConfig;
// ledger_secret is 32 bytes. Errors: kInvalidArgument (a precondition, a
// signer whose id is not its key's); kCryptoError (OpenSSL, the signer).
// Thread safety: as `random` and `signer`.
SealingResult<kv::Bytes> SealRecoveryShares(crypto::RandomSource& random, const kv::ServiceSigner& signer,
                                            uint64_t ledger_secret_version, const kv::SecretBytes& ledger_secret,
                                            const v1::RecoveryConfig& config);

// The part of SealRecoveryShares that does not need the ledger secret — a
// fresh wrapping key, split and sealed to every member, with commitments —
// made ahead of the rotation it serves, off the commit path, as
// PresealedShares is for sealed shares (docs/ARCHITECTURE.md,
// "Pre-sealing"). Bound to one service, version and member set; used at most
// once; the wrapping key is wiped on destruction.
class PresealedRecoveryShares {
 public:
  // Draws as SealRecoveryShares does, in its order. Errors: as it.
  static SealingResult<PresealedRecoveryShares> Make(crypto::RandomSource& random, const kv::ServiceIdentity& service,
                                                      uint64_t ledger_secret_version, const v1::RecoveryConfig& config);
  // The same from a prepared configuration: its keys are not parsed again.
  static SealingResult<PresealedRecoveryShares> Make(crypto::RandomSource& random, const kv::ServiceIdentity& service,
                                                      uint64_t ledger_secret_version,
                                                      const PreparedRecoveryConfig& prepared);
  // For exactly this service, version and configuration.
  bool SealedFor(std::string_view service_id, uint64_t ledger_secret_version, const v1::RecoveryConfig& config) const;

  // Wraps `ledger_secret` and signs now, ahead of the commit, as
  // PresealedShares::Finish does (the same contract): the wrapping key is
  // wiped, and SealPresealedRecoveryShares then only hands the record over,
  // for that very secret. On error nothing changes. Errors: those of
  // SealPresealedRecoveryShares; kInvalidArgument if already finished.
  SealingStatus Finish(const kv::ServiceSigner& signer, const kv::SecretBytes& ledger_secret);
  // Whether Finish succeeded.
  bool finished() const { return finished_record_.has_value(); }
  // True if finished for exactly `ledger_secret` (constant-time comparison
  // of SHA-256 digests: no copy of the secret is kept).
  bool FinishedFor(const kv::SecretBytes& ledger_secret) const;

  PresealedRecoveryShares(PresealedRecoveryShares&&) = default;
  PresealedRecoveryShares& operator=(PresealedRecoveryShares&&) = default;

 private:
  friend SealingResult<kv::Bytes> SealPresealedRecoveryShares(const kv::ServiceSigner&, uint64_t,
                                                              const kv::SecretBytes&, PresealedRecoveryShares);
  PresealedRecoveryShares() = default;
  kv::ServiceIdentity service_;
  uint64_t ledger_secret_version_ = 0;
  std::string config_bytes_;      // the configuration it was made for, serialised
  kv::SecretBytes wrapping_key_;  // 32 bytes
  std::string iv_;                // 12 bytes
  v1::RecoveryShares body_;       // everything but the wrapped secret
  // Set by Finish (then wrapping_key_ and iv_ are empty).
  std::optional<kv::Bytes> finished_record_;
  std::array<uint8_t, 32> finished_secret_digest_{};  // SHA-256 of the secret it wraps
};

// SealRecoveryShares with the shares made ahead: wraps `ledger_secret` and
// signs; draws nothing. A finished `presealed` hands over its record (it
// must have been finished for `ledger_secret`). Errors: kInvalidArgument
// (made or finished for another service, version or secret, or a
// precondition of SealRecoveryShares); kCryptoError.
SealingResult<kv::Bytes> SealPresealedRecoveryShares(const kv::ServiceSigner& signer, uint64_t ledger_secret_version,
                                                     const kv::SecretBytes& ledger_secret,
                                                     PresealedRecoveryShares presealed);

// One member's share, as the member holds it: what `operator decrypt-share`
// writes and `recover --shares` / `client submit-share` read.
struct MemberShareFile {
  std::string service_id;
  uint64_t ledger_secret_version = 0;
  std::string member_name;
  uint32_t x = 0;
  kv::SecretBytes y;  // 32 bytes; wiped on destruction
};

// A JSON object, docs/RECOVERY_SHARES.md ("Share files"). Holds the share in
// hex: write it to a file only the member can read.
std::string EncodeMemberShareFile(const MemberShareFile& share);
// Errors: kMalformed naming the field (not JSON, a missing or mistyped
// field, duplicate keys, a share that is not 64 hex digits);
// kUnknownFormatVersion (another "format").
SealingResult<MemberShareFile> DecodeMemberShareFile(std::string_view text);

// The share of `record` sealed to `member_key`, opened and checked against
// its commitment. The record's signature is checked under its own signer
// key (the member compares the service id it is told with the one it
// knows; a member's share of a forged record reveals nothing of any other
// record). Errors: kMalformed, kUnknownFormatVersion, kUnsigned,
// kBadSignature, kIdentityNotFound (no share for this key), kTampered
// (ECIES does not open, or the commitment does not match).
SealingResult<MemberShareFile> DecryptMemberShare(kv::ByteView record, const crypto::EcdhPrivateKey& member_key);

struct SharesRecovery {
  kv::SecretBytes secret;  // wiped on destruction
  uint64_t ledger_secret_version = 0;
  std::string service_id;
  std::vector<std::string> used_members;  // sorted
  std::vector<std::string> rejected;      // "member: why", in submission order
};

// One authenticated `recovery.shares` record and the shares given for it so
// far, one at a time: what a recovering node that waits for members'
// submissions holds (docs/RECOVERY_SHARES.md, "Submitting shares").
// RecoverFromMemberShares is Open, Add for each share, then Recover.
// Move-only; the valid shares are wiped on destruction. Thread safety: none
// (a caller that shares it locks).
class SharesCollector {
 public:
  // Steps 1-4 of RecoverFromMemberShares (below): the pin is given, the
  // record parses, is the pinned service's and its signature verifies.
  // Errors: as those steps.
  static SealingResult<SharesCollector> Open(kv::ByteView record, std::string_view expected_service_id);

  // Step 5 for one share: OK when it is counted (a member already counted
  // is OK and still counts once); otherwise kInvalidArgument whose message
  // is "MEMBER: why" (another service or secret version, not a member of
  // this record, or not matching its commitment), remembered in rejected().
  SealingStatus Add(const MemberShareFile& share);

  uint32_t threshold() const { return body_.threshold(); }
  uint64_t ledger_secret_version() const { return body_.ledger_secret_version(); }
  const std::string& service_id() const { return body_.service_id(); }
  size_t valid_count() const { return valid_.size(); }
  std::vector<std::string> valid_members() const;           // sorted
  // The first kMaxRejectionsKept rejections ("MEMBER: why", in order) and
  // how many there were in all: a flood of bad submissions cannot grow it.
  const std::vector<std::string>& rejected() const { return rejected_; }
  size_t rejected_count() const { return rejected_count_; }
  static constexpr size_t kMaxRejectionsKept = 16;
  bool complete() const { return valid_.size() >= body_.threshold(); }

  // Steps 6-7: the secret from the valid shares. Errors: kInvalidArgument
  // (fewer than the threshold: "1 of 2 shares needed ...", with every
  // rejection); kTampered; kCryptoError.
  SealingResult<SharesRecovery> Recover() const;

  SharesCollector(SharesCollector&&) = default;
  SharesCollector& operator=(SharesCollector&&) = default;

 private:
  SharesCollector() = default;
  v1::RecoveryShares body_;
  std::map<std::string, crypto::ShamirShare> valid_;  // by member
  std::vector<std::string> rejected_;
  size_t rejected_count_ = 0;
};

// The ledger secret of `record`, from submitted member shares. In order:
// the record parses (kMalformed, kUnknownFormatVersion, kUnsigned); its
// signer is the service `expected_service_id` (kWrongService; an empty pin
// is kInvalidArgument: without it the record proves nothing); the signature
// verifies (kBadSignature); then each share is checked — same service and
// version as the record, a member of it at its x, its commitment — and a
// failing one is rejected by name and not counted; a member twice counts
// once. Fewer than the threshold of valid shares: kInvalidArgument
// ("2 of 3 shares", with the rejections). Finally the combined wrapping key
// must open the wrapped secret (kTampered).
SealingResult<SharesRecovery> RecoverFromMemberShares(kv::ByteView record, std::span<const MemberShareFile> shares,
                                                      std::string_view expected_service_id);

}  // namespace ledgerseal::recovery

#endif  // LEDGERSEAL_PLUGIN_PUBLIC_RECOVERY_SHARES_H_
