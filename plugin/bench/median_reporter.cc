#include "plugin/bench/median_reporter.h"

#include <algorithm>

namespace ledgerseal::bench {
namespace {

std::string NameOf(const benchmark::BenchmarkReporter::Run& run) {
  const auto& name = run.run_name;
  return name.args.empty() ? name.function_name : name.function_name + "/" + name.args;
}

double Micros(const benchmark::BenchmarkReporter::Run& run) {
  return run.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(run.time_unit) * 1e6;
}

}  // namespace

void MedianReporter::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    if (run.run_type == Run::RT_Iteration && !run.error_occurred) {
      samples_[NameOf(run)].push_back(Micros(run));
    }
  }
  benchmark::ConsoleReporter::ReportRuns(runs);
}

std::optional<double> MedianReporter::MedianMicros(const std::string& name) const {
  auto it = samples_.find(name);
  if (it == samples_.end() || it->second.empty()) return std::nullopt;
  std::vector<double> sorted = it->second;
  std::ranges::sort(sorted);
  const size_t mid = sorted.size() / 2;
  return sorted.size() % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

size_t MedianReporter::Samples(const std::string& name) const {
  auto it = samples_.find(name);
  return it == samples_.end() ? 0 : it->second.size();
}

}  // namespace ledgerseal::bench
