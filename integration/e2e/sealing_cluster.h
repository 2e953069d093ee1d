// TEST ONLY: a service of real `ledgerseal node` processes with local
// sealing on the `virtual` platform, and what the sealing end-to-end tests
// do with it (write, rotate, kill, inspect, run the CLI). Shared by
// sealing_e2e_test and forgery_e2e_test.
#ifndef LEDGERSEAL_INTEGRATION_E2E_SEALING_CLUSTER_H_
#define LEDGERSEAL_INTEGRATION_E2E_SEALING_CLUSTER_H_

#include <nlohmann/json.hpp>

#include <filesystem>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "integration/e2e/e2e_util.h"

namespace ledgerseal::e2e::sealing_cluster {

inline constexpr char kTable[] = "app.private";
inline constexpr char kMarker[] = "SEALING-E2E-MARKER-";
inline const std::string kMeasurementA(96, 'a'), kMeasurementB(96, 'b');

// Per-node platform: its own machine secret file (its "chip") and launch.
struct Platforms {
  std::map<std::string, std::string> measurement;
  std::map<std::string, std::string> committed_tcb;
};

// Local sealing on for every node, each with its own virtual chip.
cluster::ClusterOptions SealingOptions(Platforms* platforms);

// Genesis on the first id; the others join through it and are trusted.
// Call in ASSERT_NO_FATAL_FAILURE.
void StartNodes(cluster::ProcessCluster& c, std::initializer_list<const char*> ids);

// Writes k<from>..k<from+count-1> = kMarker<i> through any running node.
void Write(cluster::ProcessCluster& c, Acked& acked, int from, int count);

// Every running node applied everything; then all die at once.
void QuiesceAndKillAll(cluster::ProcessCluster& c, const Acked& acked);

// How the last recovery got its secret, and that `node` has a sealed
// recovery key in the new service.
void ExpectAudit(cluster::ProcessCluster& c, const std::string& node, uint64_t min_version);

// `ledgerseal inspect DIR --json` (plus `extra` arguments), parsed.
nlohmann::json Inspect(const std::filesystem::path& data_dir, const std::string& extra = "");

// Three nodes, `per_phase` transactions before and after each of two
// rotations, then the outage.
void ServeWithTwoRotationsThenKillAll(cluster::ProcessCluster& c, Acked& acked, int per_phase);

// The concatenated ledger files of `node`.
std::string LedgerOf(const cluster::ProcessCluster& c, const std::string& node);

// Runs `ledgerseal ARGS` (stderr with stdout); its exit status and output.
struct ToolRun {
  int exit_code = -1;
  std::string output;
};
ToolRun RunLedgerseal(const std::string& args);

// The bytes of the file at `path` (empty if it cannot be read).
std::string ReadAll(const std::filesystem::path& path);

// Writes to `out` a copy of the member share file `share` whose share has
// one hex digit changed (a corrupted share), and returns `out`.
std::filesystem::path CorruptShareFile(const std::filesystem::path& share, const std::filesystem::path& out);

// Every file under `dir` with its bytes, to compare a directory before and
// after a command that must write nothing.
std::map<std::string, std::string> Snapshot(const std::filesystem::path& dir);

}  // namespace ledgerseal::e2e::sealing_cluster

#endif  // LEDGERSEAL_INTEGRATION_E2E_SEALING_CLUSTER_H_
