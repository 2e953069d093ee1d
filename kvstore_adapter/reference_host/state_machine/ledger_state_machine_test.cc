#include "base/testing/test_dir.h"
#include "kvstore_adapter/reference_host/state_machine/public/ledger_state_machine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <functional>
#include <map>
#include <optional>

#include "kvstore_adapter/reference_host/proto/ledger.pb.h"
#include "kvstore_adapter/testing/dir_scan.h"

namespace ledgerseal::kv {
namespace {

namespace fs = std::filesystem;
constexpr Table kApp{"app.private", Domain::kPrivate};
constexpr Table kPub{"app.public", Domain::kPublic};
const std::string kMarker = "SM-PRIVATE-MARKER-4d1e";

// One node's state: its key, secrets, store and state machine.
struct Node {
  std::string id;
  fs::path dir;
  std::unique_ptr<crypto::RsaPrivateKey> key;
  std::unique_ptr<crypto::RsaPublicKey> public_key;
  secrets::LedgerSecrets secrets;
  SecretBytes store_key{std::vector<uint8_t>(32, 9)};
  std::unique_ptr<Store> store;
  std::unique_ptr<LedgerStateMachine> sm;
  crypto::OpenSslRandomSource random;
  // The peer source Restore uses (null: the snapshot's image is installed).
  std::function<Result<std::vector<Bytes>>(Version, uint32_t)> fetch_entries;
  uint32_t restore_fetch_budget_ms = 60'000;

  Status Open() {
    sm.reset();
    store.reset();
    auto s = Store::Open(StoreOptions{.dir = dir / "store", .encryption_key = &store_key});
    if (!s) return std::unexpected(s.error());
    store = std::move(*s);
    StateMachineDeps deps{id, key.get(), {}, store.get(), &secrets, &random};
    deps.ledger_options.dir = dir / "ledger";
    deps.fetch_entries = fetch_entries;
    deps.restore_fetch_budget_ms = restore_fetch_budget_ms;
    auto opened = LedgerStateMachine::Open(std::move(deps));
    if (!opened) return std::unexpected(opened.error());
    sm = std::move(*opened);
    return {};
  }
};

std::string FileBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string LedgerBytes(const fs::path& ledger_dir) {
  std::string all;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(ledger_dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) all += f.filename().string() + ":" + FileBytes(f);
  return all;
}

class StateMachineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (int i = 0; i < 3; ++i) {
      auto k = crypto::RsaPrivateKey::Generate(2048);
      ASSERT_TRUE(k);
      keys_.push_back(std::make_unique<crypto::RsaPrivateKey>(std::move(*k)));
    }
  }

  void SetUp() override {
    root_ = ::ledgerseal::testing::TestDir();
    for (int i = 0; i < 3; ++i) {
      auto n = std::make_unique<Node>();
      n->id = "n" + std::to_string(i);
      n->dir = root_ / n->id;
      n->key = std::make_unique<crypto::RsaPrivateKey>(
          *crypto::RsaPrivateKey::FromPkcs8Der(keys_[i]->ToPkcs8Der()->bytes()));
      n->public_key = std::make_unique<crypto::RsaPublicKey>(
          *crypto::RsaPublicKey::FromDer(*n->key->PublicKeyDer()));
      nodes_.push_back(std::move(n));
    }
    secret1_ = *secrets::NewSecret(random_);
    // Secret 1 reaches nodes out of band (genesis creates it; joiners get it
    // in the join response).
    for (auto& n : nodes_) ASSERT_TRUE(n->secrets.Add(1, secret1_.Clone()));
    for (auto& n : nodes_) ASSERT_TRUE(n->Open());
  }

