#include "kvstore_adapter/reference_host/recovery/public/recover_into_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <set>
#include <string>

#include "base/testing/test_dir.h"
#include "crypto/public/random_source.h"
#include "kvstore_adapter/reference_host/recovery/public/file_secret_hook.h"
#include "kvstore_adapter/reference_host/recovery/testing/test_ledger.h"

namespace ledgerseal::kv {
namespace {

namespace fs = std::filesystem;
constexpr Version kEntries = 12;
constexpr Version kRotationAt = 6;

// Every path under `root`, relative to it: what a failed recovery must not
// change.
std::set<std::string> Listing(const fs::path& root) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) out.insert(fs::relative(e.path(), root).string());
  return out;
}

// A ledger of kEntries entries with one rotation (secret 1 -> 2) at
// kRotationAt (testing/test_ledger.h); the file hook holds the latest secret.
class RecoverIntoStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = ledgerseal::testing::TestDir();
    auto ledger = kv::testing::WriteTestLedger({.dir = root_, .entries = kEntries, .rotate_at = {kRotationAt}});
    ASSERT_TRUE(ledger) << ledger.error().ToString();
    ledger_dir_ = ledger->ledger_dir;
    latest_ = std::move(ledger->latest);
    service_id_ = ledger->service_id;
    ASSERT_TRUE(WriteSecretFile(root_ / "secret", 2, latest_));
    ASSERT_TRUE(hooks_.RegisterRecoveryHook("file", std::make_shared<FileSecretRecoveryHook>(root_ / "secret")));
  }

  fs::path ledger_dir() const { return ledger_dir_; }
  fs::path store_dir() const { return root_ / "store"; }

  Result<RecoverIntoStoreReport> Recover(const RecoverIntoStoreOptions& options = {}) {
    return RecoverIntoStore(ledger_dir(), store_dir(), store_key_, hooks_, options, secrets_);
  }

  // The installed store, reopened as a caller would.
  std::unique_ptr<Store> OpenInstalled() {
    auto store = Store::Open(StoreOptions{.dir = store_dir(), .encryption_key = &store_key_,
                                          .create_if_missing = false});
    EXPECT_TRUE(store) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  fs::path root_;
  fs::path ledger_dir_;
  crypto::OpenSslRandomSource random_;
  SecretBytes store_key_{std::vector<uint8_t>(32, 9)};
  SecretBytes latest_;
  std::string service_id_;
  HookRegistry hooks_;
  secrets::LedgerSecrets secrets_;
};

TEST_F(RecoverIntoStoreTest, InstallsAFlushedStoreAndReportsWhatItDid) {
  std::vector<std::pair<uint64_t, uint64_t>> progress;
  RecoverIntoStoreOptions options;
  options.progress = [&](uint64_t done, uint64_t total) { progress.emplace_back(done, total); };
  options.progress_every = 5;
  auto r = Recover(options);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->recovery.entries_replayed, kEntries);
  EXPECT_EQ(r->recovery.replayed_to, kEntries);
  EXPECT_EQ(r->recovery.outcome.hook_name, "file");
  EXPECT_EQ(r->recovery.outcome.secret.ledger_secret_version, 2u);
  EXPECT_EQ(r->recovery.previous_service_id, service_id_);
  EXPECT_GE(r->total_ms, r->recovery.time_to_secret_ms);
  EXPECT_GE(r->total_ms, r->flush_ms);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), (std::pair<uint64_t, uint64_t>{kEntries, kEntries}));
  EXPECT_EQ(secrets_.versions(), (std::vector<uint64_t>{1, 2}));
  EXPECT_FALSE(fs::exists(RecoveryScratchDir(store_dir())));

  auto store = OpenInstalled();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->applied_version(), kEntries);
  for (Version v = 1; v <= kEntries; ++v) {
    EXPECT_EQ(store->Get("app.private", AsBytes("k" + std::to_string(v))),
              Result<std::optional<Bytes>>(ToBytes("v" + std::to_string(v))));
  }
}

