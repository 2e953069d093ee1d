#include "plugin/testing/sealing_test_util.h"

#include <cstdlib>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::testing {

std::unique_ptr<FakeDerivedKeyProvider> MakeProvider(const std::string& machine) {
  return std::make_unique<FakeDerivedKeyProvider>("virtual", "machine secret of " + machine,
                                                  kTestCommittedTcb);
}

std::unique_ptr<DeterministicRandomSource> MakeRandom(const std::string& seed) {
  auto random = DeterministicRandomSource::Create(kv::AsBytes(seed));
  if (!random) std::abort();  // cannot happen with a non-empty seed
  return std::move(*random);
}

kv::SecretBytes MakeLedgerSecret(uint8_t tag) {
  kv::SecretBytes secret(32);
  for (size_t i = 0; i < secret.size(); ++i) {
    secret.mutable_bytes()[i] = static_cast<uint8_t>(tag * 31 + i);
  }
  return secret;
}

std::vector<uint8_t> ToVector(std::span<const uint8_t> bytes) {
  return {bytes.begin(), bytes.end()};
}

}  // namespace ledgerseal::testing