  // Entry `v`, chained to the entry ApplyAll last applied at v - 1 (or to
  // `previous` when given).
  Bytes Entry(Version v, uint64_t secret_version, const SecretBytes& secret, std::string_view value,
              WriteSet extra = {}, uint32_t flags = 0, std::optional<Bytes> previous = std::nullopt) {
    WriteSet ws = std::move(extra);
    EXPECT_TRUE(ws.Put(kApp, AsBytes("k" + std::to_string(v)), AsBytes(std::string(value))));
    EXPECT_TRUE(ws.Put(kPub, AsBytes("last"), AsBytes(std::to_string(v))));
    if (!previous) previous = v == 1 ? Bytes{} : digests_.contains(v - 1) ? digests_[v - 1] : Bytes(32, 0);
    auto e = entry::EncodeEntry(random_, entry::EntryHeader{v, secret_version, flags, "svc", 0, *previous}, ws,
                                secret);
    EXPECT_TRUE(e) << e.error().ToString();
    return *e;
  }

  // Entry `v` rotating to `next` (encrypted under the current `secret`).
  Bytes Rotation(Version v, uint64_t current_version, const SecretBytes& current, const SecretBytes& next) {
    std::vector<secrets::SecretRecipient> recipients;
    for (auto& n : nodes_) recipients.push_back({n->id, n->public_key.get()});
    WriteSet ws;
    EXPECT_TRUE(secrets::WriteRotation(ws, random_, current_version + 1, next,
                                       secrets::PreviousSecret{current_version, &current}, recipients));
    return Entry(v, current_version, current, kMarker, std::move(ws), entry::kFlagRotation);
  }

  void ApplyAll(const Bytes& e, std::initializer_list<size_t> which) {
    for (size_t i : which) {
      auto r = nodes_[i]->sm->Apply(e);
      ASSERT_TRUE(r) << r.error().ToString();
      ASSERT_EQ(r->result, ApplyResult::kApplied);
      digests_[r->version] = *entry::EntryDigest(e);
    }
  }

  static inline std::vector<std::unique_ptr<crypto::RsaPrivateKey>> keys_;
  fs::path root_;
  std::vector<std::unique_ptr<Node>> nodes_;
  crypto::OpenSslRandomSource random_;
  SecretBytes secret1_;
  std::map<Version, Bytes> digests_;  // of the entry ApplyAll last applied at each version
};

TEST_F(StateMachineTest, NodesApplyingTheSameEntriesHaveIdenticalLedgersAndStores) {
  SecretBytes secret2 = *secrets::NewSecret(random_);
  for (Version v = 1; v <= 5; ++v) ApplyAll(Entry(v, 1, secret1_, kMarker), {0, 1});
  ApplyAll(Rotation(6, 1, secret1_, secret2), {0, 1});
  for (Version v = 7; v <= 10; ++v) ApplyAll(Entry(v, 2, secret2, kMarker), {0, 1});

  EXPECT_EQ(nodes_[1]->sm->applied_version(), 10u);
  EXPECT_TRUE(*nodes_[1]->secrets.Get(2) == secret2) << "node 1 learnt the rotated secret";
  EXPECT_EQ(LedgerBytes(nodes_[0]->dir / "ledger"), LedgerBytes(nodes_[1]->dir / "ledger"));
  EXPECT_EQ(nodes_[1]->store->Get("app.private", AsBytes("k9")),
            Result<std::optional<Bytes>>(ToBytes(kMarker)));
  // Private values never reach either node's disk in plaintext.
  EXPECT_EQ(testing::FilesContaining(root_, kMarker), std::vector<std::string>{});
}