TEST_F(RecoverIntoStoreTest, AFailedRecoveryLeavesTheDirectoryAndTheSecretsAsItFoundThem) {
  ASSERT_TRUE(WriteSecretFile(root_ / "secret", 2, *secrets::NewSecret(random_)));  // the wrong secret
  ASSERT_TRUE(secrets_.Add(7, *secrets::NewSecret(random_)));
  const auto before = Listing(root_);
  auto r = Recover();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRecoveryFailed);
  EXPECT_NE(r.error().message.find("secret chain"), std::string::npos) << r.error().message;
  EXPECT_EQ(Listing(root_), before);
  EXPECT_EQ(secrets_.versions(), (std::vector<uint64_t>{7}));
}

TEST_F(RecoverIntoStoreTest, WithoutAHookThatFindsASecretNothingIsInstalled) {
  // Without a hook that finds a secret nothing can be replayed: the error is
  // RecoverLedger's, and no store appears.
  HookRegistry none;
  const auto before = Listing(root_);
  auto r = RecoverIntoStore(ledger_dir(), store_dir(), store_key_, none, {}, secrets_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRecoveryFailed);
  EXPECT_EQ(Listing(root_), before);
}

TEST_F(RecoverIntoStoreTest, AnExistingStoreIsRefusedWithoutBeforeInstall) {
  fs::create_directories(store_dir());
  std::ofstream(store_dir() / "marker") << "old";
  const auto before = Listing(root_);
  auto r = Recover();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find(store_dir().string()), std::string::npos) << r.error().message;
  EXPECT_EQ(Listing(root_), before);
}

TEST_F(RecoverIntoStoreTest, BeforeInstallSeesTheResultAndMakesRoom) {
  fs::create_directories(store_dir());
  std::ofstream(store_dir() / "marker") << "old";
  RecoverIntoStoreOptions options;
  int calls = 0;
  options.before_install = [&](const RecoverResult& recovered) -> Status {
    ++calls;
    EXPECT_EQ(recovered.replayed_to, kEntries);
    EXPECT_TRUE(fs::exists(RecoveryScratchDir(store_dir())));
    std::error_code ec;
    fs::rename(store_dir(), root_ / "kept", ec);
    if (ec) return MakeError(ErrorCode::kIoError, ec.message());
    return {};
  };
  auto r = Recover(options);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(fs::exists(root_ / "kept" / "marker"));
  auto store = OpenInstalled();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->applied_version(), kEntries);
}

TEST_F(RecoverIntoStoreTest, ABeforeInstallErrorDiscardsTheScratchStore) {
  fs::create_directories(store_dir());
  std::ofstream(store_dir() / "marker") << "old";
  const auto before = Listing(root_);
  RecoverIntoStoreOptions options;
  options.before_install = [](const RecoverResult&) -> Status {
    return MakeError(ErrorCode::kIoError, "no room");
  };
  auto r = Recover(options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), (Error{ErrorCode::kIoError, "no room"}));
  EXPECT_EQ(Listing(root_), before);
  EXPECT_TRUE(secrets_.versions().empty());
}

// A failed install after before_install made room: before_install moves the
// old store aside as the node does, then something (here the callback
// itself, standing in for the host) puts a non-empty directory at
// store_dir, so renaming the scratch store there fails.
class FailedInstallTest : public RecoverIntoStoreTest {
 protected:
  void SetUp() override {
    RecoverIntoStoreTest::SetUp();
    fs::create_directories(store_dir());
    std::ofstream(store_dir() / "marker") << "old";
    before_ = Listing(root_);
    options_.before_install = [this](const RecoverResult&) -> Status {
      ++before_calls_;
      std::error_code ec;
      fs::rename(store_dir(), aside(), ec);
      if (ec) return MakeError(ErrorCode::kIoError, ec.message());
      fs::create_directories(store_dir() / "blocker");
      return {};
    };
  }

  fs::path aside() const { return root_ / "before-recovery-1"; }

  RecoverIntoStoreOptions options_;
  std::set<std::string> before_;
  int before_calls_ = 0;
  int undo_calls_ = 0;
};

