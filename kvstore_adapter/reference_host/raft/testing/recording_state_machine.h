// A real, trivial StateMachine for tests: it appends every command to a list
// and answers with the command's 1-based position (8 bytes, little endian).
// Commands starting with "reject:" are refused deterministically (kAborted,
// state unchanged). A fatal kIoError can be injected at a given position.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_TESTING_RECORDING_STATE_MACHINE_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_TESTING_RECORDING_STATE_MACHINE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "kvstore_adapter/reference_host/raft/public/state_machine.h"

namespace ledgerseal::replication::testing {

// Thread safety: the StateMachine methods run on one (loop) thread; the
// inspection methods may be called from any thread.
class RecordingStateMachine : public StateMachine {
 public:
  kv::Result<kv::Bytes> Apply(kv::ByteView command) override;
  kv::Result<kv::Bytes> Snapshot() override;
  kv::Status Restore(kv::ByteView snapshot) override;

  // The next Apply that would record command number `position` (1-based)
  // fails with kIoError instead (0: never).
  void FailAtPosition(uint64_t position);
  // Every later Restore fails with kCorruption.
  void FailRestores();

  std::vector<std::string> commands() const;
  uint64_t size() const;
  uint64_t apply_calls() const;  // including refused and failed ones
  uint64_t restores() const;
  uint64_t snapshots() const;  // Snapshot calls
  // Waits until at least `n` commands are recorded; false on timeout.
  bool WaitForSize(uint64_t n, std::chrono::milliseconds timeout) const;

  // Position encoded in an Apply outcome.
  static uint64_t DecodePosition(const kv::Bytes& outcome);

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::vector<std::string> commands_;  // guarded by mu_
  uint64_t apply_calls_ = 0;           // guarded by mu_
  uint64_t restores_ = 0;              // guarded by mu_
  uint64_t snapshots_ = 0;             // guarded by mu_
  uint64_t fail_at_ = 0;               // guarded by mu_
  bool fail_restores_ = false;         // guarded by mu_
};

}  // namespace ledgerseal::replication::testing

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_TESTING_RECORDING_STATE_MACHINE_H_
