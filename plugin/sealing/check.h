// Internal: invariant checks. A failed check is a bug in ledgerseal, not a
// bad input (inputs are reported as typed errors), so it stops the process
// before a wrong size can reach the ledger.
#ifndef LEDGERSEAL_PLUGIN_SEALING_CHECK_H_
#define LEDGERSEAL_PLUGIN_SEALING_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "kvstore_adapter/public/secret_bytes.h"

namespace ledgerseal::sealing::internal {

[[noreturn]] void CheckFailed(const char* condition, const char* file, int line);

#define LEDGERSEAL_CHECK(condition)                                                 \
  do {                                                                              \
    if (!(condition))                                                               \
      ::ledgerseal::sealing::internal::CheckFailed(#condition, __FILE__, __LINE__); \
  } while (false)

// A fixed-extent view of `bytes`, whose size must be N (checked).
template <size_t N>
std::span<const uint8_t, N> FixedView(std::span<const uint8_t> bytes) {
  LEDGERSEAL_CHECK(bytes.size() == N);
  return std::span<const uint8_t, N>(bytes.data(), N);
}

template <size_t N>
std::span<const uint8_t, N> FixedView(const kv::SecretBytes& bytes) {
  return FixedView<N>(bytes.bytes());
}

}  // namespace ledgerseal::sealing::internal

#endif  // LEDGERSEAL_PLUGIN_SEALING_CHECK_H_
