// TEST ONLY: the conformance suite's test plugin, written against the
// adapter interface alone (kvstore_adapter/public/*.h), like a real plugin.
//
//  - EscrowPlugin: a transaction hook that records every CommitContext it
//    sees and, on a rotation or a trusted-nodes change, "seals" the secret
//    in force by keeping it in test memory and writing the public marker
//    conformance.sealed/"latest" in the SAME transaction; and a recovery
//    hook that reads the ledger backwards to the newest marker and returns
//    the escrowed secret.
//  - NotFoundHook, FailingHook, WrongSecretHook, BadFoundAtHook: recovery
//    hooks that do not apply, stop recovery, return a wrong secret, or the
//    right secret found at a version outside the ledger.
//
// Every hook records its calls; all of them may be called from any thread.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_CONFORMANCE_TEST_HOOKS_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_CONFORMANCE_TEST_HOOKS_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kvstore_adapter/public/hooks.h"
#include "kvstore_adapter/public/host.h"
#include "kvstore_adapter/public/service_identity.h"

namespace ledgerseal::kv::conformance {

// The marker: "secret_version=<n>;service_id=<id>".
inline constexpr Table kMarkerTable{"conformance.sealed", Domain::kPublic};
inline constexpr std::string_view kMarkerKey = "latest";
// What OnRecovered writes: "found_at=<v>;previous_service_id=<id>".
inline constexpr Table kRecoveredTable{"conformance.recovered", Domain::kPublic};
inline constexpr std::string_view kRecoveredKey = "last";
inline constexpr std::string_view kEscrowMethod = "conformance_escrow";
inline constexpr std::string_view kEscrowIdentity = "conformance-escrow";

// One CommitContext as the escrow transaction hook saw it.
struct ObservedCommit {
  std::string service_id;
  std::shared_ptr<const SecretBytes> secret;  // a copy (test only); null if none
  uint64_t secret_version = 0;
  bool rotates = false;
  std::vector<NodeMember> trusted_nodes;
  bool trusted_nodes_changed = false;
  std::optional<NodeMember> joining_node;
  bool recovery = false;
  Version read_version = kNoVersion;
  bool sealed = false;  // the hook wrote the marker in this transaction
  // The context's service signer, if any, and whether a signature it made
  // (domain kConformanceDomain) verified under its identity; whether it
  // refused to sign an endorsement (only hosts endorse).
  std::optional<ServiceIdentity> signer{};
  bool signature_verified = false;
  bool refused_endorsement = false;
  // CommitContext::next_rotation, if offered: a copy of its secret, its
  // version, and whether its signer is this commit's service.
  std::shared_ptr<const SecretBytes> next_secret;
  uint64_t next_secret_version = 0;
  bool next_signer_is_service = false;
  bool refused = false;  // the hook refused this commit (RefuseNextRotation)
};

inline constexpr std::string_view kConformanceDomain = "ledgerseal conformance test v1";

// One Unseal call as a recording recovery hook saw it.
struct UnsealCall {
  NodeIdentity node;
  std::string previous_service_id;
  Version reader_last_version = kNoVersion;
  std::vector<Version> versions_read;  // in the order the reader returned them
  size_t commits_seen = 0;             // EscrowPlugin only: commits observed so far
  std::optional<Version> found_at;     // the marker's entry, if one was found
};

// One OnRecovered call.
struct RecoveredCall {
  bool context_recovery = false;  // tx.commit_context().recovery
  std::string service_id;         // tx.commit_context().service_id
  uint64_t secret_version = 0;    // RecoveredSecret::ledger_secret_version
  Version found_at = kNoVersion;
  std::string method;
};

// A recovery hook that records its calls.
class RecordingRecoveryHook : public RecoveryHook {
 public:
  std::vector<UnsealCall> unseal_calls() const;
  std::vector<RecoveredCall> recovered_calls() const;

  // Records the call and writes kRecoveredTable.
  Status OnRecovered(Transaction& tx, const RecoveredSecret& secret) override;

