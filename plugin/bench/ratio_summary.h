// The summary printed after the benchmarks: plugin time, raw-OpenSSL time
// and their ratio per number of nodes (medians of the same run), against
// the 1.2x target.
#ifndef LEDGERSEAL_PLUGIN_BENCH_RATIO_SUMMARY_H_
#define LEDGERSEAL_PLUGIN_BENCH_RATIO_SUMMARY_H_

#include <cstdio>

#include "plugin/bench/median_reporter.h"

namespace ledgerseal::bench {

inline constexpr double kTargetRatio = 1.2;
inline constexpr int kSealNodeCounts[] = {1, 3, 7, 31};

// Rows whose benchmarks did not run (filtered out) are left out.
void PrintRatioSummary(const MedianReporter& medians, std::FILE* out);

}  // namespace ledgerseal::bench

#endif  // LEDGERSEAL_PLUGIN_BENCH_RATIO_SUMMARY_H_
