// A node's configuration file (JSON), validated strictly: unknown keys,
// wrong types and out-of-range values are errors that name the offending
// key, so a typo never silently falls back to a default.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_PUBLIC_NODE_CONFIG_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_PUBLIC_NODE_CONFIG_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv {

struct RaftConfig {
  uint32_t election_timeout_ms = 1000;
  uint32_t heartbeat_timeout_ms = 100;
  uint32_t snapshot_threshold = 1024;  // entries between Raft snapshots
};

enum class SealingFailurePolicy { kFail, kFallbackRecoveryShares };

struct SealingConfig {
  bool enable_local_sealing = false;
  std::string sealing_identity;                 // required when enabled
  std::string previous_local_sealing_identity;  // recovery: the identity to unseal as
  std::string platform = "virtual";             // "sev-guest" | "virtual"
  std::string policy = "measurement+tcb";       // a snp policy name or raw:0x..
  std::string root_key = "default";             // "default" | "vcek" | "vlek" (KEY_SEL)
  uint32_t vmpl = 0;                            // 0..3: the VMPL keys are requested for
  SealingFailurePolicy on_failure = SealingFailurePolicy::kFail;
  // virtual platform only
  std::filesystem::path virtual_machine_secret_path;
  std::string virtual_launch_json;  // a VirtualLaunch as JSON text; empty = defaults
};

// Operator recovery shares (docs/RECOVERY_SHARES.md), read at genesis: the
// members (name -> PEM public key file) and how many of them recover.
struct RecoverySharesConfig {
  uint32_t threshold = 0;  // 0: no recovery members
  std::vector<std::pair<std::string, std::filesystem::path>> members;
};

// Coordinated recovery (docs/REFERENCE_HOST.md, "Coordinated recovery"),
// used by --recover only: the nodes restarted together find the one that
// holds the longest ledger and only it opens the service.
struct RecoveryCoordinationConfig {
  // The rpc_address of each other node restarted with --recover (its
  // address now, not the one the ledger records). Empty: this node
  // recovers alone, as the operator chose, and no peer is asked.
  std::vector<std::string> peers;
  // How long to wait for votes from a majority of the previous
  // configuration before giving up (nothing written); then an operator
  // may restart with --open-without-majority.
  uint32_t deadline_s = 600;
  // Once a majority has claimed: how long to wait for the other nodes'
  // claims before voting (one of them may hold the longest ledger).
  uint32_t wait_for_all_s = 10;
};

struct NodeConfig {
  std::string node_id;        // [a-z0-9_-], 1..64 bytes
  std::string raft_address;   // host:port
  std::string rpc_address;    // host:port
  std::filesystem::path data_dir;
  std::optional<std::string> join_address;  // set: join that service; else start a new one
  RaftConfig raft;
  SealingConfig sealing;
  RecoverySharesConfig recovery_shares;
  RecoveryCoordinationConfig recovery_coordination;
  // Pins (docs/SERVICE_IDENTITY.md), 32 hex digits each; empty: no pin.
  // --recover: recovery refuses a ledger whose last service is another
  // (like CCF's previous_service_identity).
  std::string expected_previous_service_identity;
  // Joining: the node refuses to join a service with another id.
  std::string expected_service_identity;
  // INSECURE, tests only: write every ledger secret this node learns here, and
  // recover from it. Never set in production.
  std::optional<std::filesystem::path> insecure_test_secret_file;
};

// Parses and validates a configuration. Relative paths are resolved against
// `base_dir` (the config file's directory). Errors: kInvalidArgument with a
// message naming the key ("sealing.vmpl: must be an integer in [0, 3]").
Result<NodeConfig> ParseNodeConfig(std::string_view json_text, const std::filesystem::path& base_dir);

// Reads `path` and parses it. Errors: kNotFound (no file), kInvalidArgument.
Result<NodeConfig> LoadNodeConfig(const std::filesystem::path& path);

// The JSON text of `config` (ParseNodeConfig(ToJson(c)) == c).
std::string NodeConfigToJson(const NodeConfig& config);

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_PUBLIC_NODE_CONFIG_H_
