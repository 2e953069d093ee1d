// Genesis: a node with no join address starts a new service — it
// bootstraps a one-voter Raft configuration, waits to lead, and commits the
// service record and itself under a fresh service id and the first secret.
#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/node/node.h"

namespace ledgerseal::kv::node {

namespace pb = ::ledgerseal::ledger::v1;

Status Node::Genesis() {
  if (auto s = OpenStore(); !s) return s;
  if (auto s = OpenStateMachine(); !s) return s;
  if (auto s = StartRaft(1, /*bootstrap=*/true); !s) return s;
  if (auto s = WaitUntilPrimary(); !s) return s;
  auto new_id = NewServiceId();
  if (!new_id) return std::unexpected(new_id.error());
  const std::string service_id = *new_id;
  auto tx = host_->BeginTransaction();
  if (!tx) return std::unexpected(tx.error());
  pb::ServiceInfo service;
  service.set_service_id(service_id);
  service.set_created_at_version(1);
  if (auto s = membership::PutService(**tx, service); !s) return s;
  if (auto s = membership::PutNode(**tx, SelfRecord(1, service_id)); !s) return s;
  auto version = host_->CommitWith(std::move(*tx), {.rotate_secret = true,
                                                    .trusted_nodes_changed = true,
                                                    .new_service_id = service_id});
  if (!version) return std::unexpected(version.error());
  Log("started service " + service_id + " (genesis at version " + std::to_string(*version) + ")");
  return {};
}

}  // namespace ledgerseal::kv::node
