// //plugin/bench:sealing_benchmark: Google Benchmark's usual flags, then a
// plugin/raw ratio summary computed from the same run's medians.
//
//   bazel run -c opt //plugin/bench:sealing_benchmark -- --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

#include "plugin/bench/median_reporter.h"
#include "plugin/bench/ratio_summary.h"
#include "snp/public/virtual_platform.h"

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::fprintf(stderr, "%s\n", std::string(ledgerseal::snp::kInsecureBanner).c_str());
  ledgerseal::bench::MedianReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  ledgerseal::bench::PrintRatioSummary(reporter, stdout);
  benchmark::Shutdown();
  return 0;
}
