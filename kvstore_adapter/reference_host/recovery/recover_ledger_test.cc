#include "kvstore_adapter/reference_host/recovery/public/recover_ledger.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "base/testing/test_dir.h"
#include "crypto/public/random_source.h"
#include "kvstore_adapter/reference_host/recovery/public/file_secret_hook.h"
#include "kvstore_adapter/reference_host/recovery/public/ledger_file_reader.h"
#include "kvstore_adapter/reference_host/recovery/testing/test_ledger.h"

namespace ledgerseal::kv {
namespace {

namespace fs = std::filesystem;
constexpr Version kEntries = 30;

// A ledger of kEntries entries with rotations at versions 10 and 20, in
// several chunks (testing/test_ledger.h).
class RecoverLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = ::ledgerseal::testing::TestDir();
    auto ledger = kv::testing::WriteTestLedger(
        {.dir = root_, .entries = kEntries, .rotate_at = {10, 20}, .max_chunk_bytes = 4096});
    ASSERT_TRUE(ledger) << ledger.error().ToString();
    ledger_dir_ = ledger->ledger_dir;
    latest_version_ = ledger->latest_version;
    latest_ = std::move(ledger->latest);
    service_id_ = ledger->service_id;
    ASSERT_EQ(latest_version_, 3u);
  }

  fs::path ledger_dir() const { return ledger_dir_; }

  // Recovers into a new store at `store_dir` (kept in recovered_store_) with
  // `hooks`, or the fixture's own hooks_.
  Result<RecoverResult> Recover(secrets::LedgerSecrets& out, const fs::path& store_dir,
                                const HookRegistry* hooks = nullptr) {
    auto store = Store::Open(StoreOptions{.dir = store_dir, .encryption_key = &store_key_});
    EXPECT_TRUE(store);
    recovered_store_ = std::move(*store);
    RecoverOptions options;
    options.ledger_dir = ledger_dir();
    options.store = recovered_store_.get();
    options.hooks = hooks != nullptr ? hooks : &hooks_;
    options.progress = [this](uint64_t done, uint64_t total) { progress_.emplace_back(done, total); };
    options.progress_every = 7;
    return RecoverLedger(options, out);
  }

  void UseSecretFile(uint64_t version, const SecretBytes& secret) {
    ASSERT_TRUE(WriteSecretFile(root_ / "secret", version, secret));
    ASSERT_TRUE(hooks_.RegisterRecoveryHook("file", std::make_shared<FileSecretRecoveryHook>(root_ / "secret")));
  }

  fs::path root_;
  fs::path ledger_dir_;
  crypto::OpenSslRandomSource random_;
  SecretBytes store_key_{std::vector<uint8_t>(32, 4)};
  SecretBytes latest_;
  uint64_t latest_version_ = 0;
  std::string service_id_;
  HookRegistry hooks_;
  std::unique_ptr<Store> recovered_store_;
  std::vector<std::pair<uint64_t, uint64_t>> progress_;
};

TEST_F(RecoverLedgerTest, LatestSecretRecoversEverySecretAndEveryEntry) {
  UseSecretFile(latest_version_, latest_);
  secrets::LedgerSecrets out;
  auto r = Recover(out, root_ / "fresh");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->replayed_to, kEntries);
  EXPECT_EQ(r->entries_replayed, kEntries);
  EXPECT_EQ(r->previous_service_id, service_id_);
  EXPECT_EQ(r->outcome.hook_name, "file");
  EXPECT_TRUE(r->ledger_report.clean());
  EXPECT_EQ(out.latest_version(), 3u);
  for (uint64_t v = 1; v <= 3; ++v) EXPECT_TRUE(out.Get(v)) << v;
  for (Version v = 1; v <= kEntries; ++v) {
    EXPECT_EQ(recovered_store_->Get("app.private", AsBytes("k" + std::to_string(v))),
              Result<std::optional<Bytes>>(ToBytes("v" + std::to_string(v))));
  }
  ASSERT_FALSE(progress_.empty());
  EXPECT_EQ(progress_.back(), (std::pair<uint64_t, uint64_t>{kEntries, kEntries}));
}