TEST_F(FailedInstallTest, UndoBeforeInstallPutsTheOldStoreBack) {
  options_.undo_before_install = [this]() -> Status {
    ++undo_calls_;
    EXPECT_TRUE(fs::exists(RecoveryScratchDir(store_dir()))) << "the scratch store is removed after the undo";
    std::error_code ec;
    fs::remove_all(store_dir(), ec);
    if (!ec) fs::rename(aside(), store_dir(), ec);
    if (ec) return MakeError(ErrorCode::kIoError, ec.message());
    return {};
  };
  auto r = Recover(options_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIoError);
  EXPECT_NE(r.error().message.find("installing the recovered store in " + store_dir().string()), std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().message.find("undoing"), std::string::npos) << r.error().message;
  EXPECT_EQ(before_calls_, 1);
  EXPECT_EQ(undo_calls_, 1);
  // Exactly as found: the old store in place, no scratch store, no secrets.
  EXPECT_EQ(Listing(root_), before_);
  EXPECT_TRUE(secrets_.versions().empty());
}

TEST_F(FailedInstallTest, AFailedUndoIsReportedWithTheInstallError) {
  options_.undo_before_install = [this]() -> Status {
    ++undo_calls_;
    return MakeError(ErrorCode::kIoError, "the old store stays in " + aside().string());
  };
  auto r = Recover(options_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIoError);
  EXPECT_NE(r.error().message.find("installing the recovered store"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("undoing before_install failed too: io_error: the old store stays in " +
                                   aside().string()),
            std::string::npos)
      << r.error().message;
  EXPECT_EQ(undo_calls_, 1);
  EXPECT_FALSE(fs::exists(RecoveryScratchDir(store_dir())));
  EXPECT_TRUE(fs::exists(aside() / "marker"));
}

TEST_F(RecoverIntoStoreTest, UndoBeforeInstallRunsOnlyAfterAFailedInstall) {
  int undo_calls = 0;
  RecoverIntoStoreOptions options;
  options.undo_before_install = [&]() -> Status {
    ++undo_calls;
    return {};
  };
  // before_install fails: it undoes its own work, the undo is not called.
  options.before_install = [](const RecoverResult&) -> Status { return MakeError(ErrorCode::kIoError, "no room"); };
  ASSERT_FALSE(Recover(options));
  EXPECT_EQ(undo_calls, 0);
  // The install succeeds: nothing to undo.
  options.before_install = [](const RecoverResult&) -> Status { return {}; };
  auto r = Recover(options);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(undo_calls, 0);
}

TEST_F(RecoverIntoStoreTest, StopAbandonsTheReplay) {
  std::atomic<bool> stop{false};
  RecoverIntoStoreOptions options;
  options.stop = &stop;
  options.progress_every = 3;
  // The first progress report (after the first run of entries is applied)
  // asks to stop.
  options.progress = [&](uint64_t, uint64_t) { stop.store(true); };
  const auto before = Listing(root_);
  auto r = Recover(options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAborted);
  EXPECT_NE(r.error().message.find("stopped during replay"), std::string::npos) << r.error().message;
  EXPECT_EQ(Listing(root_), before);
}

TEST_F(RecoverIntoStoreTest, AStopSetBeforehandRunsNoHook) {
  std::atomic<bool> stop{true};
  RecoverIntoStoreOptions options;
  options.stop = &stop;
  auto r = Recover(options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAborted);
  EXPECT_NE(r.error().message.find("before the recovery hooks ran"), std::string::npos) << r.error().message;
  EXPECT_FALSE(fs::exists(store_dir()));
}

TEST_F(RecoverIntoStoreTest, AScratchStoreLeftByAnEarlierAttemptIsReplaced) {
  const fs::path scratch = RecoveryScratchDir(store_dir());
  fs::create_directories(scratch);
  std::ofstream(scratch / "leftover") << "x";
  auto r = Recover();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_FALSE(fs::exists(scratch));
  EXPECT_FALSE(fs::exists(store_dir() / "leftover"));
}

TEST(RecoveryScratchDir, SitsNextToTheStore) {
  EXPECT_EQ(RecoveryScratchDir("/d/store"), fs::path("/d/store.recovering"));
  EXPECT_EQ(RecoveryScratchDir("/d/store/"), fs::path("/d/store.recovering"));
  EXPECT_EQ(RecoveryScratchDir("/d/./x/../store"), fs::path("/d/store.recovering"));
}

}  // namespace
}  // namespace ledgerseal::kv