TEST_F(StateMachineTest, StaleProposalsAreSkippedIdenticallyAndWriteNothing) {
  ApplyAll(Entry(1, 1, secret1_, "a"), {0});
  const std::string before = LedgerBytes(nodes_[0]->dir / "ledger");
  for (Version v : {1u, 3u}) {  // a duplicate and a gap
    auto r = nodes_[0]->sm->Apply(Entry(v, 1, secret1_, "b"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result, ApplyResult::kStale);
    EXPECT_EQ(r->applied_version, 1u);
  }
  EXPECT_EQ(LedgerBytes(nodes_[0]->dir / "ledger"), before);
  EXPECT_EQ(nodes_[0]->store->applied_version(), 1u);
  auto round_trip = DecodeOutcome(EncodeOutcome(ApplyOutcome{ApplyResult::kStale, 3, 1}));
  ASSERT_TRUE(round_trip);
  EXPECT_EQ(round_trip->version, 3u);
}

TEST_F(StateMachineTest, ATamperedOrUnknownSecretEntryIsAnErrorAndWritesNothing) {
  Bytes e = Entry(1, 1, secret1_, "a");
  e[e.size() - 3] ^= 0x40;
  auto r = nodes_[0]->sm->Apply(e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCorruption);
  auto unknown = nodes_[0]->sm->Apply(Entry(1, 7, secret1_, "a"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(nodes_[0]->sm->applied_version(), kNoVersion);
  EXPECT_EQ(nodes_[0]->store->applied_version(), kNoVersion);
}

TEST_F(StateMachineTest, SnapshotInstallsOnANodeFarBehindAndItContinues) {
  for (Version v = 1; v <= 8; ++v) ApplyAll(Entry(v, 1, secret1_, kMarker), {0});
  ApplyAll(Entry(1, 1, secret1_, "stale-on-n2"), {2});  // n2 holds an older state
  auto snapshot = nodes_[0]->sm->Snapshot();
  ASSERT_TRUE(snapshot) << snapshot.error().ToString();
  const std::string image(snapshot->begin(), snapshot->end());
  EXPECT_EQ(image.find(kMarker), std::string::npos) << "snapshots are encrypted";

  ASSERT_TRUE(nodes_[2]->sm->Restore(*snapshot));
  EXPECT_EQ(nodes_[2]->sm->applied_version(), 8u);
  EXPECT_EQ(nodes_[2]->store->Get("app.private", AsBytes("k1")),
            Result<std::optional<Bytes>>(ToBytes(kMarker)));
  EXPECT_EQ(nodes_[2]->sm->last_entry().digest, nodes_[0]->sm->last_entry().digest)
      << "the snapshot carries the digest of its last entry";
  // The next entry must chain to the snapshot's last entry.
  auto unchained = nodes_[2]->sm->Apply(Entry(9, 1, secret1_, "after", {}, 0, Bytes(32, 0x5a)));
  ASSERT_FALSE(unchained);
  EXPECT_NE(unchained.error().message.find("entry 9 does not follow entry 8"), std::string::npos)
      << unchained.error().message;
  ApplyAll(Entry(9, 1, secret1_, "after"), {0, 2});
  EXPECT_EQ(nodes_[2]->store->Get("app.private", AsBytes("k9")),
            Result<std::optional<Bytes>>(ToBytes("after")));
  // A tampered snapshot is refused.
  Bytes bad = *snapshot;
  bad[bad.size() / 2] ^= 1;
  EXPECT_FALSE(nodes_[1]->sm->Restore(bad));
}

// A peer source reading `ledger_dir` (another node's ledger files), with
// each batch passed through `alter` (a hostile host's chance).
std::function<Result<std::vector<Bytes>>(Version, uint32_t)> PeerLedger(
    fs::path ledger_dir, std::function<void(std::vector<Bytes>&)> alter = nullptr) {
  return [ledger_dir, alter](Version from, uint32_t) -> Result<std::vector<Bytes>> {
    auto view = ledger::LedgerView::Open(ledger_dir);
    if (!view) return std::unexpected(view.error());
    std::vector<Bytes> batch;
    if (from > (*view)->last_version()) return batch;
    auto walked = (*view)->ForEach(from, [&](Version, ByteView e) {
      batch.emplace_back(e.begin(), e.end());
      return batch.size() < 3;  // small batches: several fetches per restore
    });
    if (!walked) return std::unexpected(walked.error());
    if (alter) alter(batch);
    return batch;
  };
}

// Issue 12: a node behind a snapshot taken after a rotation it missed gets
// the entries in between from a peer instead of skipping them: it learns
// the rotated secret, and its ledger stays whole from version 1,
// byte-identical to the peer's.
TEST_F(StateMachineTest, ASnapshotBeyondTheLedgerIsReachedWithTheEntriesInBetweenFromAPeer) {
  SecretBytes secret2 = *secrets::NewSecret(random_);
  for (Version v = 1; v <= 3; ++v) ApplyAll(Entry(v, 1, secret1_, kMarker), {0, 2});
  for (Version v = 4; v <= 5; ++v) ApplyAll(Entry(v, 1, secret1_, kMarker), {0});
  ApplyAll(Rotation(6, 1, secret1_, secret2), {0});
  for (Version v = 7; v <= 10; ++v) ApplyAll(Entry(v, 2, secret2, kMarker), {0});
  auto snapshot = nodes_[0]->sm->Snapshot();
  ASSERT_TRUE(snapshot) << snapshot.error().ToString();

  nodes_[2]->fetch_entries = PeerLedger(nodes_[0]->dir / "ledger");
  ASSERT_TRUE(nodes_[2]->Open());
  EXPECT_FALSE(nodes_[2]->secrets.Get(2)) << "node 2 missed the rotation";
  auto restored = nodes_[2]->sm->Restore(*snapshot);
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_EQ(nodes_[2]->sm->applied_version(), 10u);
  EXPECT_TRUE(*nodes_[2]->secrets.Get(2) == secret2) << "learnt from the fetched rotation entry";
  EXPECT_EQ(LedgerBytes(nodes_[2]->dir / "ledger"), LedgerBytes(nodes_[0]->dir / "ledger"));
  EXPECT_FALSE(fs::exists(nodes_[2]->dir / "ledger.before-snapshot-10"));
  EXPECT_EQ(nodes_[2]->sm->last_entry().digest, nodes_[0]->sm->last_entry().digest);
  ApplyAll(Entry(11, 2, secret2, "after"), {0, 2});
  EXPECT_EQ(nodes_[2]->store->Get("app.private", AsBytes("k11")), Result<std::optional<Bytes>>(ToBytes("after")));
}

// What a peer supplies is hostile until it verifies: an altered entry, an
// authentic run of another history than the snapshot's (a host may keep
// proposals that lost), or no entries at all stop the restore with an
// error naming why, and nothing of the run is applied.
TEST_F(StateMachineTest, EntriesFromAPeerThatDoNotVerifyOrDoNotReachTheSnapshotStopTheRestore) {
  // Node 1 holds another history from version 4 on (authentic entries,
  // chained, but not the ones node 0 committed).
  for (Version v = 1; v <= 3; ++v) ApplyAll(Entry(v, 1, secret1_, kMarker), {0, 1, 2});
  for (Version v = 4; v <= 6; ++v) ApplyAll(Entry(v, 1, secret1_, "other history"), {1});
  for (Version v = 4; v <= 6; ++v) ApplyAll(Entry(v, 1, secret1_, kMarker), {0});
  auto snapshot = nodes_[0]->sm->Snapshot();
  ASSERT_TRUE(snapshot) << snapshot.error().ToString();
  const std::string before = LedgerBytes(nodes_[2]->dir / "ledger");

  nodes_[2]->fetch_entries = PeerLedger(nodes_[0]->dir / "ledger", [](std::vector<Bytes>& batch) {
    batch.front()[batch.front().size() - 3] ^= 0x40;
  });
  ASSERT_TRUE(nodes_[2]->Open());
  auto altered = nodes_[2]->sm->Restore(*snapshot);
  ASSERT_FALSE(altered);
  EXPECT_EQ(altered.error().code, ErrorCode::kCorruption) << altered.error().ToString();
  EXPECT_NE(altered.error().message.find("fetched from peers"), std::string::npos) << altered.error().message;
  EXPECT_EQ(nodes_[2]->sm->applied_version(), 3u);
  EXPECT_EQ(LedgerBytes(nodes_[2]->dir / "ledger"), before);

  nodes_[2]->fetch_entries = PeerLedger(nodes_[1]->dir / "ledger");
  ASSERT_TRUE(nodes_[2]->Open());
  auto other = nodes_[2]->sm->Restore(*snapshot);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kCorruption);
  EXPECT_NE(other.error().message.find("do not end with the entry the snapshot records"), std::string::npos)
      << other.error().message;
  EXPECT_EQ(nodes_[2]->sm->applied_version(), 3u) << "authentic entries of another history are not applied";
  EXPECT_EQ(LedgerBytes(nodes_[2]->dir / "ledger"), before);

  for (auto& n : nodes_) n->fetch_entries = nullptr;
  auto fresh = std::make_unique<Node>();
  fresh->id = "n2";
  fresh->dir = root_ / "n2-fresh";
  fresh->key = std::move(nodes_[2]->key);
  ASSERT_TRUE(fresh->secrets.Add(1, secret1_.Clone()));
  fresh->fetch_entries = [](Version, uint32_t) -> Result<std::vector<Bytes>> {
    return MakeError(ErrorCode::kUnavailable, "no peer answers");
  };
  fresh->restore_fetch_budget_ms = 200;
  ASSERT_TRUE(fresh->Open());
  auto silent = fresh->sm->Restore(*snapshot);
  ASSERT_FALSE(silent);
  EXPECT_EQ(silent.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(silent.error().message.find("no peer answers"), std::string::npos) << silent.error().message;
  EXPECT_EQ(fresh->sm->applied_version(), kNoVersion);
}

// A genuine sibling: a second authentic entry for version 3 (a proposal that
// lost its version race), chained to entry 2. A node that applied the
// committed entry 3 takes the sibling as stale; one that was fed the sibling
// instead refuses the committed entry 4 (chained to the committed 3) and
// stops. A right-version entry with any other link is refused too.
TEST_F(StateMachineTest, AnEntryThatDoesNotFollowTheLastAppliedOneIsRefusedNamingItsVersion) {
  for (Version v = 1; v <= 2; ++v) ApplyAll(Entry(v, 1, secret1_, "a"), {0, 1});
  const Bytes sibling = Entry(3, 1, secret1_, "sibling");
  ApplyAll(Entry(3, 1, secret1_, "committed"), {0});
  const Bytes next = Entry(4, 1, secret1_, "after");

  auto stale = nodes_[0]->sm->Apply(sibling);
  ASSERT_TRUE(stale) << stale.error().ToString();
  EXPECT_EQ(stale->result, ApplyResult::kStale);

  ApplyAll(sibling, {1});
  const std::string before = LedgerBytes(nodes_[1]->dir / "ledger");
  auto refused = nodes_[1]->sm->Apply(next);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kCorruption);
  EXPECT_NE(refused.error().message.find("entry 4 does not follow entry 3 (previous_entry_digest mismatch)"),
            std::string::npos)
      << refused.error().message;
  EXPECT_EQ(nodes_[1]->sm->applied_version(), 3u);
  EXPECT_EQ(nodes_[1]->store->applied_version(), 3u);
  EXPECT_EQ(LedgerBytes(nodes_[1]->dir / "ledger"), before);

  auto wrong = nodes_[0]->sm->Apply(Entry(4, 1, secret1_, "x", {}, 0, Bytes(32, 0)));
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("entry 4 does not follow entry 3"), std::string::npos)
      << wrong.error().message;
  ApplyAll(next, {0});
}

// A snapshot of format 1 (before entries were chained) is refused, saying so.
TEST_F(StateMachineTest, AFormat1SnapshotIsRefusedSayingSo) {
  for (Version v = 1; v <= 3; ++v) ApplyAll(Entry(v, 1, secret1_, kMarker), {0});
  auto snapshot = nodes_[0]->sm->Snapshot();
  ASSERT_TRUE(snapshot) << snapshot.error().ToString();
  ::ledgerseal::ledger::v1::EncryptedSnapshot old;
  ASSERT_TRUE(old.ParseFromArray(snapshot->data(), static_cast<int>(snapshot->size())));
  EXPECT_EQ(old.format_version(), 2u);
  old.set_format_version(1);
  const std::string bytes = old.SerializeAsString();
  auto r = nodes_[2]->sm->Restore(AsBytes(bytes));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kCorruption);
  EXPECT_NE(r.error().message.find("snapshot format 1"), std::string::npos) << r.error().message;
  EXPECT_EQ(nodes_[2]->sm->applied_version(), kNoVersion);
}

