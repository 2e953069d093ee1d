// Whether each Raft voter is keeping up, as `ledgerseal client status` shows
// it: a voter that stopped (crashed, paused, cut off) no longer counts
// towards the service's fault tolerance, and this is where an operator sees
// it (docs/REFERENCE_HOST.md, "Health").
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_VOTER_HEALTH_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_VOTER_HEALTH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/proto/ledger.pb.h"
#include "kvstore_adapter/reference_host/rpc/proto/rpc.pb.h"

namespace ledgerseal::kv::node {

// A voter further behind the answering node than this is "lagging": a few
// Raft round trips' worth of commits is normal, thousands is a node that
// stopped or cannot keep up.
inline constexpr uint64_t kHealthyLagVersions = 1'000;
// How long a voter has to answer before it is reported unreachable.
inline constexpr int kVoterStatusTimeoutMs = 1'000;

struct SelfStatus {
  std::string node_id;
  std::string service_id;
  Version applied_version = kNoVersion;
};

// One VoterStatus per raft id in `voter_raft_ids`, in that order: the
// answering node from `self`, the others by a status RPC to the rpc address
// their membership record (`nodes`) gives, each bounded by
// kVoterStatusTimeoutMs. Never fails: what cannot be learnt is reported as
// the voter's problem. Thread safety: reentrant (one RPC client per call).
std::vector<rpc::v1::VoterStatus> GatherVoterStatus(const SelfStatus& self, uint64_t self_raft_id,
                                                    const std::vector<uint64_t>& voter_raft_ids,
                                                    const std::vector<::ledgerseal::ledger::v1::NodeInfo>& nodes);

}  // namespace ledgerseal::kv::node

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_VOTER_HEALTH_H_
