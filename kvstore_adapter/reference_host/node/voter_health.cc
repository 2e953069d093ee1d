#include "kvstore_adapter/reference_host/node/voter_health.h"

#include "kvstore_adapter/reference_host/rpc/public/rpc_client.h"

namespace ledgerseal::kv::node {
namespace {

namespace pb = ::ledgerseal::ledger::v1;

// Health from what a reachable voter reported.
void Judge(rpc::v1::VoterStatus& out, const SelfStatus& self, const std::string& service_id) {
  if (service_id != self.service_id) {
    out.set_problem("serves service " + service_id + ", not " + self.service_id);
  } else if (out.applied_version() + kHealthyLagVersions < self.applied_version) {
    out.set_problem("lagging: " + std::to_string(self.applied_version - out.applied_version()) +
                    " versions behind");
  }
  out.set_healthy(out.problem().empty());
}

}  // namespace

std::vector<rpc::v1::VoterStatus> GatherVoterStatus(const SelfStatus& self, uint64_t self_raft_id,
                                                    const std::vector<uint64_t>& voter_raft_ids,
                                                    const std::vector<pb::NodeInfo>& nodes) {
  std::vector<rpc::v1::VoterStatus> out;
  for (uint64_t raft_id : voter_raft_ids) {
    rpc::v1::VoterStatus& v = out.emplace_back();
    v.set_raft_id(raft_id);
    if (raft_id == self_raft_id) {
      v.set_node_id(self.node_id);
      v.set_reachable(true);
      v.set_applied_version(self.applied_version);
      Judge(v, self, self.service_id);
      continue;
    }
    const pb::NodeInfo* record = nullptr;
    for (const auto& n : nodes) {
      if (n.raft_id() == raft_id && n.status() != pb::NodeInfo::RETIRED) record = &n;
    }
    if (record == nullptr) {
      v.set_problem("no live membership record has raft id " + std::to_string(raft_id));
      continue;
    }
    v.set_node_id(record->node_id());
    v.set_rpc_address(record->rpc_address());
    rpc::RpcClient client(record->rpc_address(), {.connect_timeout_ms = kVoterStatusTimeoutMs,
                                                   .request_timeout_ms = kVoterStatusTimeoutMs,
                                                   .max_redirects = 0});
    auto status = client.GetStatus();
    if (!status) {
      v.set_problem("unreachable: " + status.error().message);
      continue;
    }
    v.set_reachable(true);
    v.set_applied_version(status->applied_version());
    Judge(v, self, status->service_id());
  }
  return out;
}

}  // namespace ledgerseal::kv::node