// A crash between the ledger append and the store apply leaves the store one
// entry behind; reopening re-applies it from the ledger files.
TEST_F(StateMachineTest, ReopenCatchesTheStoreUpWithTheLedger) {
  for (Version v = 1; v <= 5; ++v) ApplyAll(Entry(v, 1, secret1_, "x" + std::to_string(v)), {0});
  for (Version v = 1; v <= 4; ++v) ApplyAll(Entry(v, 1, secret1_, "x" + std::to_string(v)), {1});
  nodes_[0]->sm.reset();
  nodes_[1]->sm.reset();
  nodes_[1]->store.reset();
  fs::remove_all(nodes_[1]->dir / "ledger");
  fs::copy(nodes_[0]->dir / "ledger", nodes_[1]->dir / "ledger");
  ASSERT_TRUE(nodes_[1]->Open());
  EXPECT_EQ(nodes_[1]->store->applied_version(), 5u);
  EXPECT_EQ(nodes_[1]->store->Get("app.private", AsBytes("k5")),
            Result<std::optional<Bytes>>(ToBytes("x5")));
  // Opening found the digest of the files' last entry: the next entry chains.
  ASSERT_TRUE(nodes_[0]->Open());
  ApplyAll(Entry(6, 1, secret1_, "x6"), {0, 1});
}

