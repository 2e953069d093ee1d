// TEST ONLY: clients writing to a service while a test does something else
// to it (rotations, membership changes), so no test of the reference host
// runs on an idle cluster.
#ifndef LEDGERSEAL_INTEGRATION_E2E_WRITERS_H_
#define LEDGERSEAL_INTEGRATION_E2E_WRITERS_H_

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "integration/e2e/e2e_util.h"

namespace ledgerseal::e2e {

// `count` clients writing blind private puts to `table` through `address`
// in a loop, each on its own connection (following redirects), until
// stopped; every acknowledged write and every error is kept.
class Writers {
 public:
  Writers(const std::string& address, std::string table, int count, size_t value_bytes = 16);
  ~Writers() { Stop(); }

  void Stop();
  size_t acked();
  // After Stop.
  const Acked& all_acked() const { return acked_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  Acked acked_;                      // guarded by mu_ until Stop
  std::vector<std::string> errors_;  // guarded by mu_ until Stop
  std::vector<std::thread> threads_;
};

}  // namespace ledgerseal::e2e

#endif  // LEDGERSEAL_INTEGRATION_E2E_WRITERS_H_
