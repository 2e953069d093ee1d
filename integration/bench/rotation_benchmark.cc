// Rotation commit latency with and without local sealing (and with sealing
// plus 5 recovery members' shares, docs/RECOVERY_SHARES.md), for 3 and 7
// node processes on loopback, next to the raw cost of the N ECIES P-256
// seals sealing adds, measured in the same run.
//
//   bazel run -c opt //integration/bench:rotation_benchmark
//
// Each configuration starts a real service (`ledgerseal node` processes,
// virtual platform, P-256 recovery keys, format 3), then times Rotate RPCs to the
// leader. Figures: BENCHMARKS.md.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "kvstore_adapter/reference_host/cluster/public/process_cluster.h"
#include "crypto/public/ecies.h"
#include "crypto/public/pem.h"
#include "crypto/public/random_source.h"

namespace ledgerseal::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

fs::path g_binary;
constexpr int kSettleMs = 25;
std::map<std::string, std::vector<double>> g_samples_ms;  // per benchmark name
// Per repetition: CPU ms of all of a service's node processes per timed rotation.
std::map<std::string, std::vector<double>> g_cpu_ms_per_rotation;

fs::path Root() {
  const char* dir = std::getenv("LEDGERSEAL_BENCH_DIR");
  return (dir ? fs::path(dir) : fs::path("/tmp/ledgerseal-bench")) / "rotation";
}

enum class Mode { kPlain, kSealing, kSealingAndShares };
constexpr int kRecoveryMembers = 5;

// kRecoveryMembers public keys (PEM files) under `dir`, for recovery_shares.
std::vector<std::pair<std::string, fs::path>> WriteMembers(const fs::path& dir) {
  std::vector<std::pair<std::string, fs::path>> members;
  fs::create_directories(dir);
  for (int i = 0; i < kRecoveryMembers; ++i) {
    auto key = crypto::EcdhPrivateKey::Generate();
    auto pem = key ? crypto::DerToPem(crypto::kPublicKeyPemLabel, *key->PublicKeyDer())
                   : base::Expected<std::string, std::string>(std::unexpected(std::string("keygen")));
    if (!pem) return {};
    const fs::path file = dir / ("member" + std::to_string(i) + ".pub.pem");
    std::ofstream(file) << *pem;
    members.emplace_back("member" + std::to_string(i), file);
  }
  return members;
}

std::unique_ptr<cluster::ProcessCluster> StartService(int nodes, Mode mode) {
  cluster::ClusterOptions o;
  o.binary = g_binary;
  const char* suffix = mode == Mode::kPlain ? "-plain" : mode == Mode::kSealing ? "-sealing" : "-shares";
  o.root = Root() / (std::to_string(nodes) + suffix);
  o.ready_timeout_ms = 120'000;
  fs::remove_all(o.root);
  std::vector<std::pair<std::string, fs::path>> members;
  if (mode == Mode::kSealingAndShares) {
    members = WriteMembers(o.root / "members");
    if (members.empty()) return nullptr;
  }
  o.customize = [mode, members, root = o.root](kv::NodeConfig& c) {
    if (mode == Mode::kPlain) return;
    if (!members.empty()) {
      c.recovery_shares.threshold = 3;
      c.recovery_shares.members = members;
    }
    c.sealing.enable_local_sealing = true;
    c.sealing.sealing_identity = "seal-" + c.node_id;
    c.sealing.platform = "virtual";
    c.sealing.virtual_machine_secret_path = root / c.node_id / "machine.secret";
  };
  auto c = std::make_unique<cluster::ProcessCluster>(o);
  if (!c->StartGenesis("n1")) return nullptr;
  for (int i = 2; i <= nodes; ++i) {
    const std::string id = "n" + std::to_string(i);
    if (!c->StartJoiner(id, "n1") || !c->Client("n1").Trust(id)) return nullptr;
  }
  return c;
}

