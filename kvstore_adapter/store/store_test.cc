#include "base/testing/test_dir.h"
#include "kvstore_adapter/store/public/store.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <vector>

#include "kvstore_adapter/testing/dir_scan.h"

namespace ledgerseal::kv {
namespace {

constexpr Table kPub{"app.public", Domain::kPublic};
constexpr Table kPriv{"app.private", Domain::kPrivate};

SecretBytes KeyOf(uint8_t fill) { return SecretBytes(std::vector<uint8_t>(32, fill)); }

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::ledgerseal::testing::TestDir();
  }
  std::unique_ptr<Store> OpenStore(const SecretBytes& key) {
    auto s = Store::Open(StoreOptions{.dir = dir_, .encryption_key = &key});
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }
  std::filesystem::path dir_;
  SecretBytes key_ = KeyOf(7);
};

WriteSet Writes(std::string_view pub_value, std::string_view priv_value) {
  WriteSet ws;
  EXPECT_TRUE(ws.Put(kPub, AsBytes("k"), AsBytes(pub_value)));
  EXPECT_TRUE(ws.Put(kPriv, AsBytes("k"), AsBytes(priv_value)));
  return ws;
}

TEST_F(StoreTest, AppliesAndSurvivesReopen) {
  {
    auto store = OpenStore(key_);
    ASSERT_EQ(store->applied_version(), kNoVersion);
    ASSERT_EQ(store->Apply(1, Writes("p1", "s1")), Result<bool>(true));
    WriteSet removal;
    ASSERT_TRUE(removal.Remove(kPub, AsBytes("k")));
    ASSERT_EQ(store->Apply(2, removal), Result<bool>(true));
  }
  auto store = OpenStore(key_);
  EXPECT_EQ(store->applied_version(), 2u);
  EXPECT_EQ(store->Get("app.public", AsBytes("k")), Result<std::optional<Bytes>>(std::nullopt));
  EXPECT_EQ(store->Get("app.private", AsBytes("k")),
            Result<std::optional<Bytes>>(ToBytes("s1")));
  EXPECT_EQ(store->Get("never.written", AsBytes("k")),
            Result<std::optional<Bytes>>(std::nullopt));
  const auto tables = store->tables();
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0], (std::pair<std::string, Domain>{"app.private", Domain::kPrivate}));
}

TEST_F(StoreTest, ARunOfVersionsIsOneBatchAndItsNewTablesAreRecordedOnce) {
  {
    auto store = OpenStore(key_);
    WriteSet first, second, third;
    ASSERT_TRUE(first.Put(kPub, AsBytes("a"), AsBytes("1")));
    ASSERT_TRUE(second.Put(kPub, AsBytes("b"), AsBytes("2")));  // the same new table again
    ASSERT_TRUE(second.Put(kPriv, AsBytes("c"), AsBytes("3")));
    ASSERT_TRUE(third.Remove(kPub, AsBytes("a")));
    const std::vector<WriteSet> run = {first, second, third};
    ASSERT_EQ(store->ApplyRun(1, run), Result<bool>(true));
    EXPECT_EQ(store->applied_version(), 3u);
    EXPECT_EQ(store->ApplyRun(1, run), Result<bool>(false)) << "an applied run writes nothing";
    auto overlap = store->ApplyRun(3, run);
    ASSERT_FALSE(overlap) << "part applied, part not: refused";
    EXPECT_EQ(overlap.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(store->applied_version(), 3u);
    EXPECT_FALSE(store->ApplyRun(4, std::span<const WriteSet>())) << "an empty run is refused";
    // One table in both domains within a run: refused, nothing applied,
    // and the table it began to create is usable afterwards.
    WriteSet pub_x, priv_x;
    ASSERT_TRUE(pub_x.Put({"app.x", Domain::kPublic}, AsBytes("k"), AsBytes("v")));
    ASSERT_TRUE(priv_x.Put({"app.x", Domain::kPrivate}, AsBytes("k"), AsBytes("v")));
    const std::vector<WriteSet> mixed = {pub_x, priv_x};
    auto refused = store->ApplyRun(4, mixed);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(store->applied_version(), 3u);
    ASSERT_EQ(store->Apply(4, priv_x), Result<bool>(true));
  }
  auto store = OpenStore(key_);
  EXPECT_EQ(store->applied_version(), 4u);
  EXPECT_EQ(store->Get("app.public", AsBytes("a")), Result<std::optional<Bytes>>(std::nullopt));
  EXPECT_EQ(store->Get("app.public", AsBytes("b")), Result<std::optional<Bytes>>(ToBytes("2")));
  EXPECT_EQ(store->Get("app.private", AsBytes("c")), Result<std::optional<Bytes>>(ToBytes("3")));
  EXPECT_EQ(store->Get("app.x", AsBytes("k")), Result<std::optional<Bytes>>(ToBytes("v")));
  const auto tables = store->tables();
  EXPECT_EQ(tables.size(), 3u);
}

TEST_F(StoreTest, ReapplyingAnAppliedVersionIsANoOp) {
  auto store = OpenStore(key_);
  ASSERT_EQ(store->Apply(1, Writes("p1", "s1")), Result<bool>(true));
  ASSERT_EQ(store->Apply(2, Writes("p2", "s2")), Result<bool>(true));
  EXPECT_EQ(store->Apply(1, Writes("other", "other")), Result<bool>(false));
  EXPECT_EQ(store->Apply(2, Writes("other", "other")), Result<bool>(false));
  EXPECT_EQ(store->applied_version(), 2u);
  EXPECT_EQ(store->Get("app.public", AsBytes("k")), Result<std::optional<Bytes>>(ToBytes("p2")));
}

TEST_F(StoreTest, RejectsVersionZeroAndDomainChangeWritingNothing) {
  auto store = OpenStore(key_);
  ASSERT_EQ(store->Apply(1, Writes("p1", "s1")), Result<bool>(true));
  auto zero = store->Apply(0, Writes("x", "x"));
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, ErrorCode::kInvalidArgument);

  WriteSet clash;
  ASSERT_TRUE(clash.Put(Table{"app.public", Domain::kPrivate}, AsBytes("k"), AsBytes("x")));
  ASSERT_TRUE(clash.Put(Table{"app.other", Domain::kPublic}, AsBytes("k"), AsBytes("x")));
  auto r = store->Apply(2, clash);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->applied_version(), 1u);
  EXPECT_EQ(store->Get("app.public", AsBytes("k")), Result<std::optional<Bytes>>(ToBytes("p1")));
}

