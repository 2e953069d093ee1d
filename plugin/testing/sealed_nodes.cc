#include "plugin/testing/sealed_nodes.h"

#include <cstdio>
#include <cstdlib>

#include "plugin/public/recovery_key.h"
#include "plugin/public/sealing_key.h"
#include "plugin/testing/sealing_test_util.h"
#include "plugin/testing/service_keys.h"

namespace ledgerseal::testing {
namespace {

sealing::v1::SealedRecoveryKey SealOrDie(const SealedNode& node, crypto::RandomSource& random,
                                         const kv::ServiceIdentity& service) {
  auto request = sealing::DefaultDerivedKeyRequest(*node.provider);
  if (!request) std::abort();
  auto sealed = sealing::SealExistingRecoveryKey(*node.provider, random, *request,
                                                 node.sealing_identity, node.node_id, service,
                                                 *node.private_key);
  if (!sealed) {
    std::fprintf(stderr, "sealing a test node's key: %s\n", sealed.error().ToString().c_str());
    std::abort();
  }
  return std::move(*sealed);
}

}  // namespace

sealing::v1::SealedRecoveryKey SealedNode::SealedFor(const kv::ServiceIdentity& service) const {
  auto random = MakeRandom("reseal " + sealing_identity + " for " + service.service_id);
  return SealOrDie(*this, *random, service);
}

std::vector<SealedNode> MakeSealedNodes(size_t count, uint8_t service_key) {
  std::vector<SealedNode> nodes;
  auto random = MakeRandom("sealed nodes");
  for (size_t i = 0; i < count; ++i) {
    SealedNode node;
    node.sealing_identity = "node-" + std::to_string(i);
    node.node_id = "n" + std::to_string(i);
    node.provider = MakeProvider("m" + std::to_string(i));
    auto key = crypto::EcdhPrivateKey::Generate();
    if (!key) std::abort();
    node.private_key = std::make_shared<const crypto::EcdhPrivateKey>(std::move(*key));
    node.recovery_key = SealOrDie(node, *random, TestServiceIdentity(service_key));
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