 protected:
  void Record(UnsealCall call);

 private:
  mutable std::mutex mu_;
  std::vector<UnsealCall> unseal_calls_;
  std::vector<RecoveredCall> recovered_calls_;
};

class EscrowPlugin {
 public:
  EscrowPlugin();

  std::shared_ptr<TransactionHook> transaction_hook() const { return transaction_hook_; }
  std::shared_ptr<RecordingRecoveryHook> recovery_hook() const { return recovery_hook_; }

  std::vector<ObservedCommit> commits() const;
  size_t commit_count() const;
  // The next commit that rotates the secret is refused by the transaction
  // hook (nothing commits), as a plugin's failure would.
  void RefuseNextRotation();
  // A copy of the escrowed secret of `version`, if it was sealed.
  std::optional<SecretBytes> Sealed(uint64_t version) const;

  struct State;  // shared with the hooks

 private:
  std::shared_ptr<State> state_;
  std::shared_ptr<TransactionHook> transaction_hook_;
  std::shared_ptr<RecordingRecoveryHook> recovery_hook_;
};

// Unseal: reads `entries_to_read` entries (fewer if the ledger is shorter),
// then returns kNotFound.
class NotFoundHook final : public RecordingRecoveryHook {
 public:
  explicit NotFoundHook(size_t entries_to_read) : entries_to_read_(entries_to_read) {}
  Result<RecoveredSecret> Unseal(const RecoveryContext& ctx) override;

 private:
  size_t entries_to_read_;
};

// Unseal: returns `code` (not kNotFound) without reading.
class FailingHook final : public RecordingRecoveryHook {
 public:
  explicit FailingHook(ErrorCode code) : code_(code) {}
  Result<RecoveredSecret> Unseal(const RecoveryContext& ctx) override;

 private:
  ErrorCode code_;
};

// Unseal: finds the newest marker as the escrow does and returns a random
// secret for it (right version, found_at_version and size; wrong bytes).
class WrongSecretHook final : public RecordingRecoveryHook {
 public:
  Result<RecoveredSecret> Unseal(const RecoveryContext& ctx) override;
};

// Unseal: finds the newest marker as the escrow does and returns the
// escrow's own secret for it (right bytes, version and size), but claims it
// was found at a version outside the ledger: 0, or one past the reader's
// last version. A host must refuse it (kRecoveryFailed naming the hook)
// before replay. kNotFound if there is no marker or the escrow lacks its
// secret.
class BadFoundAtHook final : public RecordingRecoveryHook {
 public:
  enum class Claim { kZero, kPastTheNewest };
  BadFoundAtHook(std::shared_ptr<const EscrowPlugin> escrow, Claim claim)
      : escrow_(std::move(escrow)), claim_(claim) {}
  Result<RecoveredSecret> Unseal(const RecoveryContext& ctx) override;

 private:
  std::shared_ptr<const EscrowPlugin> escrow_;
  Claim claim_;
};

// The marker of the newest entry that has one, reading `reader` backwards;
// appends each version read to `versions_read`. std::nullopt: no marker.
// Errors: the reader's, kCorruption (a malformed marker).
struct Marker {
  Version found_at = kNoVersion;
  uint64_t secret_version = 0;
  std::string service_id;
};
Result<std::optional<Marker>> FindNewestMarker(LedgerReader& reader, std::vector<Version>& versions_read);

// Registers `escrow`'s transaction hook, then `recovery_hooks` in order
// (names must be unique). The result fits HostFactory::StartService and
// HostFactory::Recover.
using NamedRecoveryHook = std::pair<std::string, std::shared_ptr<RecoveryHook>>;
std::function<Status(HookRegistrar&)> Hooks(std::shared_ptr<EscrowPlugin> escrow,
                                            std::vector<NamedRecoveryHook> recovery_hooks);

}  // namespace ledgerseal::kv::conformance

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_CONFORMANCE_TEST_HOOKS_H_
