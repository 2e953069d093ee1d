// Always-on checks for invariants and security postconditions.
//
// A failed check is a bug in ledgerseal, never a bad input (inputs are
// reported as typed errors), so it stops the process before a wrong value can
// reach the ledger or a caller. Unlike assert(), LEDGERSEAL_CHECK stays in
// -c opt builds: a postcondition that guards security or data (an entry was
// authenticated, a key has its size) must hold in production too.
#ifndef LEDGERSEAL_BASE_CHECK_H_
#define LEDGERSEAL_BASE_CHECK_H_

namespace ledgerseal::base {

// Prints "ledgerseal: check failed: <condition> at <file>:<line>" to stderr
// and aborts. Never returns.
[[noreturn]] void CheckFailed(const char* condition, const char* file, int line);

}  // namespace ledgerseal::base

#define LEDGERSEAL_CHECK(condition)                                       \
  do {                                                                    \
    if (!(condition)) [[unlikely]]                                        \
      ::ledgerseal::base::CheckFailed(#condition, __FILE__, __LINE__);    \
  } while (false)

#endif  // LEDGERSEAL_BASE_CHECK_H_
