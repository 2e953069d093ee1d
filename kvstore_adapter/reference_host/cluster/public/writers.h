// Clients writing to a service while something else happens to it
// (rotations, membership changes, kills): the load of the end-to-end tests
// and of `ledgerseal demo --chaos`, so that no test of the reference host
// runs only on an idle cluster.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_CLUSTER_PUBLIC_WRITERS_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_CLUSTER_PUBLIC_WRITERS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ledgerseal::cluster {

// Every acknowledged write: key -> value, and the newest acked version.
struct AckedWrites {
  std::map<std::string, std::string> values;
  uint64_t max_version = 0;
};

// `count` clients writing blind private puts to `table` through `address`
// in a loop, each on its own connection (following redirects), until
// stopped. Keys are `key_prefix` + "w<client>-<n>"; values are at least
// `value_bytes` long. Every acknowledged write and every error is kept.
// Thread safety: acked() may be called while they write; the rest after
// Stop.
class Writers {
 public:
  Writers(const std::string& address, std::string table, int count, size_t value_bytes = 16,
          std::string key_prefix = "");
  ~Writers() { Stop(); }

  // Idempotent; joins the clients.
  void Stop();
  size_t acked();
  // After Stop.
  const AckedWrites& all_acked() const { return acked_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  AckedWrites acked_;                // guarded by mu_ until Stop
  std::vector<std::string> errors_;  // guarded by mu_ until Stop
  std::vector<std::thread> threads_;
};

}  // namespace ledgerseal::cluster

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_CLUSTER_PUBLIC_WRITERS_H_
