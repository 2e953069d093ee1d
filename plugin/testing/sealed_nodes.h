// TEST ONLY: a set of nodes, each on its own fake platform with a sealed
// recovery key — the expensive part of every shares test, built once.
#ifndef LEDGERSEAL_PLUGIN_TESTING_SEALED_NODES_H_
#define LEDGERSEAL_PLUGIN_TESTING_SEALED_NODES_H_

#include <memory>
#include <string>
#include <vector>

#include "plugin/public/sealed_shares.h"
#include "plugin/testing/fake_derived_key_provider.h"

namespace ledgerseal::testing {

struct SealedNode {
  std::string sealing_identity;                      // "node-<i>"
  std::string node_id;                               // "n<i>"
  std::unique_ptr<FakeDerivedKeyProvider> provider;  // machine "m<i>"
  sealing::v1::SealedRecoveryKey recovery_key;

  sealing::ShareRecipient AsRecipient() const { return {sealing_identity, node_id, recovery_key}; }
};

// `count` nodes with RSA keys of `rsa_bits`; aborts on failure (fixtures).
std::vector<SealedNode> MakeSealedNodes(size_t count, size_t rsa_bits);

std::vector<sealing::ShareRecipient> RecipientsOf(const std::vector<SealedNode>& nodes,
                                                  size_t count);

}  // namespace ledgerseal::testing

#endif  // LEDGERSEAL_PLUGIN_TESTING_SEALED_NODES_H_
