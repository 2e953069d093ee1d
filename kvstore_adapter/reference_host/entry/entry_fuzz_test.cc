// Fuzz target: ledger entries are read back from disk (and received from the
// leader); any bytes must decode to a typed error or to an entry, and
// verification under a secret must refuse whatever was not sealed with it.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kvstore_adapter/public/commit_context.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace kv = ::ledgerseal::kv;
  const kv::ByteView bytes(data, size);
  auto view = kv::entry::DecodePublic(bytes);
  if (view) (void)view->public_writes.size();
  const kv::SecretBytes secret(std::vector<uint8_t>(kv::kLedgerSecretBytes, 0x42));
  auto verified =
      kv::entry::DecodeAndVerifyWith(bytes, [&](uint64_t) { return kv::Result<kv::SecretBytes>(secret.Clone()); });
  // Random bytes never authenticate under a fixed secret.
  if (verified && size > 0) __builtin_trap();
  return 0;
}
