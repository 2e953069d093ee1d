// TEST ONLY: a set of nodes, each on its own fake platform with a sealed
// recovery key bound to a test service identity — the expensive part of
// every shares test, built once.
#ifndef LEDGERSEAL_PLUGIN_TESTING_SEALED_NODES_H_
#define LEDGERSEAL_PLUGIN_TESTING_SEALED_NODES_H_

#include <memory>
#include <string>
#include <vector>

#include "crypto/public/ecies.h"
#include "kvstore_adapter/public/service_identity.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/testing/fake_derived_key_provider.h"

namespace ledgerseal::testing {

struct SealedNode {
  std::string sealing_identity;                      // "node-<i>"
  std::string node_id;                               // "n<i>"
  std::unique_ptr<FakeDerivedKeyProvider> provider;  // machine "m<i>"
  std::shared_ptr<const crypto::EcdhPrivateKey> private_key;
  sealing::v1::SealedRecoveryKey recovery_key;  // bound to the service given at creation

  sealing::ShareRecipient AsRecipient() const { return {sealing_identity, node_id, recovery_key}; }

  // The same key pair sealed again on the node's platform, bound to
  // `service` (as a node reseals its one key for a new service). Aborts on
  // failure (fixtures).
  sealing::v1::SealedRecoveryKey SealedFor(const kv::ServiceIdentity& service) const;
};

// `count` nodes with P-256 recovery keys, bound to
// TestServiceIdentity(service_key); aborts on failure (fixtures).
std::vector<SealedNode> MakeSealedNodes(size_t count, uint8_t service_key = 1);

std::vector<sealing::ShareRecipient> RecipientsOf(const std::vector<SealedNode>& nodes,
                                                  size_t count);

}  // namespace ledgerseal::testing

#endif  // LEDGERSEAL_PLUGIN_TESTING_SEALED_NODES_H_
