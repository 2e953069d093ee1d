// The two hooks of the local-sealing plugin (see public/local_sealing.h).
#ifndef LEDGERSEAL_PLUGIN_LOCAL_SEALING_SEALING_HOOKS_H_
#define LEDGERSEAL_PLUGIN_LOCAL_SEALING_SEALING_HOOKS_H_

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kvstore_adapter/public/hooks.h"
#include "plugin/local_sealing/public/local_sealing.h"
#include "plugin/public/sealed_shares.h"

namespace ledgerseal::sealing::internal {

// What one background task made for the next record. Shared with the task,
// which may outlive the hook. The commit path only ever try-locks `mu`: the
// task runs at idle priority and may be preempted while it holds it, and a
// commit must never wait for it (it seals on its own instead).
template <typename T>
struct PresealSlot {
  std::atomic<uint64_t> requested = 0;  // generation of the newest request
  std::mutex mu;
  std::optional<T> ready;  // guarded by mu; usable only if it matches exactly (SealedFor)
};

// On the primary: records joiners' recovery keys (bound to the context's
// service identity), and writes a new sealing.shares record, signed by the
// context's service signer, whenever the transaction rotates the secret or
// changes the trusted nodes. Nodes without a recovery key, or with one bound
// to another service, are logged and left out.
class SealingTransactionHook final : public kv::TransactionHook {
 public:
  // Sealing needs only `options.random` and `options.log`.
  explicit SealingTransactionHook(LocalSealingOptions options) : options_(std::move(options)) {}
  kv::Status OnCommit(kv::Transaction& tx) override;

 private:
  kv::Status RecordJoiner(kv::Transaction& tx, const kv::NodeMember& joiner,
                          const kv::ServiceSigner& signer);
  kv::Status Reseal(kv::Transaction& tx, const kv::CommitContext& ctx, const kv::ServiceSigner& signer);
  // recovery.members (genesis) and recovery.shares (docs/RECOVERY_SHARES.md).
  kv::Status WriteRecoveryShares(kv::Transaction& tx, const kv::CommitContext& ctx);
  kv::Result<recovery::v1::RecoveryConfig> ApplyMembersChange(const std::optional<kv::Bytes>& stored,
                                                               const kv::Bytes& change) const;
  // A recipient prepared once per distinct recovery key record (parsing a
  // public key costs ~0.1 ms; see BENCHMARKS.md).
  kv::Result<PreparedRecipient> Prepare(const kv::NodeMember& member);

  // Pre-sealing (LocalSealingOptions::background): the shares for the next
  // record, made off the commit path.
  std::optional<PresealedShares> TakePresealed(const std::string& service_id, uint64_t version,
                                               const std::vector<PreparedRecipient>& recipients);
  // `next`: the commit context's next_rotation; with it, the task also wraps
  // and signs (Finish), so the next rotation only takes the record.
  void PostPreseal(const kv::ServiceIdentity& service, uint64_t version, std::vector<PreparedRecipient> recipients,
                   const std::optional<kv::CommitContext::NextRotation>& next);
  std::optional<recovery::PresealedRecoveryShares> TakeRecoveryPresealed(const std::string& service_id,
                                                                         uint64_t version,
                                                                         const recovery::v1::RecoveryConfig& config);
  void PostRecoveryPreseal(const kv::ServiceIdentity& service, uint64_t version,
                           std::shared_ptr<const recovery::PreparedRecoveryConfig> members,
                           const std::optional<kv::CommitContext::NextRotation>& next);
  // `stored` (a recovery.members value) checked, with its keys parsed; the
  // last one is kept, since the members change only by request. Errors:
  // kInvalidArgument (the stored value is refused, naming why).
  kv::Result<std::shared_ptr<const recovery::PreparedRecoveryConfig>> PreparedMembers(const kv::Bytes& stored);

  const LocalSealingOptions options_;
  std::mutex mu_;
  std::map<kv::Bytes, PreparedRecipient> prepared_;  // by serialised record
  std::shared_ptr<const recovery::PreparedRecoveryConfig> members_;  // guarded by mu_
  const std::shared_ptr<PresealSlot<PresealedShares>> preseal_ = std::make_shared<PresealSlot<PresealedShares>>();
  const std::shared_ptr<PresealSlot<recovery::PresealedRecoveryShares>> recovery_preseal_ =
      std::make_shared<PresealSlot<recovery::PresealedRecoveryShares>>();
};

// On a recovering node: the newest sealing.shares record, found by reading
// the ledger backwards, unsealed as the configured identity.
// It keeps no state between Unseal and OnRecovered: what OnRecovered records
// travels on the RecoveredSecret.
class LocalUnsealingHook final : public kv::RecoveryHook {
 public:
  // Shares the options (the provider in them) with the plugin, so the hook
  // stays valid if the host outlives the LocalSealing object.
  explicit LocalUnsealingHook(std::shared_ptr<const LocalSealingOptions> options)
      : options_(std::move(options)) {}
  kv::Result<kv::RecoveredSecret> Unseal(const kv::RecoveryContext& ctx) override;
  kv::Status OnRecovered(kv::Transaction& tx, const kv::RecoveredSecret& secret) override;

 private:
  kv::Result<kv::RecoveredSecret> Fail(kv::Error error) const;
  const std::shared_ptr<const LocalSealingOptions> options_;
};

void Log(const LocalSealingOptions& options, const std::string& line);
void Log(const std::function<void(std::string_view)>& log, const std::string& line);

}  // namespace ledgerseal::sealing::internal

#endif  // LEDGERSEAL_PLUGIN_LOCAL_SEALING_SEALING_HOOKS_H_
