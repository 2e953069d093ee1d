// TEST ONLY: small helpers shared by the sealing tests.
#ifndef LEDGERSEAL_PLUGIN_TESTING_SEALING_TEST_UTIL_H_
#define LEDGERSEAL_PLUGIN_TESTING_SEALING_TEST_UTIL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "plugin/proto/sealing.pb.h"
#include "crypto/testing/deterministic_random.h"
#include "plugin/testing/fake_derived_key_provider.h"

namespace ledgerseal::testing {

inline constexpr uint64_t kTestCommittedTcb = 0x0300000000001234;

// A fake "virtual" platform for machine `machine` (distinct machines give
// distinct keys).
std::unique_ptr<FakeDerivedKeyProvider> MakeProvider(const std::string& machine);

// A deterministic random source seeded with `seed`.
std::unique_ptr<DeterministicRandomSource> MakeRandom(const std::string& seed);

// 32 bytes derived from `tag`, distinct per tag.
kv::SecretBytes MakeLedgerSecret(uint8_t tag);

std::vector<uint8_t> ToVector(std::span<const uint8_t> bytes);

}  // namespace ledgerseal::testing

#endif  // LEDGERSEAL_PLUGIN_TESTING_SEALING_TEST_UTIL_H_