// Issue 15: one flipped byte inside the newest complete ledger frame is
// damage, not a torn write. Opening refuses it naming the chunk file and the
// frame's offset, and changes no byte; only an incomplete last frame is cut,
// after its bytes were kept next to the chunk.
TEST_F(StateMachineTest, ADamagedNewestFrameStopsOpeningAndOnlyATornOneIsCut) {
  Bytes last_entry;
  for (Version v = 1; v <= 5; ++v) {
    last_entry = Entry(v, 1, secret1_, "x" + std::to_string(v));
    ApplyAll(last_entry, {0});
  }
  nodes_[0]->sm.reset();
  const fs::path ledger_dir = nodes_[0]->dir / "ledger";
  std::vector<fs::path> chunks;
  for (const auto& e : fs::directory_iterator(ledger_dir)) chunks.push_back(e.path());
  std::sort(chunks.begin(), chunks.end());
  ASSERT_FALSE(chunks.empty());
  const fs::path chunk = chunks.back();
  std::string bytes = FileBytes(chunk);
  const uint64_t frame_offset = bytes.size() - (36 + last_entry.size());  // FORMAT.md §9.3
  bytes[bytes.size() - 12 - last_entry.size() / 2] ^= 0x01;               // inside the payload
  { std::ofstream(chunk, std::ios::binary | std::ios::trunc) << bytes; }
  const std::string damaged = LedgerBytes(ledger_dir);

  auto reopened = nodes_[0]->Open();
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().code, ErrorCode::kCorruption) << reopened.error().ToString();
  EXPECT_NE(reopened.error().message.find(chunk.string()), std::string::npos) << reopened.error().message;
  EXPECT_NE(reopened.error().message.find("offset " + std::to_string(frame_offset)), std::string::npos)
      << reopened.error().message;
  EXPECT_EQ(LedgerBytes(ledger_dir), damaged) << "a refused open changed the ledger files";

  // A torn write instead: the last frame lost its last 5 bytes (the store
  // never saw that entry: it is rebuilt from the ledger).
  bytes[bytes.size() - 12 - last_entry.size() / 2] ^= 0x01;
  bytes.resize(bytes.size() - 5);
  { std::ofstream(chunk, std::ios::binary | std::ios::trunc) << bytes; }
  nodes_[0]->store.reset();
  fs::remove_all(nodes_[0]->dir / "store");
  auto torn = nodes_[0]->Open();
  ASSERT_TRUE(torn) << torn.error().ToString();
  EXPECT_EQ(nodes_[0]->sm->applied_version(), 4u);
  const auto& report = nodes_[0]->sm->ledger_recovery_report();
  ASSERT_EQ(report.dropped.size(), 1u);
  EXPECT_EQ(report.dropped[0].offset_bytes, frame_offset);
  EXPECT_EQ(FileBytes(report.dropped[0].kept_copy), bytes.substr(frame_offset));
}

}  // namespace
}  // namespace ledgerseal::kv
