#include "plugin/testing/sealed_nodes.h"

#include <cstdio>
#include <cstdlib>

#include "plugin/public/recovery_key.h"
#include "plugin/public/sealing_key.h"
#include "plugin/testing/sealing_test_util.h"

namespace ledgerseal::testing {

std::vector<SealedNode> MakeSealedNodes(size_t count, size_t rsa_bits) {
  std::vector<SealedNode> nodes;
  auto random = MakeRandom("sealed nodes");
  for (size_t i = 0; i < count; ++i) {
    SealedNode node;
    node.sealing_identity = "node-" + std::to_string(i);
    node.node_id = "n" + std::to_string(i);
    node.provider = MakeProvider("m" + std::to_string(i));
    auto request = sealing::DefaultDerivedKeyRequest(*node.provider);
    if (!request) std::abort();
    auto sealed = sealing::SealRecoveryKey(*node.provider, *random, *request, node.sealing_identity,
                                           node.node_id, rsa_bits);
    if (!sealed) {
      std::fprintf(stderr, "MakeSealedNodes: %s\n", sealed.error().ToString().c_str());
      std::abort();
    }
    node.recovery_key = std::move(*sealed);
    nodes.push_back(std::move(node));
  }
  return nodes;
}

std::vector<sealing::ShareRecipient> RecipientsOf(const std::vector<SealedNode>& nodes,
                                                  size_t count) {
  std::vector<sealing::ShareRecipient> out;
  for (size_t i = 0; i < count && i < nodes.size(); ++i) out.push_back(nodes[i].AsRecipient());
  return out;
}

}  // namespace ledgerseal::testing
