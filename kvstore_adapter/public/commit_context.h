// What a host tells transaction hooks about a transaction beyond its writes:
// the ledger secret in force, and the membership the transaction leaves.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_COMMIT_CONTEXT_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_COMMIT_CONTEXT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv {

// The size of every ledger secret, in bytes. A host makes ledger secrets of
// exactly this size (AES-256 keys) and refuses any other size from any
// source (rotation, join, recovery hook).
inline constexpr size_t kLedgerSecretBytes = 32;

// A node of the service as hooks see it.
struct NodeMember {
  std::string node_id;
  std::string sealing_identity;  // empty: the node has none
  // Opaque bytes the node presented for plugins when it joined or started
  // the service (the sealing plugin's sealed recovery key). The host's duty:
  // carry a joiner's payload to the primary with its join request, keep it
  // with the node's membership record (it is public), and hand it back here
  // for every trusted node. Empty if the node presented none.
  Bytes join_payload;
};

// An operator's request to one plugin, which the host carries without
// knowing what it means (e.g. a change of the sealing plugin's recovery
// members, docs/RECOVERY_SHARES.md): `plugin` names the plugin's request
// kind, `payload` is its bytes. It always comes with a rotation of the
// ledger secret in the same transaction (CommitOptions::plugin_request).
struct PluginRequest {
  std::string plugin;
  Bytes payload;
};

// Filled by the host on the primary for EVERY commit, before the transaction
// hooks run; valid for the duration of the hook calls only. Filling it is a
// hosting duty, not an option: a hook that finds no ledger secret here
// refuses the transaction (kInvalidArgument), so a host that forgets it
// fails loudly instead of silently committing without sealing.
//
// The host's duty for older secrets: when it rotates, it must keep every
// earlier secret recoverable from the ledger under the newer one (the
// reference host writes a chain link, docs/FORMAT.md), because recovery
// hooks return only the newest secret and replay needs all of them.
struct CommitContext {
  std::string service_id;
  // The ledger secret in force for the versions after this transaction: the
  // NEW one when the transaction rotates it (kLedgerSecretBytes bytes).
  // Never copied to logs. Never null in a context the host filled.
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
  // The request this transaction carries, if any (always a rotating one).
  // A hook that does not know `plugin` ignores it; the hook that does
  // applies it in this transaction, or refuses the transaction (an error
  // from OnCommit: nothing commits) when it is invalid.
  std::optional<PluginRequest> plugin_request;
  // Signs as the service identity whose id is `service_id` (for the
  // recovery commit: the NEW service's identity). Filled in every context
  // whose trusted_nodes must be filled; hooks that sign records refuse a
  // transaction without it (kInvalidArgument). Owned by the host.
  const ServiceSigner* service_signer = nullptr;

  // Optional, for hooks that prepare the next rotation's records ahead of
  // it (docs/ARCHITECTURE.md, "Signing ahead"): the ledger secret this host
  // will put in force at its NEXT rotation, version ledger_secret_version +
  // 1, drawn now and kept in memory until then, and the signer of the
  // service that will sign that rotation; both shared, so that a hook may
  // use them after it returns, on another thread. A host that sets it puts
  // exactly this secret in force if it makes that rotation, and uses it for
  // one rotation attempt at most; any other rotation (another leader's, a
  // recovery) draws its own. A hook never relies on it: it uses what it
  // prepared only for the secret actually in force at that commit. Never
  // copied to logs. Unset: hooks do all their work at commit.
  // The signer must allow Sign calls from any thread, concurrently.
  struct NextRotation {
    uint64_t ledger_secret_version = 0;                // ledger_secret_version + 1
    std::shared_ptr<const SecretBytes> ledger_secret;  // kLedgerSecretBytes
    std::shared_ptr<const ServiceSigner> signer;
  };
  std::optional<NextRotation> next_rotation;
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_PUBLIC_COMMIT_CONTEXT_H_
