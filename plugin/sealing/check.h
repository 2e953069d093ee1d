// Internal: invariant checks. A failed check is a bug in ledgerseal, not a
// bad input (inputs are reported as typed errors), so it stops the process
// before a wrong size can reach the ledger.
#ifndef LEDGERSEAL_PLUGIN_SEALING_CHECK_H_
#define LEDGERSEAL_PLUGIN_SEALING_CHECK_H_

namespace ledgerseal::sealing::internal {

[[noreturn]] void CheckFailed(const char* condition, const char* file, int line);

#define LEDGERSEAL_CHECK(condition)                                                 \
  do {                                                                              \
    if (!(condition))                                                               \
      ::ledgerseal::sealing::internal::CheckFailed(#condition, __FILE__, __LINE__); \
  } while (false)

}  // namespace ledgerseal::sealing::internal

#endif  // LEDGERSEAL_PLUGIN_SEALING_CHECK_H_
