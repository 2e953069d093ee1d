// Shared pieces of the reference host's end-to-end tests.
#ifndef LEDGERSEAL_INTEGRATION_E2E_E2E_UTIL_H_
#define LEDGERSEAL_INTEGRATION_E2E_E2E_UTIL_H_

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/cluster/public/process_cluster.h"
#include "kvstore_adapter/reference_host/cluster/public/writers.h"

namespace ledgerseal::e2e {

// The `ledgerseal` binary from the test's runfiles.
std::filesystem::path LedgersealBinary();

// A cluster of real node processes in the test's own directory, with the
// INSECURE test secret-file recovery hook and short Raft timeouts.
cluster::ClusterOptions TestClusterOptions();

// Starts n1 as genesis, then n2 .. n<node_count> as joiners through n1,
// each trusted and applying its own trust before the next joins. Errors
// name the node and carry its log's tail.
kv::Status StartTrustedNodes(cluster::ProcessCluster& cluster, int node_count);

// Every acknowledged write: key -> value, and the newest acked version.
using Acked = cluster::AckedWrites;

// Puts key/value into private table `table` through any running node,
// failing over to the next node on transport errors or a dead leader, for
// up to `timeout_ms`. Records the write in `acked` once acknowledged.
kv::Status PutWithFailover(cluster::ProcessCluster& cluster, const std::string& table,
                           const std::string& key, const std::string& value, Acked& acked,
                           uint32_t timeout_ms = 30'000);

// Rotates the ledger secret through any running node (same failover).
kv::Result<uint64_t> RotateWithFailover(cluster::ProcessCluster& cluster, Acked& acked,
                                        uint32_t timeout_ms = 30'000);

// Checks every acked value on `node_id` (reads at >= acked.max_version).
kv::Status VerifyAcked(cluster::ProcessCluster& cluster, const std::string& node_id,
                       const std::string& table, const Acked& acked);

// Concatenated bytes of every ledger chunk file of `data_dir`, in name order.
std::string LedgerBytes(const std::filesystem::path& data_dir);

}  // namespace ledgerseal::e2e

#endif  // LEDGERSEAL_INTEGRATION_E2E_E2E_UTIL_H_
