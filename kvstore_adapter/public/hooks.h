// The two extension points a plugin registers with a host.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_HOOKS_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_HOOKS_H_

#include <string>
#include <vector>

#include "kvstore_adapter/public/ledger_reader.h"
#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/public/transaction.h"

namespace ledgerseal::kv {

// Called on the primary for every transaction, after the application wrote it
// and before it is committed (appended to the ledger). Hooks run in
// registration order, each once; a hook sees the writes of the hooks before
// it and may add writes of its own, which commit atomically with the rest.
// `tx.commit_context()` is filled (commit_context.h): the secret in force,
// and for rotations and membership changes the trusted nodes.
//
// If OnCommit returns an error, the transaction does not commit and the
// caller of Host::Commit receives kHookFailed naming the hook and its error.
//
// Placement: every node registers it (any node may become primary; only the
// primary calls it). Thread safety: the host calls a hook from one thread at
// a time. Ownership: the host shares it; a hook must not hold pointers into
// objects its plugin may destroy first.
class TransactionHook {
 public:
  virtual ~TransactionHook() = default;
  [[nodiscard]] virtual Status OnCommit(Transaction& tx) = 0;
};

// The identity of the node a host runs as.
struct NodeIdentity {
  std::string node_id;           // unique within a service, chosen by the host
  std::string sealing_identity;  // stable operator-chosen name; may be empty
  std::string service_id;        // identifies the service (changes on recovery)
};

// Everything a recovery hook may use. Valid only during the call.
struct RecoveryContext {
  NodeIdentity node;
  // The identity this node had in the service being recovered (may differ
  // from node.sealing_identity); empty when not configured.
  std::string previous_sealing_identity;
  // The service id of the service being recovered, as the newest entry's
  // header claims it (unauthenticated: a hint for logs only).
  std::string previous_service_id;
  LedgerReader* ledger = nullptr;  // never null; positioned at the newest entry
  // The operator's pin (config `expected_previous_service_identity`): when
  // not empty, a hook must refuse material of any other service before it
  // decrypts anything, and the host refuses a replayed ledger whose last
  // service is another. Empty: no pin.
  std::string expected_previous_service_id{};
};

// A ledger secret recovered before replay. Everything the hook needs again
// in OnRecovered travels here (hooks keep no state between the two calls:
// the host may run several recoveries with one hook object).
struct RecoveredSecret {
  uint64_t ledger_secret_version = 0;
  SecretBytes secret;  // kLedgerSecretBytes bytes; the host refuses other sizes
  // The version of the entry that carried the sealed material; the host
  // must authenticate this entry and every later one during replay, and
  // refuse the recovery if it cannot. `ledger_secret_version` must be the
  // secret in force after this entry (the entry's secret version, plus one
  // if the entry rotates); the host refuses the recovery otherwise.
  Version found_at_version = kNoVersion;
  std::string method;  // how it was obtained, e.g. "local_unsealing"
  // Who made the recovery possible, for the audit record: the sealing
  // identity the material was unsealed as, or the members whose shares were
  // combined.
  std::vector<std::string> identities;
  // The service the recovered material belonged to: the identity whose
  // signature the hook verified (a hook that cannot authenticate its
  // material says so in `method`). The host checks that replay ends in this
  // service and refuses the recovery otherwise.
  std::string previous_service_id;
};

// Called when a node opens an existing ledger in recovery mode, BEFORE the
// store is replayed. Hooks run in registration order until one returns a
// secret; a hook that does not apply returns kNotFound and the next one runs
// (with a fresh reader); any other error stops recovery (nothing is written)
// and reaches the operator.
//
// The host's duties around it: give each hook a reader positioned at the
// newest entry; treat what the hook read as unauthenticated until replay
// authenticated `found_at_version` and every later entry under the
// recovered secrets (the chain of older secrets comes from the ledger, see
// CommitContext); write nothing if any step fails; run OnRecovered of the
// hook that produced the secret inside the recovered service's first
// transaction.
//
// Placement: registered on every node (only recovery mode runs it).
// Thread safety: a host calls one recovery hook at a time. Ownership: as for
// TransactionHook.
class RecoveryHook {
 public:
  virtual ~RecoveryHook() = default;

  // Errors: kNotFound (this hook does not apply; the next one runs), or any
  // other code to stop the recovery, with a message naming what failed.
  [[nodiscard]] virtual Result<RecoveredSecret> Unseal(const RecoveryContext& ctx) = 0;

  // Called once replay has authenticated every entry from
  // `secret.found_at_version` on, inside the first transaction of the
  // recovered service, so the hook can record the recovery (e.g.
  // `sealing.last_recovery`). `secret` is what this hook's Unseal returned.
  // An error aborts the recovery.
  [[nodiscard]] virtual Status OnRecovered(Transaction& tx, const RecoveredSecret& secret) = 0;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_HOOKS_H_
