// PRIVATE to //kvstore_adapter/reference_host/node: a coordinated recovery
// as one node runs it (docs/REFERENCE_HOST.md, "Coordinated recovery").
// After its replay (into the scratch store, nothing installed yet), the node
// answers its peers' claim requests with its signed claim, asks for theirs,
// and lets coordination::Election decide whether it opens the recovered
// service, follows (joins) the node that opened it, or gives up.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_RECOVERY_COORDINATOR_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_RECOVERY_COORDINATOR_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/reference_host/coordination/public/election.h"
#include "kvstore_adapter/reference_host/proto/ledger.pb.h"
#include "kvstore_adapter/reference_host/recovery/public/recover_ledger.h"
#include "kvstore_adapter/reference_host/rpc/public/rpc_client.h"
#include "kvstore_adapter/store/public/store.h"

namespace ledgerseal::kv::node {

struct CoordinationOutcome {
  enum class Kind {
    kOpen,    // this node opens the recovered service
    kFollow,  // another node opened it: join it
  };
  Kind kind = Kind::kOpen;
  // kFollow: what the joined service must prove: a successor endorsed by
  // `previous_service` that recovered at least this node's ledger.
  ServiceRecord previous_service;
  // kFollow: the successor's record as checked (endorsement, length)
  // before anything moved; the join must find this identity.
  ServiceRecord successor;
  Version own_last_version = kNoVersion;
  Bytes own_last_digest;
  std::string follow_node, follow_address;
  // kOpen: the evidence, for the recovery transaction.
  ::ledgerseal::ledger::v1::RecoveryDecision decision;
};

struct CoordinatorOptions {
  std::string node_id;
  std::string rpc_address;          // where this node serves if it opens
  std::vector<std::string> peers;   // the other recovering nodes' rpc addresses
  std::chrono::milliseconds deadline{600'000};
  std::chrono::milliseconds wait_for_all{10'000};
  bool without_majority = false;    // --open-without-majority
  const std::atomic<bool>* stop = nullptr;  // not owned; required
  std::function<void(const std::string&)> log;
};

// Thread safety: Answer may be called from RPC threads while Run runs on
// the node's thread; everything else is the node thread's.
class RecoveryCoordinator {
 public:
  // Reads the previous configuration (the nodes not retired) and the
  // previous service's identity key from the replayed scratch store.
  // Errors: kRecoveryFailed (no identity key, this node is not in the
  // previous configuration), the store's.
  [[nodiscard]] static Result<std::unique_ptr<RecoveryCoordinator>> Make(CoordinatorOptions options,
                                                                         const RecoverResult& recovered,
                                                                         Store& scratch);

  // This node's claim, signed, answering `nonce` (kClaimNonceBytes).
  // Errors: kInvalidArgument (a nonce of another length), kInternal.
  [[nodiscard]] Result<rpc::v1::RecoveryClaim> Answer(std::string_view nonce) const;

  // One line for `client status`: each node's claim and vote. Thread-safe.
  std::string Progress() const;

  // Asks the peers every kRoundMs until this node may open, another node
  // opened, or the deadline passes. Errors (nothing was written):
  //  - kUnavailable "no majority": the deadline passed without votes from
  //    a majority (the message lists what each node claimed and how to
  //    override);
  //  - kRecoveryFailed "longer_ledger": --open-without-majority, but a peer
  //    claims a longer ledger (named, with its version and address);
  //  - kRecoveryFailed "already_recovered": a peer's claim shows a service
  //    endorsed by this one (it was recovered already: opening would fork);
  //  - kRecoveryFailed "conflicting_histories": two claims of one version
  //    with different entries;
  //  - kAborted: stopped.
  [[nodiscard]] Result<CoordinationOutcome> Run();

 private:
  RecoveryCoordinator(CoordinatorOptions options, ServiceKey key, ServiceRecord last_service,
                      coordination::Election election);
  // One request to `peer`: a verified claim is observed (nullopt); a peer
  // that serves the successor of this node's service ends the round in
  // kFollow; a claim that shows this service already recovered ends it in
  // an error.
  std::optional<Result<CoordinationOutcome>> Ask(const std::string& peer, uint64_t now_ms);
  // Requires mu_.
  CoordinationOutcome Following(const std::string& node, const std::string& address, ServiceRecord successor) const;
  // `service_record` (ServiceInfo bytes from a peer) if it is a successor
  // of this node's last service, endorsed by its identity. Errors:
  // kCorruption naming why not.
  Result<ServiceRecord> EndorsedSuccessor(std::string_view service_record) const;
  // Why `service_record` (a ServiceInfo a serving peer sent) is not a
  // successor this node may follow: not endorsed by its last service, or
  // recovered from less than its ledger holds ("longer_ledger: ...").
  // nullopt: it may follow, and `checked` holds the record. Requires mu_.
  std::optional<std::string> CheckSuccessor(std::string_view service_record, ServiceRecord& checked) const;
  // The "already_recovered" message if `service_chain` (a peer's: the
  // node `holder`, now of `holder_service`) holds a successor record
  // endorsed by this node's last service.
  std::optional<std::string> SuccessorIn(const google::protobuf::RepeatedPtrField<std::string>& service_chain,
                                         const std::string& holder, const std::string& holder_service) const;
  // Under mu_: the rule applied to what is known at `now_ms`; nullopt:
  // ask again.
  std::optional<Result<CoordinationOutcome>> Decide(uint64_t now_ms, std::chrono::steady_clock::time_point start);
  // Requires mu_.
  CoordinationOutcome Opening(bool without_majority) const;
  void LogOnce(const std::string& peer, const std::string& kind, const std::string& line);

  const CoordinatorOptions options_;
  const ServiceKey key_;
  const ServiceRecord last_service_;  // the ledger's last ledger.service record
  std::map<std::string, std::unique_ptr<rpc::RpcClient>> clients_;
  std::map<std::string, std::string> last_note_;  // per peer: the kind of the last line logged
  std::map<std::string, rpc::v1::RecoveryClaim> signed_;  // per node: the claim as received
  // Per peer: its last answer said it cannot claim yet. Guarded by mu_.
  std::map<std::string, bool> not_ready_;
  mutable std::mutex mu_;  // guards election_ (Answer reads this node's claim)
  coordination::Election election_;
};

}  // namespace ledgerseal::kv::node

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_RECOVERY_COORDINATOR_H_
