// A console reporter that also keeps every repetition's CPU time per
// iteration, so that the benchmark's main can print plugin/raw ratios from
// the medians of the same run.
#ifndef LEDGERSEAL_PLUGIN_BENCH_MEDIAN_REPORTER_H_
#define LEDGERSEAL_PLUGIN_BENCH_MEDIAN_REPORTER_H_

#include <benchmark/benchmark.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ledgerseal::bench {

// Thread safety: used by the benchmark runner's thread only.
class MedianReporter : public benchmark::ConsoleReporter {
 public:
  MedianReporter() : benchmark::ConsoleReporter(OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override;

  // Median CPU time per iteration, in microseconds, of the benchmark
  // "<function name>" or "<function name>/<arg>"; std::nullopt if it did
  // not run (filtered out, or failed).
  std::optional<double> MedianMicros(const std::string& name) const;

  // Number of repetitions behind MedianMicros(name) (0 if none).
  size_t Samples(const std::string& name) const;

 private:
  std::map<std::string, std::vector<double>> samples_;
};

}  // namespace ledgerseal::bench

#endif  // LEDGERSEAL_PLUGIN_BENCH_MEDIAN_REPORTER_H_
