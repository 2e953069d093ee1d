// The shared fixture for one benchmark, or the benchmark is skipped with the
// reason (so a broken fixture shows up as an error line, not a crash).
#ifndef LEDGERSEAL_PLUGIN_BENCH_FIXTURE_OR_SKIP_H_
#define LEDGERSEAL_PLUGIN_BENCH_FIXTURE_OR_SKIP_H_

#include <benchmark/benchmark.h>

#include "plugin/bench/bench_fixture.h"

namespace ledgerseal::bench {

inline const BenchFixture* FixtureOrSkip(benchmark::State& state) {
  auto fixture = BenchFixture::Get();
  if (fixture) return *fixture;
  state.SkipWithError(fixture.error().c_str());
  return nullptr;
}

}  // namespace ledgerseal::bench

#endif  // LEDGERSEAL_PLUGIN_BENCH_FIXTURE_OR_SKIP_H_
