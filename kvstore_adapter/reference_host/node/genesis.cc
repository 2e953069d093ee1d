// Genesis: a node with no join address starts a new service — it
// bootstraps a one-voter Raft configuration, waits to lead, and commits the
// service record and itself under a fresh service id and the first secret.
#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "kvstore_adapter/reference_host/node/node.h"

namespace ledgerseal::kv::node {

Status Node::Genesis() {
  if (auto s = OpenStore(); !s) return s;
  if (auto s = OpenStateMachine(); !s) return s;
  if (auto s = StartRaft(1, /*bootstrap=*/true); !s) return s;
  if (auto s = WaitUntilPrimary(); !s) return s;
  // The service's identity: its id is a commitment to the key; the key
  // lives in memory and, encrypted, in the private domain.
  auto key = ServiceKey::Generate();
  if (!key) return std::unexpected(key.error());
  const std::string service_id = key->identity().service_id;
  auto payload = JoinPayloadFor(key->identity());
  if (!payload) return std::unexpected(payload.error());
  auto tx = host_->BeginTransaction();
  if (!tx) return std::unexpected(tx.error());
  if (auto s = membership::PutService(**tx, membership::NewServiceRecord(key->identity(), 1)); !s) return s;
  if (auto s = membership::PutServiceKey(**tx, *key); !s) return s;
  if (auto s = membership::PutNode(**tx, SelfRecord(1, service_id, *payload)); !s) return s;
  auto version = host_->CommitWith(std::move(*tx), {.rotate_secret = true,
                                                    .trusted_nodes_changed = true,
                                                    .new_service_id = service_id,
                                                    .new_service_key = &*key});
  if (!version) return std::unexpected(version.error());
  Log("started service " + service_id + " (genesis at version " + std::to_string(*version) + ")");
  return {};
}

}  // namespace ledgerseal::kv::node