TEST_F(RecoverLedgerTest, AWrongSecretFailsAndNamesWhatFailed) {
  UseSecretFile(latest_version_, *secrets::NewSecret(random_));
  secrets::LedgerSecrets out;
  auto r = Recover(out, root_ / "fresh");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRecoveryFailed);
  EXPECT_NE(r.error().message.find("secret chain"), std::string::npos) << r.error().message;
}

TEST_F(RecoverLedgerTest, AnOlderSecretCannotReplayLaterEntries) {
  secrets::LedgerSecrets probe;
  ASSERT_TRUE(probe.Add(3, latest_.Clone()));
  // Recover secret 2 only: entries under secret 3 cannot be verified.
  auto links = [&] {
    auto view = ledger::LedgerView::Open(ledger_dir());
    LedgerFileReader reader(**view);
    std::map<uint64_t, Bytes> all;
    while (true) {
      auto e = reader.Previous();
      if (!e || !*e) break;
      all.merge(secrets::ChainLinksIn((*e)->public_writes));
    }
    return all;
  }();
  ASSERT_TRUE(probe.UnwindChain(3, links));
  UseSecretFile(2, *probe.Get(2));
  secrets::LedgerSecrets out;
  auto r = Recover(out, root_ / "fresh");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("entry 21"), std::string::npos) << r.error().message;
}

TEST_F(RecoverLedgerTest, AnEntryThatDoesNotAuthenticateStopsRecoveryNamingItsVersion) {
  // Rewrite the ledger with one entry's payload altered (valid frames, so
  // only the AES-GCM tag can notice).
  auto view = ledger::LedgerView::Open(ledger_dir());
  ASSERT_TRUE(view);
  const fs::path tampered = root_ / "tampered";
  {
    auto writer = ledger::LedgerWriter::Open(ledger::LedgerOptions{.dir = tampered});
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*view)->ForEach(1, [&](Version v, ByteView bytes) {
      Bytes copy(bytes.begin(), bytes.end());
      if (v == 15) copy[copy.size() - 20] ^= 0x01;
      return (*writer)->Append(v, copy).has_value();
    }));
  }
  view->reset();
  fs::remove_all(ledger_dir());
  fs::rename(tampered, ledger_dir());
  UseSecretFile(latest_version_, latest_);
  secrets::LedgerSecrets out;
  auto r = Recover(out, root_ / "fresh");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRecoveryFailed);
  EXPECT_NE(r.error().message.find("entry 15"), std::string::npos) << r.error().message;
}

// A genuine sibling (a second authentic entry for version 12, as a proposal
// that lost its version race would be) spliced in mid-ledger, every later
// entry kept: each entry authenticates, only the chain tells the history
// apart. Replay stops at the entry that does not follow it.
TEST_F(RecoverLedgerTest, AGenuineSiblingSplicedMidLedgerIsRefusedNamingTheVersion) {
  auto spliced = kv::testing::WriteTestLedger({.dir = root_ / "spliced",
                                               .entries = kEntries,
                                               .rotate_at = {10, 20},
                                               .max_chunk_bytes = 4096,
                                               .sibling_at = 12});
  ASSERT_TRUE(spliced) << spliced.error().ToString();
  ledger_dir_ = spliced->ledger_dir;
  UseSecretFile(spliced->latest_version, spliced->latest);
  secrets::LedgerSecrets out;
  auto r = Recover(out, root_ / "fresh");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRecoveryFailed);
  EXPECT_NE(r.error().message.find("entry 13 does not follow entry 12 (previous_entry_digest mismatch)"),
            std::string::npos)
      << r.error().message;
}

// The same across many runs of the pipelined replay (256 entries each):
// nothing past the last entry that verified and chains reaches the store,
// and every earlier run does.
TEST_F(RecoverLedgerTest, ALateSiblingStopsAPipelinedReplayBeforeItReachesTheStore) {
  constexpr Version kMany = 1500, kSibling = 1300;
  auto spliced = kv::testing::WriteTestLedger({.dir = root_ / "many",
                                               .entries = kMany,
                                               .rotate_at = {10, 700},
                                               .max_chunk_bytes = 64 * 1024,
                                               .sibling_at = kSibling});
  ASSERT_TRUE(spliced) << spliced.error().ToString();
  ledger_dir_ = spliced->ledger_dir;
  UseSecretFile(spliced->latest_version, spliced->latest);
  secrets::LedgerSecrets out;
  auto r = Recover(out, root_ / "fresh-many");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("entry " + std::to_string(kSibling + 1) + " does not follow entry " +
                                   std::to_string(kSibling)),
            std::string::npos)
      << r.error().message;
  EXPECT_LE(recovered_store_->applied_version(), kSibling) << "an entry past the break reached the store";
  EXPECT_GE(recovered_store_->applied_version(), 1024u) << "the runs before the break were applied";
}

