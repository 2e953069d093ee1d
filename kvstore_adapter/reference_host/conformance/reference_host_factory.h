// TEST ONLY: the host conformance suite's factory for the REFERENCE host
// (kvstore_adapter/conformance/host_conformance.h). It runs real
// reference-host nodes in-process — RunNode on a thread, real Raft over
// loopback TCP, real RocksDB and ledger files under the test's directory —
// and drives them only through their RPCs, i.e. the host's production paths:
//
//   StartService  a genesis node (RunNode, StartMode::kStart, no join
//                 address) presenting the genesis payload, with a fresh
//                 HookRegistry the suite's RegisterHooks fills first;
//   Put / Get     the Put / Get RPCs on the private table "conformance.data";
//   Rotate        the Rotate RPC;
//   AdmitAndTrust a real joiner: RunNode with join_address = the leader,
//                 presenting the payload (the leader admits it in a
//                 transaction, it copies the ledger and becomes a Raft
//                 voter), then the Trust RPC. A node that never ran would
//                 not do: the leader's background promotion of it to voter
//                 never completes and blocks every later Raft configuration
//                 change (its own retirement included) until Raft gives the
//                 promotion up, about 5 s per attempt, retried for 60 s;
//   Retire        the Retire RPC; a joiner retired so is then stopped;
//   LastVersion   the status RPC's applied version;
//   Stop          sets every node's stop flag, then joins their threads. A
//                 CLEAN stop (RPC, service, then Raft shut down in order;
//                 the store syncs every write, so there is nothing left to
//                 flush anyway): the kill -9 cases are covered by the
//                 end-to-end tests with real processes (integration/e2e);
//   Fingerprint   SHA-256 over every file and directory under the
//                 service's directory, i.e. every node's data directory
//                 (relative paths, sorted, and file bytes);
//   Recover       RunNode with StartMode::kRecover on the genesis node's
//                 data directory (same node id and join payload, new ports),
//                 with a fresh HookRegistry the suite's RegisterHooks fills:
//                 RunNode's own error when it refuses the recovery.
//
// Every wait is bounded (in_process_node.h: kReadyTimeoutMs,
// kStopTimeoutMs; RPCs by the client's timeouts) and every node thread is
// joined, also on failure.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_CONFORMANCE_REFERENCE_HOST_FACTORY_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_CONFORMANCE_REFERENCE_HOST_FACTORY_H_

#include <filesystem>
#include <memory>

#include "kvstore_adapter/conformance/host_conformance.h"

namespace ledgerseal::kv::conformance {

// Not thread-safe: the suite drives one factory from its test's thread.
// Create it inside a test (the suite's fixture does, in SetUp): its nodes'
// data directories live under ledgerseal::testing::TestDir() of that test,
// taken at the first StartService.
class ReferenceHostFactory final : public HostFactory {
 public:
  ReferenceHostFactory() = default;

  // A new one-node service (the node leads it); see the file comment.
  // Errors: those of `hooks`; RunNode's error if the node fails to start;
  // kUnavailable if it is not ready within kReadyTimeoutMs; kIoError (no
  // free port).
  Result<std::unique_ptr<HostUnderTest>> StartService(const RegisterHooks& hooks,
                                                      const Bytes& genesis_join_payload) override;

  // Stops `host` (a host of this factory; kInvalidArgument otherwise) and
  // returns its data directory as a StoppedHost. Errors: RunNode's error
  // if the node had failed while running (it is stopped all the same).
  Result<std::unique_ptr<StoppedHost>> Stop(std::unique_ptr<HostUnderTest> host) override;

  // Recovers `stopped` (a StoppedHost of this factory) in place: the node's
  // data directory becomes the recovered service's node. On failure the
  // node is stopped and joined, and RunNode's error is returned as is (a
  // refused recovery leaves the data directory as it was: that is the
  // host's duty, which the suite checks with Fingerprint).
  Result<std::unique_ptr<HostUnderTest>> Recover(StoppedHost& stopped, const RegisterHooks& hooks) override;

 private:
  // ledgerseal::testing::TestDir(), taken at the first StartService; one
  // service-N directory per service below it.
  std::filesystem::path root_;
};

}  // namespace ledgerseal::kv::conformance

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_CONFORMANCE_REFERENCE_HOST_FACTORY_H_
