// Deterministic fault tests of ledger-secret rotation on raft_fixture
// (in-memory raft, simulated time, no sleeps): three LedgerStateMachines
// behind LedgerFsm and the production FsmAdapter/RequestRegistry. A rotation
// in flight when the leader is cut off, killed or hits a disk fault is applied
// by every live node or by none, and no committed entry is lost.
#include <gtest/gtest.h>

extern "C" {
#include <raft/fixture.h>
}

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/testing/test_dir.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"
#include "kvstore_adapter/reference_host/host/public/ledger_fsm.h"
#include "kvstore_adapter/reference_host/raft/fsm_adapter.h"
#include "kvstore_adapter/reference_host/raft/one_shot.h"
#include "kvstore_adapter/reference_host/raft/raft_c.h"
#include "kvstore_adapter/reference_host/raft/requests.h"
#include "kvstore_adapter/reference_host/secrets/public/ledger_secrets.h"
#include "kvstore_adapter/reference_host/state_machine/public/ledger_state_machine.h"
#include "kvstore_adapter/store/public/store.h"
#include "crypto/testing/deterministic_random.h"

namespace ledgerseal::kv {
namespace {

namespace fs = std::filesystem;
using replication::FsmAdapter;
using replication::OneShot;
using replication::RequestRegistry;
using Outcome = std::future<Result<Bytes>>;

constexpr unsigned kServers = 3;
constexpr unsigned kNone = kServers;      // "no server" index
constexpr unsigned kMaxSimMs = 20'000;    // bound of every step_until*, simulated ms
constexpr Version kNormalEntries = 4;     // committed before the rotation
constexpr Table kApp{"app.private", Domain::kPrivate};

template <typename T>
bool IsReady(const std::future<T>& f) {
  return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

bool StopTrampoline(struct raft_fixture*, void* arg) {
  return (*static_cast<std::function<bool()>*>(arg))();
}

// Every file of a ledger directory, name and bytes, in name order.
std::string LedgerBytes(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::string all;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    all += f.filename().string() + ":" +
           std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

// One server: its ledger side (key, secrets, store, state machine) and the
// raft glue. Members are destroyed bottom-up: the raft glue first.
struct Server {
  std::string id;
  fs::path dir;
  const crypto::RsaPrivateKey* key = nullptr;
  std::unique_ptr<crypto::RsaPublicKey> public_key;
  secrets::LedgerSecrets secrets;
  SecretBytes store_key{std::vector<uint8_t>(32, 7)};
  crypto::OpenSslRandomSource random;  // snapshot IVs (no snapshot is taken here)
  std::unique_ptr<Store> store;
  std::unique_ptr<LedgerStateMachine> machine;
  std::unique_ptr<LedgerFsm> fsm;
  std::unique_ptr<FsmAdapter> adapter;
  std::unique_ptr<RequestRegistry> registry;
  // Restore's peer source (set by the fixture: the other servers' ledgers).
  std::function<Result<std::vector<Bytes>>(Version, uint32_t)> fetch_entries;

  Status Open() {
    auto s = Store::Open({.dir = dir / "store", .encryption_key = &store_key,
                          .sync_writes = false});
    if (!s) return std::unexpected(s.error());
    store = std::move(*s);
    StateMachineDeps deps{id, key, {}, store.get(), &secrets, &random, {}};
    deps.ledger_options.dir = dir / "ledger";
    deps.ledger_options.sync_every_append = false;
    deps.fetch_entries = fetch_entries;
    auto m = LedgerStateMachine::Open(std::move(deps));
    if (!m) return std::unexpected(m.error());
    machine = std::move(*m);
    fsm = std::make_unique<LedgerFsm>(machine.get());
    adapter = std::make_unique<FsmAdapter>(fsm.get());
    return {};
  }
  Version applied() const { return machine->applied_version(); }
  bool KnowsSecret(uint64_t version) const { return secrets.Get(version).has_value(); }
  bool HasSecret(uint64_t version, const SecretBytes& secret) const {
    auto known = secrets.Get(version);
    return known && *known == secret;
  }
};

// Three servers on one raft_fixture; server i has raft id i + 1.
class RotationFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (unsigned i = 0; i < kServers; ++i) {
      auto k = crypto::RsaPrivateKey::Generate(2048);
      ASSERT_TRUE(k);
      keys_.push_back(std::make_unique<crypto::RsaPrivateKey>(std::move(*k)));
    }
  }

  RotationFixture() { raft_fixture_initialize(&f_); }
  // raft_close calls back pending requests: close before the servers go.
  ~RotationFixture() override { raft_fixture_close(&f_); }

  void SetUp() override {
    const uint8_t seed[] = {'r', 'o', 't', 'a', 't', 'e', 1};
    random_ = std::move(*ledgerseal::testing::DeterministicRandomSource::Create(seed));
    secret1_ = *secrets::NewSecret(*random_);
    const fs::path root = ::ledgerseal::testing::TestDir();
    for (unsigned i = 0; i < kServers; ++i) ASSERT_NO_FATAL_FAILURE(AddServer(root, i));
    struct raft_configuration conf;
    ASSERT_EQ(raft_fixture_configuration(&f_, kServers, &conf), 0);
    ASSERT_EQ(raft_fixture_bootstrap(&f_, &conf), 0);
    raft_configuration_close(&conf);
    ASSERT_EQ(raft_fixture_start(&f_), 0);
  }

  void AddServer(const fs::path& root, unsigned i) {
    auto s = std::make_unique<Server>();
    s->id = "n" + std::to_string(i);
    s->dir = root / s->id;
    s->key = keys_[i].get();
    s->public_key = std::make_unique<crypto::RsaPublicKey>(
        *crypto::RsaPublicKey::FromDer(*s->key->PublicKeyDer()));
    ASSERT_TRUE(s->secrets.Add(1, secret1_.Clone()));  // secret 1 is known out of band
    // A server behind a snapshot reads what it lacks from another server's
    // ledger files, as a node process asks its peers over RPC.
    s->fetch_entries = [this, i](Version from, uint32_t) -> Result<std::vector<Bytes>> {
      std::vector<Bytes> batch;
      for (unsigned j = 0; j < servers_.size() && batch.empty(); ++j) {
        if (j == i) continue;
        auto view = ledger::LedgerView::Open(server(j).dir / "ledger");
        if (!view || from > (*view)->last_version()) continue;
        auto first = (*view)->first_version();
        if (!first || from < *first) continue;
        auto walked = (*view)->ForEach(from, [&](Version, ByteView e) {
          batch.emplace_back(e.begin(), e.end());
          return true;
        });
        if (!walked) return std::unexpected(walked.error());
      }
      return batch;
    };
    auto opened = s->Open();
    ASSERT_TRUE(opened) << opened.error().ToString();
    ASSERT_EQ(raft_fixture_grow(&f_, s->adapter->fsm()), 0);
    s->registry = std::make_unique<RequestRegistry>(raft(i), s->adapter.get());
    servers_.push_back(std::move(s));
  }

  struct raft* raft(unsigned i) { return raft_fixture_get(&f_, i); }
  Server& server(unsigned i) { return *servers_[i]; }
  // Running, reachable and not stopped by a disk fault (raft 0.15 turns a
  // server whose append fails into RAFT_UNAVAILABLE for good).
  bool live(unsigned i) {
    return raft_fixture_alive(&f_, i) && i != isolated_ && raft_state(raft(i)) != RAFT_UNAVAILABLE;
  }

  bool StepUntil(std::function<bool()> stop, unsigned max_sim_ms = kMaxSimMs) {
    if (stop()) return true;
    return raft_fixture_step_until(&f_, &StopTrampoline, &stop, max_sim_ms);
  }

  // A live server other than `except` in leader state, or kNone.
  unsigned LeaderOtherThan(unsigned except) {
    for (unsigned i = 0; i < kServers; ++i) {
      if (i != except && live(i) && raft_state(raft(i)) == RAFT_LEADER) return i;
    }
    return kNone;
  }

  unsigned ElectLeader(unsigned except = kNone) {
    unsigned leader = kNone;
    EXPECT_TRUE(StepUntil([&] { return (leader = LeaderOtherThan(except)) != kNone; }));
    return leader;
  }

  void Disconnect(unsigned i, unsigned j) {
    raft_fixture_disconnect(&f_, i, j);
    raft_fixture_disconnect(&f_, j, i);
  }
  void Isolate(unsigned i) {
    isolated_ = i;
    for (unsigned j = 0; j < kServers; ++j) {
      if (j != i) Disconnect(i, j);
    }
  }
  void ReconnectAll() {
    isolated_ = kNone;
    for (unsigned i = 0; i < kServers; ++i) {
      for (unsigned j = 0; j < kServers; ++j) {
        if (i != j) raft_fixture_reconnect(&f_, i, j);
      }
    }
  }

  // An entry from `proposer` at `version` under its newest secret.
  Bytes MakeEntry(unsigned proposer, Version version, WriteSet ws, uint32_t flags) {
    const uint64_t sv = server(proposer).secrets.latest_version();
    // Chained to the proposer's last applied entry (a proposal for another
    // version is stale anyway: any 32 bytes do).
    const auto last = server(proposer).machine->last_entry();
    Bytes previous = version == 1 ? Bytes{} : Bytes(entry::kEntryDigestBytes, 0);
    if (last.version + 1 == version && last.digest) previous = *last.digest;
    entry::EntryHeader header{version, sv, flags, "svc", raft(proposer)->current_term, std::move(previous)};
    auto e = entry::EncodeEntry(*random_, header, ws, *server(proposer).secrets.Get(sv));
    EXPECT_TRUE(e) << e.error().ToString();
    return e ? *e : Bytes{};
  }

  Bytes NormalEntry(unsigned proposer, Version version) {
    WriteSet ws;
    EXPECT_TRUE(ws.Put(kApp, AsBytes("k" + std::to_string(version)), AsBytes("v")));
    return MakeEntry(proposer, version, std::move(ws), 0);
  }

  // Rotates to `next` (version latest + 1) for all three servers.
  Bytes RotationEntry(unsigned proposer, Version version, const SecretBytes& next) {
    const uint64_t sv = server(proposer).secrets.latest_version();
    const SecretBytes current = *server(proposer).secrets.Get(sv);
    std::vector<secrets::SecretRecipient> to;
    for (auto& s : servers_) to.push_back({s->id, s->public_key.get()});
    WriteSet ws;
    EXPECT_TRUE(secrets::WriteRotation(ws, *random_, sv + 1, next,
                                       secrets::PreviousSecret{sv, &current}, to));
    return MakeEntry(proposer, version, std::move(ws), entry::kFlagRotation);
  }

  Outcome Propose(unsigned i, const Bytes& entry) {
    OneShot<Result<Bytes>> shot(Error{ErrorCode::kInternal, "request dropped"});
    Outcome outcome = shot.future();
    server(i).registry->Apply(entry, [shot = std::move(shot)](auto r) mutable {
      shot.Resolve(std::move(r));
    });
    return outcome;
  }

  // Proposes on `leader` and steps until the outcome is back.
  Result<ApplyOutcome> Commit(unsigned leader, const Bytes& entry) {
    Outcome o = Propose(leader, entry);
    if (!StepUntil([&] { return IsReady(o); })) {
      return MakeError(ErrorCode::kUnavailable, "no outcome");
    }
    auto r = o.get();
    if (!r) return std::unexpected(r.error());
    return DecodeOutcome(*r);
  }

  void CommitNormalEntries(unsigned leader, Version count) {
    for (Version v = 1; v <= count; ++v) {
      auto r = Commit(leader, NormalEntry(leader, v));
      ASSERT_TRUE(r) << r.error().ToString();
      ASSERT_EQ(r->result, ApplyResult::kApplied);
    }
  }

  bool Barrier(unsigned leader) {
    OneShot<Status> shot(Error{ErrorCode::kInternal, "barrier dropped"});
    auto done = shot.future();
    server(leader).registry->Barrier([shot = std::move(shot)](Status s) mutable {
      shot.Resolve(std::move(s));
    });
    return StepUntil([&] { return IsReady(done); }) && done.get().has_value();
  }

  bool AllLiveApplied(raft_index index) {
    for (unsigned i = 0; i < kServers; ++i) {
      if (live(i) && raft_last_applied(raft(i)) < index) return false;
    }
    return true;
  }

  // Elects a leader (not `except`), commits a barrier on it (entries of
  // earlier terms commit with it) and steps until every live server applied
  // its log. Retries while leadership moves. Returns the leader or kNone.
  unsigned Quiesce(unsigned except = kNone) {
    for (int attempt = 0; attempt < 5; ++attempt) {
      const unsigned leader = ElectLeader(except);
      if (leader == kNone) break;
      if (!Barrier(leader)) continue;
      const raft_index last = raft_last_index(raft(leader));
      if (StepUntil([&] { return AllLiveApplied(last); })) return leader;
    }
    ADD_FAILURE() << "the cluster did not quiesce";
    return kNone;
  }

  std::vector<unsigned> Live() {
    std::vector<unsigned> all;
    for (unsigned i = 0; i < kServers; ++i) {
      if (live(i)) all.push_back(i);
    }
    return all;
  }

  std::map<Version, Bytes> LedgerEntries(unsigned i) {
    std::map<Version, Bytes> entries;
    auto view = ledger::LedgerView::Open(server(i).dir / "ledger");
    EXPECT_TRUE(view);
    if (!view || (*view)->last_version() == kNoVersion) return entries;
    EXPECT_TRUE((*view)->ForEach(1, [&](Version v, ByteView payload) {
      entries[v] = Bytes(payload.begin(), payload.end());
      return true;
    }));
    return entries;
  }

  // Entries applied by any server (hence committed), from its ledger.
  std::map<Version, Bytes> CommittedEntries() {
    unsigned most = 0;
    for (unsigned i = 1; i < kServers; ++i) {
      if (server(i).applied() > server(most).applied()) most = i;
    }
    return LedgerEntries(most);
  }

  // Whether server i's ledger holds a rotation entry at `version`.
  bool RotationInLedger(unsigned i, Version version) {
    auto view = ledger::LedgerView::Open(server(i).dir / "ledger");
    if (!view) return false;
    auto e = (*view)->Get(version);
    if (!e) return false;
    auto pub = entry::DecodePublic(e->payload);
    return pub && (pub->header.flags & entry::kFlagRotation) != 0;
  }

  // Live servers hold every entry of `committed` and byte-identical ledgers;
  // a server that is down holds a prefix of theirs.
  void ExpectCommittedKeptAndLedgersEqual(const std::map<Version, Bytes>& committed) {
    const std::vector<unsigned> nodes = Live();
    ASSERT_FALSE(nodes.empty());
    const std::map<Version, Bytes> reference = LedgerEntries(nodes.front());
    for (const auto& [v, bytes] : committed) {
      EXPECT_TRUE(reference.contains(v) && reference.at(v) == bytes) << "version " << v << " lost";
    }
    for (unsigned i = 0; i < kServers; ++i) {
      const bool up = std::find(nodes.begin(), nodes.end(), i) != nodes.end();
      if (up) {
        EXPECT_FALSE(server(i).adapter->fatal_error().has_value()) << i;
        EXPECT_EQ(LedgerBytes(server(i).dir / "ledger"),
                  LedgerBytes(server(nodes.front()).dir / "ledger"))
            << "ledger files of servers " << i << " and " << nodes.front() << " differ";
      }
      for (const auto& [v, bytes] : LedgerEntries(i)) {
        EXPECT_TRUE(reference.contains(v) && reference.at(v) == bytes)
            << "server " << i << " version " << v << " diverges";
      }
    }
  }

  static inline std::vector<std::unique_ptr<crypto::RsaPrivateKey>> keys_;
  struct raft_fixture f_ {};
  unsigned isolated_ = kNone;  // cut off from both others
  std::unique_ptr<ledgerseal::testing::DeterministicRandomSource> random_;
  SecretBytes secret1_;
  std::vector<std::unique_ptr<Server>> servers_;
};

// --- Scenario 1: a fault while the rotation is in flight --------------------

enum class Fault { kIsolateLeader, kKillLeader, kIoFaultLeader, kIoFaultFollower };
enum class Point {
  kJustProposed,    // the entry exists on the leader only
  kOnOneFollower,   // one follower holds it, not yet committed
  kAppliedOnLeader  // committed; the followers have not applied it yet
};
enum class Expect { kNone, kAll, kEither };

struct Case {
  const char* name;
  Fault fault;
  Point point;
  Expect expect;
  size_t live_at_end = kServers;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class RotationFaultTest : public RotationFixture, public ::testing::WithParamInterface<Case> {
 protected:
  // Proposes `rotation` on `leader` and injects the fault at the case's point
  // (a disk fault is armed before: it fails the rotation's own append).
  void ProposeWithFault(unsigned leader, Version version, const Bytes& rotation) {
    const Case& c = GetParam();
    const unsigned a = (leader + 1) % kServers, b = (leader + 2) % kServers;
    if (c.fault == Fault::kIoFaultLeader) raft_fixture_io_fault(&f_, leader, 0, 1);
    if (c.fault == Fault::kIoFaultFollower) raft_fixture_io_fault(&f_, b, 0, 1);
    if (c.point == Point::kOnOneFollower) Disconnect(leader, b);
    rotation_outcome_ = Propose(leader, rotation);
    const raft_index index = raft_last_index(raft(leader));
    if (c.point == Point::kOnOneFollower) {
      ASSERT_TRUE(StepUntil([&] { return raft_last_index(raft(a)) >= index; }));
    } else if (c.point == Point::kAppliedOnLeader) {
      ASSERT_TRUE(StepUntil([&] { return IsReady(rotation_outcome_); }));
    }
    if (c.point != Point::kAppliedOnLeader) {
      ASSERT_LT(server(leader).applied(), version) << "not committed yet";
    }
    committed_before_ = CommittedEntries();
    if (c.fault == Fault::kIsolateLeader) Isolate(leader);
    if (c.fault == Fault::kKillLeader) raft_fixture_kill(&f_, leader);
  }

  // All live servers applied the rotation at `version` (and learnt `secret2`
  // with their own key), or none did. Returns whether it was applied.
  bool ExpectAllOrNone(Version version, const SecretBytes& secret2) {
    const std::vector<unsigned> nodes = Live();
    size_t rotated = 0;
    for (unsigned i : nodes) rotated += server(i).KnowsSecret(2) ? 1 : 0;
    EXPECT_TRUE(rotated == 0 || rotated == nodes.size()) << rotated << " of " << nodes.size();
    for (unsigned i : nodes) {
      EXPECT_EQ(server(i).applied(), rotated ? version : version - 1) << i;
      EXPECT_EQ(RotationInLedger(i, version), rotated != 0) << i;
      if (rotated) {
        EXPECT_TRUE(server(i).HasSecret(2, secret2)) << i;
      }
    }
    return rotated != 0;
  }

  Outcome rotation_outcome_;
  std::map<Version, Bytes> committed_before_;
};

TEST_P(RotationFaultTest, RotationIsAppliedByAllOrNoneAndNoCommittedEntryIsLost) {
  const Case& c = GetParam();
  unsigned leader = ElectLeader();
  ASSERT_NO_FATAL_FAILURE(CommitNormalEntries(leader, kNormalEntries));
  const SecretBytes secret2 = *secrets::NewSecret(*random_);
  const Version version = server(leader).applied() + 1;
  ASSERT_NO_FATAL_FAILURE(ProposeWithFault(leader, version, RotationEntry(leader, version, secret2)));
  EXPECT_GE(committed_before_.size(), kNormalEntries);

  // Heal: a leader among the survivors (any, for a disk fault), then everyone.
  const unsigned old_leader = leader;
  const bool leader_lost = c.fault == Fault::kIsolateLeader || c.fault == Fault::kKillLeader;
  leader = Quiesce(leader_lost ? old_leader : kNone);
  ASSERT_NE(leader, kNone);
  const bool applied = ExpectAllOrNone(version, secret2);
  ExpectCommittedKeptAndLedgersEqual(committed_before_);
  if (c.expect != Expect::kEither) {
    EXPECT_EQ(applied, c.expect == Expect::kAll) << "unexpected branch";
  }

  ReconnectAll();
  if (!raft_fixture_alive(&f_, old_leader)) raft_fixture_revive(&f_, old_leader);
  leader = Quiesce();
  ASSERT_NE(leader, kNone);
  EXPECT_EQ(ExpectAllOrNone(version, secret2), applied) << "the old leader rejoined";
  ExpectCommittedKeptAndLedgersEqual(committed_before_);

  // Afterwards: an unapplied rotation's version is free for a new rotation;
  // an applied one is followed by an entry under secret 2.
  const SecretBytes again = *secrets::NewSecret(*random_);
  auto next = Commit(leader, applied ? NormalEntry(leader, version + 1)
                                     : RotationEntry(leader, version, again));
  ASSERT_TRUE(next) << next.error().ToString();
  EXPECT_EQ(next->result, ApplyResult::kApplied);
  ASSERT_NE(Quiesce(), kNone);
  for (unsigned i : Live()) {
    EXPECT_EQ(server(i).applied(), applied ? version + 1 : version) << i;
    EXPECT_TRUE(server(i).HasSecret(2, applied ? secret2 : again)) << i;
  }
  ExpectCommittedKeptAndLedgersEqual(CommittedEntries());
  EXPECT_EQ(Live().size(), c.live_at_end);
  std::printf("[case %s] rotation %s\n", c.name, applied ? "applied by all" : "applied by none");
}

INSTANTIATE_TEST_SUITE_P(
    Faults, RotationFaultTest,
    ::testing::Values(
        Case{"isolate_just_proposed", Fault::kIsolateLeader, Point::kJustProposed, Expect::kNone},
        Case{"isolate_on_one_follower", Fault::kIsolateLeader, Point::kOnOneFollower,
             Expect::kEither},
        Case{"isolate_applied_on_leader", Fault::kIsolateLeader, Point::kAppliedOnLeader,
             Expect::kAll},
        Case{"kill_just_proposed", Fault::kKillLeader, Point::kJustProposed, Expect::kEither},
        Case{"kill_on_one_follower", Fault::kKillLeader, Point::kOnOneFollower, Expect::kEither},
        Case{"kill_applied_on_leader", Fault::kKillLeader, Point::kAppliedOnLeader,
             Expect::kAll},
        Case{"io_leader_append", Fault::kIoFaultLeader, Point::kJustProposed, Expect::kEither},
        // The follower whose append fails turns RAFT_UNAVAILABLE for good.
        Case{"io_follower_append", Fault::kIoFaultFollower, Point::kJustProposed, Expect::kAll,
             kServers - 1}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

// --- Scenario 2: a follower misses a committed rotation ----------------------

TEST_F(RotationFixture, DisconnectedFollowerCatchesUpAndLearnsTheRotatedSecret) {
  const unsigned leader = ElectLeader();
  ASSERT_NO_FATAL_FAILURE(CommitNormalEntries(leader, kNormalEntries));
  const unsigned lagging = (leader + 1) % kServers;
  Isolate(lagging);

  const SecretBytes secret2 = *secrets::NewSecret(*random_);
  const Version version = server(leader).applied() + 1;
  auto r = Commit(leader, RotationEntry(leader, version, secret2));
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->result, ApplyResult::kApplied);
  auto after = Commit(leader, NormalEntry(leader, version + 1));  // under secret 2
  ASSERT_TRUE(after) << after.error().ToString();
  EXPECT_EQ(after->result, ApplyResult::kApplied);
  EXPECT_LT(server(lagging).applied(), version);
  EXPECT_FALSE(server(lagging).KnowsSecret(2));

  ReconnectAll();
  ASSERT_NE(Quiesce(), kNone);
  EXPECT_EQ(server(lagging).applied(), version + 1);
  ASSERT_TRUE(server(lagging).KnowsSecret(2));
  EXPECT_TRUE(server(lagging).HasSecret(2, secret2));  // decrypted with its own key
  ExpectCommittedKeptAndLedgersEqual(CommittedEntries());
}

// --- Scenario 3: a follower misses a rotation and the log is compacted ------
// Issue 12: the leader can no longer send the entries; it sends a snapshot,
// under the rotated secret. The follower fetches the entries in between
// from a peer's ledger, learns the secret from the rotation entry, and its
// ledger stays byte-identical to the others from version 1.

TEST_F(RotationFixture, AFollowerBehindASnapshotTakenAfterARotationFetchesWhatItMissed) {
  for (unsigned i = 0; i < kServers; ++i) {
    raft_set_snapshot_threshold(raft(i), 8);
    raft_set_snapshot_trailing(raft(i), 2);
  }
  const unsigned leader = ElectLeader();
  ASSERT_NO_FATAL_FAILURE(CommitNormalEntries(leader, kNormalEntries));
  const unsigned lagging = (leader + 1) % kServers;
  Isolate(lagging);

  const SecretBytes secret2 = *secrets::NewSecret(*random_);
  const Version version = server(leader).applied() + 1;
  auto r = Commit(leader, RotationEntry(leader, version, secret2));
  ASSERT_TRUE(r) << r.error().ToString();
  for (Version v = version + 1; v <= version + 30; ++v) {
    auto normal = Commit(leader, NormalEntry(leader, v));  // under secret 2
    ASSERT_TRUE(normal) << normal.error().ToString();
  }
  EXPECT_FALSE(server(lagging).KnowsSecret(2));

  ReconnectAll();
  ASSERT_NE(Quiesce(), kNone);
  EXPECT_GE(server(lagging).adapter->restores(), 1u) << "the leader compacted past it: a snapshot was sent";
  EXPECT_EQ(server(lagging).applied(), version + 30);
  EXPECT_TRUE(server(lagging).HasSecret(2, secret2));
  ExpectCommittedKeptAndLedgersEqual(CommittedEntries());
}

}  // namespace
}  // namespace ledgerseal::kv
