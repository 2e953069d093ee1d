// Fuzz target: a recovery claim is what a peer (or a host in the middle)
// answers a recovering node; any bytes must parse to a claim that verifies
// or give a typed error, never a crash. The input is the RecoveryClaim
// message; a fixed identity and nonce stand for the recovering node's.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "kvstore_adapter/host_support/public/service_key.h"
#include "kvstore_adapter/reference_host/coordination/public/claim.h"

namespace {

const ledgerseal::kv::ServiceKey& Key() {
  static const ledgerseal::kv::ServiceKey* key = [] {
    auto made = ledgerseal::kv::ServiceKey::Generate();
    if (!made) std::abort();
    return new ledgerseal::kv::ServiceKey(std::move(*made));
  }();
  return *key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace kv = ::ledgerseal::kv;
  // Invalid UTF-8 in string fields is refused by the parser; not worth a log line per input.
  static const google::protobuf::LogSilencer silence;
  ledgerseal::rpc::v1::RecoveryClaim claim;
  if (!claim.ParseFromArray(data, static_cast<int>(size))) return 0;
  const kv::Bytes nonce(kv::coordination::kClaimNonceBytes, 7);
  // Random bytes never carry a valid signature: a claim that verifies here
  // would be a forgery.
  if (kv::coordination::VerifyClaim(Key().identity(), claim, nonce)) __builtin_trap();
  // Only the service id and nonce checks before the signature: with both
  // right the signature must still refuse it.
  claim.set_service_id(Key().identity().service_id);
  claim.set_nonce(std::string(nonce.begin(), nonce.end()));
  if (kv::coordination::VerifyClaim(Key().identity(), claim, nonce)) __builtin_trap();
  return 0;
}