// CPU time (ms) the live threads of the service's node processes have run so
// far, from /proc/<pid>/task/*/schedstat (nanoseconds on a CPU, first field;
// /proc/<pid>/stat would count exited threads too, but in 10 ms ticks). A
// thread that ends between two readings is missed: the timed rotations go
// over one kept connection per leader, so the RPC threads that come and go
// are the harness's status polls and joins, outside the timed rounds.
double ServiceCpuMs(const cluster::ProcessCluster& c, int nodes) {
  double ns = 0;
  for (int i = 1; i <= nodes; ++i) {
    const pid_t pid = c.node("n" + std::to_string(i)).pid;
    std::error_code ec;
    for (fs::directory_iterator it("/proc/" + std::to_string(pid) + "/task", ec), end; !ec && it != end;
         it.increment(ec)) {
      std::ifstream stat(it->path() / "schedstat");
      double run_ns = 0;
      if (stat >> run_ns) ns += run_ns;
    }
  }
  return ns / 1e6;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// The three services (plain, sealing, sealing + members) run side by side
// and each round rotates each once, starting with the next one in turn, so
// that the noise of a shared two-vCPU host (other processes, page cache,
// scheduler) falls on all alike: the ratios are of the same moments, not of
// runs minutes apart.
void BM_Rotation(benchmark::State& state) {
  const int nodes = static_cast<int>(state.range(0));
  auto plain = StartService(nodes, Mode::kPlain);
  auto sealed = StartService(nodes, Mode::kSealing);
  auto shares = StartService(nodes, Mode::kSealingAndShares);
  if (!plain || !sealed || !shares) {
    state.SkipWithError("a service did not start");
    return;
  }
  auto& plain_leader = plain->Client("n1");
  auto& sealed_leader = sealed->Client("n1");
  auto& shares_leader = shares->Client("n1");
  for (int i = 0; i < 3; ++i) {  // warm up
    (void)plain_leader.Rotate();
    (void)sealed_leader.Rotate();
    (void)shares_leader.Rotate();
  }
  auto& plain_samples = g_samples_ms[std::to_string(nodes) + "/plain"];
  auto& sealed_samples = g_samples_ms[std::to_string(nodes) + "/sealing"];
  auto& shares_samples = g_samples_ms[std::to_string(nodes) + "/shares"];
  auto time_one = [&](auto& leader, std::vector<double>& samples) {
    // The previous rotation is acknowledged once a majority applied it; the
    // other followers are still applying it (an RSA-OAEP decryption each,
    // ~2 ms of CPU). With both services on two vCPUs that tail would land
    // on whichever rotation is timed next, i.e. on the other service. A
    // pause lets it finish, so each service is timed with only its own work.
    std::this_thread::sleep_for(std::chrono::milliseconds(kSettleMs));
    const auto start = Clock::now();
    auto r = leader.Rotate();
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (!r) state.SkipWithError(r.error().ToString().c_str());
    samples.push_back(ms);
    return ms;
  };
  // Each triple starts with the next service in turn, so that no service is
  // always timed right after the same other one (whose leftover work, e.g.
  // its pre-sealing, would otherwise always fall on the same neighbour).
  using Timed = std::pair<rpc::RpcClient*, std::vector<double>*>;
  const std::array<Timed, 3> services = {Timed{&plain_leader, &plain_samples}, Timed{&sealed_leader, &sealed_samples},
                                         Timed{&shares_leader, &shares_samples}};
  size_t first = 0;
  const std::array<const cluster::ProcessCluster*, 3> clusters = {plain.get(), sealed.get(), shares.get()};
  std::array<double, 3> cpu_before_ms{};
  for (size_t k = 0; k < clusters.size(); ++k) cpu_before_ms[k] = ServiceCpuMs(*clusters[k], nodes);
  for (auto _ : state) {
    double ms = 0;
    for (size_t k = 0; k < services.size(); ++k) {
      const Timed& t = services[(first + k) % services.size()];
      ms += time_one(*t.first, *t.second);
    }
    first = (first + 1) % services.size();
    state.SetIterationTime(ms / 1000);
  }
  // Every node's CPU per timed rotation, the service's background work
  // (followers applying, pre-sealing) included: it all falls on the same
  // two vCPUs as the commits being timed.
  const char* kinds[] = {"plain", "sealing", "shares"};
  for (size_t k = 0; k < clusters.size(); ++k) {
    g_cpu_ms_per_rotation[std::to_string(nodes) + "/" + kinds[k]].push_back(
        (ServiceCpuMs(*clusters[k], nodes) - cpu_before_ms[k]) / static_cast<double>(state.iterations()));
  }
  state.SetLabel(std::to_string(nodes) + " nodes, one rotation each: plain, sealing, sealing + 5 members' shares");
}

// N ECIES P-256 seals of 32 bytes: the public-key work sealing adds per rotation.
void BM_RawEcies(benchmark::State& state) {
  auto key = crypto::EcdhPrivateKey::Generate();
  if (!key) return state.SkipWithError("P-256 key generation failed");
  auto pub = crypto::EcdhPublicKey::FromDer(*key->PublicKeyDer());
  if (!pub) return state.SkipWithError("P-256 public key");
  crypto::OpenSslRandomSource random;
  const std::vector<uint8_t> wrapping_key(32, 1), label = {'l'};
  auto& samples = g_samples_ms["ecies/" + std::to_string(state.range(0))];
  for (auto _ : state) {
    const auto start = Clock::now();
    for (int i = 0; i < state.range(0); ++i) {
      benchmark::DoNotOptimize(crypto::EciesP256Seal(random, *pub, wrapping_key, label));
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    samples.push_back(ms);
    state.SetIterationTime(ms / 1000);
  }
}

BENCHMARK(BM_Rotation)->Arg(3)->Arg(7)->Iterations(40)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawEcies)->Arg(3)->Arg(7)->Iterations(200)->UseManualTime()->Unit(benchmark::kMillisecond);

// The 95% interval of median(over) / median(base) by resampling the
// iterations (each one times every service once, so a resample keeps the
// samples of one moment together). Fixed seed: a run's report is
// reproducible from its samples.
std::pair<double, double> RatioInterval(const std::vector<double>& over, const std::vector<double>& base) {
  if (over.size() != base.size() || base.empty()) return {0, 0};
  std::mt19937_64 rng(20261203);
  std::uniform_int_distribution<size_t> pick(0, base.size() - 1);
  std::vector<double> ratios;
  constexpr int kResamples = 2000;
  std::vector<double> o(base.size()), b(base.size());
  for (int r = 0; r < kResamples; ++r) {
    for (size_t i = 0; i < base.size(); ++i) {
      const size_t k = pick(rng);
      o[i] = over[k];
      b[i] = base[k];
    }
    ratios.push_back(Median(o) / Median(b));
  }
  std::sort(ratios.begin(), ratios.end());
  return {ratios[kResamples * 25 / 1000], ratios[kResamples * 975 / 1000]};
}

void PrintSummary() {
  std::printf("\n== rotation commit latency, median of %zu, ms ==\n", g_samples_ms["3/plain"].size());
  std::printf("  %5s %10s %10s %8s %12s %14s %10s %8s\n", "nodes", "plain", "sealing", "ratio", "added",
              "N x ECIES raw", "+shares", "ratio");
  for (int n : {3, 7}) {
    const double plain = Median(g_samples_ms[std::to_string(n) + "/plain"]);
    const double sealed = Median(g_samples_ms[std::to_string(n) + "/sealing"]);
    const double shares = Median(g_samples_ms[std::to_string(n) + "/shares"]);
    const double ecies = Median(g_samples_ms["ecies/" + std::to_string(n)]);
    std::printf("  %5d %10.2f %10.2f %7.2fx %12.2f %14.3f %10.2f %7.2fx\n", n, plain, sealed,
                plain > 0 ? sealed / plain : 0, sealed - plain, ecies, shares, plain > 0 ? shares / plain : 0);
  }
  std::printf("\n== 95%% interval of each ratio (resampled iterations) ==\n");
  for (int n : {3, 7}) {
    const std::string p = std::to_string(n) + "/";
    const auto sealing = RatioInterval(g_samples_ms[p + "sealing"], g_samples_ms[p + "plain"]);
    const auto shares = RatioInterval(g_samples_ms[p + "shares"], g_samples_ms[p + "plain"]);
    std::printf("  %5d   sealing %.2f-%.2fx   +shares %.2f-%.2fx\n", n, sealing.first, sealing.second, shares.first,
                shares.second);
  }
  std::printf("\n== CPU per rotation, all node processes of a service (median of repetitions), ms ==\n");
  std::printf("  %5s %10s %10s %10s\n", "nodes", "plain", "sealing", "+shares");
  for (int n : {3, 7}) {
    const std::string p = std::to_string(n) + "/";
    std::printf("  %5d %10.2f %10.2f %10.2f\n", n, Median(g_cpu_ms_per_rotation[p + "plain"]),
                Median(g_cpu_ms_per_rotation[p + "sealing"]), Median(g_cpu_ms_per_rotation[p + "shares"]));
  }
}

}  // namespace
}  // namespace ledgerseal::bench

int main(int argc, char** argv) {
  const char* runfiles = std::getenv("RUNFILES_DIR");
  ledgerseal::bench::g_binary = (runfiles ? std::filesystem::path(runfiles)
                                          : std::filesystem::path(std::string(argv[0]) + ".runfiles")) /
                                "ledgerseal" / "tools" / "ledgerseal";
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  ledgerseal::bench::PrintSummary();
  benchmark::Shutdown();
  return 0;
}