// A stop set while the pipelined replay runs ends it with kAborted before
// the ledger's end.
TEST_F(RecoverLedgerTest, AStopDuringAPipelinedReplayAbandonsIt) {
  constexpr Version kMany = 1500;
  auto ledger = kv::testing::WriteTestLedger(
      {.dir = root_ / "long", .entries = kMany, .rotate_at = {10}, .max_chunk_bytes = 64 * 1024});
  ASSERT_TRUE(ledger) << ledger.error().ToString();
  ledger_dir_ = ledger->ledger_dir;
  UseSecretFile(ledger->latest_version, ledger->latest);
  auto store = Store::Open(StoreOptions{.dir = root_ / "fresh-long", .encryption_key = &store_key_});
  ASSERT_TRUE(store);
  std::atomic<bool> stop{false};
  RecoverOptions options;
  options.ledger_dir = ledger_dir();
  options.store = store->get();
  options.hooks = &hooks_;
  options.stop = &stop;
  options.progress_every = 1;
  options.progress = [&](uint64_t, uint64_t) { stop.store(true); };  // after the first run
  secrets::LedgerSecrets out;
  auto r = RecoverLedger(options, out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAborted) << r.error().ToString();
  EXPECT_LT((*store)->applied_version(), kMany);
}

TEST_F(RecoverLedgerTest, ATornTailIsDroppedAndReported) {
  std::vector<fs::path> chunks;
  for (const auto& e : fs::directory_iterator(ledger_dir())) chunks.push_back(e.path());
  std::sort(chunks.begin(), chunks.end());
  fs::resize_file(chunks.back(), fs::file_size(chunks.back()) - 5);
  UseSecretFile(latest_version_, latest_);
  secrets::LedgerSecrets out;
  auto r = Recover(out, root_ / "fresh");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->replayed_to, kEntries - 1);
  EXPECT_FALSE(r->ledger_report.clean());
  EXPECT_EQ(recovered_store_->Get("app.private", AsBytes("k" + std::to_string(kEntries))),
            Result<std::optional<Bytes>>(std::nullopt));
}

// Issue 15: a flipped byte inside the newest complete frame is damage, not a
// torn write: recovery stops naming the chunk file and offset instead of
// dropping that committed entry, and leaves the file as it was.
TEST_F(RecoverLedgerTest, ADamagedNewestFrameStopsRecoveryNamingTheChunk) {
  std::vector<fs::path> chunks;
  for (const auto& e : fs::directory_iterator(ledger_dir())) chunks.push_back(e.path());
  std::sort(chunks.begin(), chunks.end());
  const fs::path chunk = chunks.back();
  std::string bytes;
  {
    std::ifstream in(chunk, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bytes[bytes.size() - 20] ^= 0x01;  // the newest frame's payload, 8 bytes before its trailer
  { std::ofstream(chunk, std::ios::binary | std::ios::trunc) << bytes; }
  UseSecretFile(latest_version_, latest_);
  secrets::LedgerSecrets out;
  auto r = Recover(out, root_ / "fresh");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRecoveryFailed);
  EXPECT_NE(r.error().message.find("corruption"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(chunk.string() + " offset "), std::string::npos) << r.error().message;
  EXPECT_EQ(recovered_store_->applied_version(), kNoVersion);
  std::ifstream in(chunk, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()), bytes);
}

TEST_F(RecoverLedgerTest, WithoutAnyHookRecoveryFailsAndWritesNothing) {
  secrets::LedgerSecrets out;
  auto r = Recover(out, root_ / "fresh");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRecoveryFailed);
  EXPECT_EQ(recovered_store_->applied_version(), kNoVersion);
}

