// What a host tells transaction hooks about a transaction beyond its writes:
// the ledger secret in force, and the membership the transaction leaves.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_COMMIT_CONTEXT_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_COMMIT_CONTEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv {

// A node of the service as hooks see it.
struct NodeMember {
  std::string node_id;
  std::string sealing_identity;  // empty: the node has none
  // Opaque bytes the node sent for plugins when it joined (the sealing
  // plugin's sealed recovery key); empty if none.
  Bytes join_payload;
};

// Filled by the host on the primary before the transaction hooks run; valid
// for the duration of the hook calls only. A host that cannot tell leaves
// the defaults (no secret, no membership): hooks must then do nothing.
struct CommitContext {
  std::string service_id;
  // The ledger secret in force for the versions after this transaction: the
  // NEW one when the transaction rotates it. Never copied to logs. nullptr
  // when the host does not expose it.
  const SecretBytes* ledger_secret = nullptr;
  uint64_t ledger_secret_version = 0;
  bool rotates_ledger_secret = false;
  // The trusted nodes once this transaction commits (its own membership
  // changes applied), sorted by node id. A host may leave it empty unless
  // the transaction rotates the secret, changes the trusted nodes, admits a
  // node or starts a recovered service (the cases hooks act on), so that
  // ordinary commits do not pay for reading the membership.
  std::vector<NodeMember> trusted_nodes;
  bool trusted_nodes_changed = false;  // trusted, retired or removed a node
  std::optional<NodeMember> joining_node;  // the node this transaction admits
  // The first transaction of a service recovered from an old ledger.
  bool recovery = false;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_COMMIT_CONTEXT_H_
