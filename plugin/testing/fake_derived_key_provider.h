// TEST ONLY: a DerivedKeyProvider that returns a fixed key per request,
// computed from a "machine seed" and every request field, so that tests of
// the sealing core do not depend on any real or virtual platform. Changing
// the seed models another chip; changing a request field changes the key,
// as the firmware would. Like the firmware, it refuses a tcb_version above
// the committed one.
#ifndef LEDGERSEAL_PLUGIN_TESTING_FAKE_DERIVED_KEY_PROVIDER_H_
#define LEDGERSEAL_PLUGIN_TESTING_FAKE_DERIVED_KEY_PROVIDER_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "snp/public/derived_key.h"

namespace ledgerseal::testing {

// Thread safety: GetDerivedKey may be called concurrently; the setters may not.
class FakeDerivedKeyProvider final : public snp::DerivedKeyProvider {
 public:
  FakeDerivedKeyProvider(std::string platform_name, std::string machine_seed,
                         uint64_t committed_tcb)
      : platform_name_(std::move(platform_name)),
        machine_seed_(std::move(machine_seed)),
        committed_tcb_(committed_tcb) {}

  // key = HKDF-SHA256(ikm = machine seed, salt = "",
  //                   info = "fake derived key" || root_key || field_select ||
  //                          vmpl || guest_svn || tcb_version (big-endian))
  base::Expected<snp::DerivedKey, snp::DerivedKeyError> GetDerivedKey(
      const snp::DerivedKeyRequest& request) const override;
  std::string_view platform_name() const override { return platform_name_; }
  base::Expected<uint64_t, snp::DerivedKeyError> CommittedTcb() const override;

  // Every later call fails with `code` (std::nullopt: succeed again).
  void FailWith(std::optional<snp::DerivedKeyErrorCode> code) { fail_with_ = code; }
  // A firmware update: raises (or lowers) the committed TCB.
  void set_committed_tcb(uint64_t tcb) { committed_tcb_ = tcb; }
  // Number of GetDerivedKey calls so far.
  int calls() const { return calls_.load(); }

 private:
  std::string platform_name_;
  std::string machine_seed_;
  uint64_t committed_tcb_;
  std::optional<snp::DerivedKeyErrorCode> fail_with_;
  mutable std::atomic<int> calls_{0};
};

}  // namespace ledgerseal::testing

#endif  // LEDGERSEAL_PLUGIN_TESTING_FAKE_DERIVED_KEY_PROVIDER_H_