TEST_F(RecoverLedgerTest, ReaderReadsPublicPartsNewestFirst) {
  auto view = ledger::LedgerView::Open(ledger_dir());
  ASSERT_TRUE(view);
  LedgerFileReader reader(**view);
  EXPECT_EQ(reader.last_version(), kEntries);
  auto newest = reader.Previous();
  ASSERT_TRUE(newest && *newest);
  EXPECT_EQ((*newest)->version, kEntries);
  EXPECT_EQ((*newest)->ledger_secret_version, 3u);
  EXPECT_FALSE((*newest)->public_writes.Touches("app.private"));
}

// The file hook, but claiming its material was found at `found_at`.
class FoundAtHook : public RecoveryHook {
 public:
  FoundAtHook(fs::path secret_file, Version found_at) : file_(std::move(secret_file)), found_at_(found_at) {}
  Result<RecoveredSecret> Unseal(const RecoveryContext& ctx) override {
    auto secret = file_.Unseal(ctx);
    if (secret) secret->found_at_version = found_at_;
    return secret;
  }
  Status OnRecovered(Transaction& tx, const RecoveredSecret& secret) override { return file_.OnRecovered(tx, secret); }

 private:
  FileSecretRecoveryHook file_;
  Version found_at_;
};

TEST_F(RecoverLedgerTest, AHookNamingAVersionOutsideTheLedgerIsRefusedBeforeReplay) {
  // found_at_version comes from what the hook read, ultimately the ledger
  // files: replay could never authenticate a version the ledger lacks.
  ASSERT_TRUE(WriteSecretFile(root_ / "secret", latest_version_, latest_));
  for (const Version found_at : {kNoVersion, kEntries + 1}) {
    SCOPED_TRACE(found_at);
    HookRegistry hooks;
    ASSERT_TRUE(hooks.RegisterRecoveryHook("claims", std::make_shared<FoundAtHook>(root_ / "secret", found_at)));
    secrets::LedgerSecrets out;
    auto r = Recover(out, root_ / ("fresh" + std::to_string(found_at)), &hooks);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kRecoveryFailed);
    EXPECT_NE(r.error().message.find("'claims' found its material at version " + std::to_string(found_at) +
                                     ", outside the ledger (1.." + std::to_string(kEntries) + ")"),
              std::string::npos)
        << r.error().message;
    EXPECT_EQ(recovered_store_->applied_version(), kNoVersion);
    EXPECT_TRUE(out.versions().empty());
  }
}

TEST_F(RecoverLedgerTest, AHookNamingAnEntryWhoseSecretItReturnsIsAccepted) {
  // Secret 3 is in force after entry 20 (which rotates to it) and every later one.
  ASSERT_TRUE(WriteSecretFile(root_ / "secret", latest_version_, latest_));
  for (const Version found_at : {Version{20}, kEntries}) {
    SCOPED_TRACE(found_at);
    HookRegistry hooks;
    ASSERT_TRUE(hooks.RegisterRecoveryHook("claims", std::make_shared<FoundAtHook>(root_ / "secret", found_at)));
    secrets::LedgerSecrets out;
    auto r = Recover(out, root_ / ("fresh" + std::to_string(found_at)), &hooks);
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->outcome.secret.found_at_version, found_at);
    EXPECT_EQ(r->replayed_to, kEntries);
  }
}

TEST_F(RecoverLedgerTest, AHookNamingAnEntryOfAnotherSecretIsRefused) {
  // A sealing record is written with the secret it seals: material claimed
  // to come from an entry under an older secret was not written there.
  ASSERT_TRUE(WriteSecretFile(root_ / "secret", latest_version_, latest_));
  for (const Version found_at : {Version{1}, Version{19}}) {
    SCOPED_TRACE(found_at);
    HookRegistry hooks;
    ASSERT_TRUE(hooks.RegisterRecoveryHook("claims", std::make_shared<FoundAtHook>(root_ / "secret", found_at)));
    secrets::LedgerSecrets out;
    auto r = Recover(out, root_ / ("fresh" + std::to_string(found_at)), &hooks);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kRecoveryFailed);
    EXPECT_NE(r.error().message.find("secret 3 is not the secret in force after entry " + std::to_string(found_at)),
              std::string::npos)
        << r.error().message;
  }
}

}  // namespace
}  // namespace ledgerseal::kv
