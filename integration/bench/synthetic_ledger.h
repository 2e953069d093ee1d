// A node's ledger of a chosen size, generated directly (no Raft): filler
// transactions with 1 KiB private values, a genesis and a later rotation,
// each with a sealed-shares record for one node on a `virtual` platform.
#ifndef LEDGERSEAL_INTEGRATION_BENCH_SYNTHETIC_LEDGER_H_
#define LEDGERSEAL_INTEGRATION_BENCH_SYNTHETIC_LEDGER_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "kvstore_adapter/public/types.h"
#include "plugin/proto/sealing.pb.h"
#include "snp/public/virtual_platform.h"

namespace ledgerseal::bench {

inline constexpr char kIdentity[] = "seal-bench";
inline constexpr uint64_t kEntriesAfterLastRotation = 100;

struct SyntheticLedger {
  std::filesystem::path data_dir;  // data_dir/ledger holds the files
  uint64_t entries = 0;
  uint64_t bytes = 0;
  std::shared_ptr<snp::VirtualProvider> provider;  // the node's platform
  std::string latest_shares;                       // the newest sealing.shares value
};

// Builds (or reuses, when `root`/<name> is complete) a ledger of at least
// `target_bytes`. Errors: any failure while generating.
kv::Result<SyntheticLedger> MakeSyntheticLedger(const std::filesystem::path& root,
                                                const std::string& name, uint64_t target_bytes);

}  // namespace ledgerseal::bench

#endif  // LEDGERSEAL_INTEGRATION_BENCH_SYNTHETIC_LEDGER_H_