TEST_F(StoreTest, SnapshotIsConsistentAcrossLaterApplies) {
  auto store = OpenStore(key_);
  ASSERT_EQ(store->Apply(1, Writes("p1", "s1")), Result<bool>(true));
  auto snapshot = store->Snapshot();
  ASSERT_EQ(store->Apply(2, Writes("p2", "s2")), Result<bool>(true));
  EXPECT_EQ(snapshot->version(), 1u);
  EXPECT_EQ(snapshot->Get("app.public", AsBytes("k")),
            Result<std::optional<Bytes>>(ToBytes("p1")));
  std::vector<std::string> seen;
  ASSERT_TRUE(snapshot->ForEach("app.private", [&](ByteView k, ByteView v) {
    seen.push_back(std::string(AsString(k)) + "=" + std::string(AsString(v)));
    return true;
  }));
  EXPECT_EQ(seen, std::vector<std::string>{"k=s1"});
  EXPECT_EQ(store->Snapshot()->version(), 2u);
}

TEST_F(StoreTest, WrongKeyIsAClearError) {
  { OpenStore(key_)->Apply(1, Writes("p1", "s1")).value(); }
  SecretBytes wrong = KeyOf(8);
  auto s = Store::Open(StoreOptions{.dir = dir_, .encryption_key = &wrong});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kWrongKey) << s.error().ToString();
  EXPECT_NE(s.error().message.find("different key"), std::string::npos);
  // The right key still opens it: the failed attempt changed nothing.
  EXPECT_EQ(OpenStore(key_)->applied_version(), 1u);
}

TEST_F(StoreTest, MissingKeyAndMissingStoreAreClearErrors) {
  auto no_key = Store::Open(StoreOptions{.dir = dir_});
  ASSERT_FALSE(no_key);
  EXPECT_EQ(no_key.error().code, ErrorCode::kInvalidArgument);
  auto missing = Store::Open(
      StoreOptions{.dir = dir_, .encryption_key = &key_, .create_if_missing = false});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

// Private (and public) values must not reach the disk in plaintext: scan
// every file under the data directory for a marker, after flushing to SST.
TEST_F(StoreTest, NoPlaintextOnDisk) {
  const std::string marker = "MARKER-7f3a9c-private-plaintext";
  {
    auto store = OpenStore(key_);
    WriteSet ws;
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE(ws.Put(kPriv, AsBytes(marker + "-key-" + std::to_string(i)), AsBytes(marker)));
    }
    ASSERT_EQ(store->Apply(1, ws), Result<bool>(true));
    ASSERT_TRUE(store->Apply(2, Writes(marker, marker)));
    ASSERT_TRUE(store->Flush());
    ASSERT_TRUE(store->Apply(3, Writes(marker, marker)));  // also in the WAL only
  }
  ASSERT_GT(testing::CountFiles(dir_), 3u);
  EXPECT_EQ(testing::FilesContaining(dir_, marker), std::vector<std::string>{});
  // The scan itself works: a plaintext file is found.
  {
    std::ofstream(dir_ / "control.txt") << marker;
  }
  EXPECT_EQ(testing::FilesContaining(dir_, marker).size(), 1u);
}

}  // namespace
}  // namespace ledgerseal::kv
