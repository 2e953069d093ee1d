// Prints a complete example of the sealed formats as hex, for people writing
// an independent implementation of docs/FORMAT.md: the platform's derived
// key, the service identity (P-256 test key 1), one SealedRecoveryKey bound
// to it and the signed sealing.shares value that seals a known ledger secret
// for it. Uses the test fake platform and test keys; insecure by design:
// every key and secret it prints (derived key, ledger secret, identity key)
// is a fixed TEST value from plugin/testing, never one of a real platform or
// service, and the target is testonly. The record bytes it prints are public.
//
//   bazel run //plugin:format_example
#include <cstdio>

#include "kvstore_adapter/public/types.h"
#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/public/sealing_key.h"
#include "base/testing/hex.h"
#include "plugin/testing/sealed_nodes.h"
#include "plugin/testing/sealing_test_util.h"
#include "plugin/testing/service_keys.h"

namespace ledgerseal::testing {
namespace {

int Run() {
  auto nodes = MakeSealedNodes(1);
  const SealedNode& node = nodes[0];
  auto request = sealing::ToDerivedKeyRequest(node.recovery_key.derivation());
  auto derived_key =
      request ? node.provider->GetDerivedKey(*request) : std::unexpected(snp::DerivedKeyError{});
  const kv::SecretBytes secret = MakeLedgerSecret(1);
  auto random = MakeRandom("format example");
  const kv::ServiceKey& service = TestServiceKey(1);
  auto shares = sealing::SealShares(*random, service, 42, secret, RecipientsOf(nodes, 1));
  if (!derived_key || !shares) {
    std::fprintf(stderr, "format_example: sealing failed\n");
    return 1;
  }
  auto shares_bytes = sealing::SerializeRecord(*shares);
  auto key_bytes = sealing::SerializeRecord(node.recovery_key);
  if (!shares_bytes || !key_bytes) return 1;
  std::printf("sealing_identity: %s\n", node.sealing_identity.c_str());
  std::printf("derived_key: %s\n", ToHex(derived_key->bytes()).c_str());
  std::printf("ledger_secret: %s\n", ToHex(secret.bytes()).c_str());
  std::printf("service_identity_pkcs8: %s\n", ToHex(TestServiceKeyPkcs8(1)).c_str());
  std::printf("service_identity_spki: %s\n", ToHex(service.identity().public_key_der).c_str());
  std::printf("service_id: %s\n", service.identity().service_id.c_str());
  std::printf("sealed_recovery_key: %s\n", ToHex(*key_bytes).c_str());
  std::printf("sealed_shares_body: %s\n", ToHex(kv::AsBytes(shares->body())).c_str());
  std::printf("sealed_shares_signature: %s\n", ToHex(kv::AsBytes(shares->signature())).c_str());
  std::printf("sealed_shares: %s\n", ToHex(*shares_bytes).c_str());
  return 0;
}

}  // namespace
}  // namespace ledgerseal::testing

int main() { return ledgerseal::testing::Run(); }
