// TEST ONLY: the host conformance suite. A ledger that hosts the plugin
// proves it does its hosting duties (kvstore_adapter/public/*.h,
// docs/HOSTING.md) by instantiating this suite with a HostFactory:
//
//   INSTANTIATE_HOST_CONFORMANCE(MyHost, [] { return std::make_unique<MyFactory>(); });
//
// in a cc_test that depends on //kvstore_adapter/conformance:host_conformance
// and //third_party:gtest_main (kvstore_adapter/local_host/
// local_host_conformance_test.cc is a complete example). The suite's cases
// are in host_conformance.cc (commits) and recovery_conformance.cc; its test
// plugin in test_hooks.h. The whole suite makes 10 StartService, 9 Stop and
// 12 Recover calls (5 of them refused), so a host's costs stay bounded.
//
// The suite drives the host only through the factory below and checks,
// with test hooks registered through kv::HookRegistrar, that:
//  - the commit context is filled on every commit (a ledger secret of
//    kLedgerSecretBytes, its version, the service id) and, for rotations and
//    membership changes, says so and lists the trusted nodes with their join
//    payloads;
//  - what a transaction hook writes commits in the SAME transaction as the
//    rotation or membership change it reacts to;
//  - recovery hooks run before replay, each with a fresh backwards reader
//    positioned at the newest entry; kNotFound chains to the next hook; any
//    other error stops recovery and writes nothing; a hook's
//    found_at_version outside 1..(the last version) is refused
//    (kRecoveryFailed naming the hook) and writes nothing; a wrong secret is
//    refused (by replay, kRecoveryFailed, when there is no chain to unwind)
//    and writes nothing;
//  - older secrets are recovered from the ledger (only the newest comes from
//    the hook), and OnRecovered runs in the recovered service's first
//    transaction with CommitContext::recovery set.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_CONFORMANCE_HOST_CONFORMANCE_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_CONFORMANCE_HOST_CONFORMANCE_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "kvstore_adapter/public/host.h"

namespace ledgerseal::kv::conformance {

// The private table HostUnderTest::Put and Get use.
inline constexpr Table kDataTable{"conformance.data", Domain::kPrivate};

// Registers a plugin's hooks (the suite's test hooks, test_hooks.h) with a
// host, before the host's first commit or recovery.
using RegisterHooks = std::function<Status(HookRegistrar&)>;

// A running host, primary of its service. Every operation goes through the
// host's own production path (its commit path, its membership records).
class HostUnderTest {
 public:
  virtual ~HostUnderTest() = default;
  // Commits an ordinary transaction writing `value` under `key` in the
  // private table "conformance.data"; returns its version.
  virtual Result<Version> Put(const std::string& key, const std::string& value) = 0;
  // The committed value of `key` in "conformance.data".
  virtual Result<std::optional<std::string>> Get(const std::string& key) = 0;
  // Rotates the ledger secret (Host::Commit with CommitOptions::rotate_secret).
  virtual Result<Version> Rotate() = 0;
  // Admits node `node_id` presenting `join_payload` (CommitOptions::
  // joining_node), then trusts it (CommitOptions::trusted_nodes_changed).
  // Returns the version of the trusting commit.
  virtual Result<Version> AdmitAndTrust(const std::string& node_id, const std::string& sealing_identity,
                                        const Bytes& join_payload) = 0;
  // Retires a trusted node (CommitOptions::trusted_nodes_changed).
  virtual Result<Version> Retire(const std::string& node_id) = 0;
  // The newest committed version and the service id.
  virtual Result<Version> LastVersion() = 0;
  virtual std::string ServiceId() = 0;
};

// What a host left behind after a total outage: its ledger and state, as on
// its disk (or in memory, for an in-memory host).
class StoppedHost {
 public:
  virtual ~StoppedHost() = default;
  // A digest of everything the host keeps (ledger files, store): equal
  // before and after a failed recovery when it wrote nothing.
  virtual Result<std::string> Fingerprint() const = 0;
};

class HostFactory {
 public:
  virtual ~HostFactory() = default;
  // Starts a new service on a fresh host whose hooks `hooks` registers
  // before the first commit (genesis). The genesis node is trusted and
  // presents `genesis_join_payload`.
  virtual Result<std::unique_ptr<HostUnderTest>> StartService(const RegisterHooks& hooks,
                                                              const Bytes& genesis_join_payload) = 0;
  // A total outage: every process of the host stops, nothing is flushed on
  // the way (as far as the host allows).
  virtual Result<std::unique_ptr<StoppedHost>> Stop(std::unique_ptr<HostUnderTest> host) = 0;
  // Recovers `stopped`'s ledger into a new service on a fresh host whose
  // hooks `hooks` registers first. On failure `stopped` must be left as it
  // was, so recovery can be tried again.
  virtual Result<std::unique_ptr<HostUnderTest>> Recover(StoppedHost& stopped, const RegisterHooks& hooks) = 0;
};

using HostFactoryMaker = std::function<std::unique_ptr<HostFactory>()>;

// How GoogleTest prints the parameter in failure messages (found by ADL).
inline void PrintTo(const HostFactoryMaker&, std::ostream* os) { *os << "host factory"; }

// The parameterised fixture; use INSTANTIATE_HOST_CONFORMANCE.
class HostConformanceTest : public ::testing::TestWithParam<HostFactoryMaker> {
 protected:
  void SetUp() override { factory_ = GetParam()(); }
  std::unique_ptr<HostFactory> factory_;
};

}  // namespace ledgerseal::kv::conformance

// Instantiates the suite for one host, e.g. in an anonymous namespace of the
// host's cc_test (any scope but namespace ledgerseal::kv::conformance itself):
// GoogleTest pastes the suite's name into identifiers, so the macro brings
// HostConformanceTest into that scope under its plain name.
// Asserts that a Result or Status holds a value; prints its error if not.
#define CONFORMANCE_ASSERT_OK(expr)                            \
  do {                                                         \
    const auto& conformance_result_ = (expr);                  \
    ASSERT_TRUE(conformance_result_) << #expr << ": "          \
                                     << conformance_result_.error().ToString(); \
  } while (false)

#define INSTANTIATE_HOST_CONFORMANCE(name, maker)                                        \
  using HostConformanceTest = ::ledgerseal::kv::conformance::HostConformanceTest;        \
  INSTANTIATE_TEST_SUITE_P(name, HostConformanceTest,                                    \
                           ::testing::Values(::ledgerseal::kv::conformance::HostFactoryMaker(maker)))

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_CONFORMANCE_HOST_CONFORMANCE_H_
