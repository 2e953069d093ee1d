// The newest-chunk hint (docs/FORMAT.md §9.1): a view opened through it sees
// exactly what a view that lists the directory sees, finds what a listing
// would refuse once it lists, and a hint that is stale, junk or names a chunk
// that was not kept is only ever a detour to the listing.
#include <sys/xattr.h>

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "kvstore_adapter/ledger/chunk_names.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/ledger/test_util.h"

namespace ledgerseal::kv::ledger {
namespace {

using internal::kNewestChunkHintAttribute;
using testing::ChunkName;
using testing::ChunkPaths;
using testing::PayloadFor;
using testing::TestOptions;

constexpr uint64_t kSmallChunkBytes = 2048;  // several chunks from a few dozen entries

std::string Hint(const std::filesystem::path& dir) {
  char value[128];
  const ssize_t n = ::getxattr(dir.c_str(), kNewestChunkHintAttribute.data(), value, sizeof(value));
  return n < 0 ? std::string() : std::string(value, static_cast<size_t>(n));
}

void SetHint(const std::filesystem::path& dir, const std::string& value) {
  ASSERT_EQ(::setxattr(dir.c_str(), kNewestChunkHintAttribute.data(), value.data(), value.size(), 0), 0);
}

class NewestChunkHintTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Versions 1..kLast over several chunks, written by the writer (which sets the hint).
    auto writer = LedgerWriter::Open(TestOptions(dir_, kSmallChunkBytes));
    ASSERT_TRUE(writer) << writer.error().ToString();
    for (Version v = 1; v <= kLast; ++v) ASSERT_TRUE((*writer)->Append(v, PayloadFor(v)));
    chunks_ = ChunkPaths(dir_);
    ASSERT_GE(chunks_.size(), 4u);
    if (Hint(dir_).empty()) GTEST_SKIP() << "this file system keeps no extended attributes";
  }

  // Every entry, newest first, then oldest first: the same as a listing view's.
  void ExpectWholeLedger(const LedgerView& view) {
    EXPECT_EQ(view.last_version(), kLast);
    BackwardIterator it = view.NewBackwardIterator();
    for (Version v = kLast; v >= 1; --v) {
      auto entry = it.Previous();
      ASSERT_TRUE(entry) << entry.error().ToString();
      ASSERT_TRUE(entry->has_value()) << "ended before version " << v;
      EXPECT_EQ((*entry)->version, v);
      EXPECT_EQ((*entry)->payload, PayloadFor(v));
    }
    auto end = it.Previous();
    ASSERT_TRUE(end);
    EXPECT_FALSE(end->has_value());
    auto first = view.first_version();
    ASSERT_TRUE(first) << first.error().ToString();
    EXPECT_EQ(*first, 1u);
    Version expected = 1;
    ASSERT_TRUE(view.ForEach(1, [&](Version v, ByteView p) {
      EXPECT_EQ(v, expected);
      EXPECT_EQ(Bytes(p.begin(), p.end()), PayloadFor(v));
      ++expected;
      return true;
    }));
    EXPECT_EQ(expected, kLast + 1);
    auto old = view.Get(2);
    ASSERT_TRUE(old) << old.error().ToString();
    EXPECT_EQ(old->payload, PayloadFor(2));
  }

  static constexpr Version kLast = 60;
  std::filesystem::path dir_ = ::ledgerseal::testing::TestDir() / "ledger";
  std::vector<std::filesystem::path> chunks_;
};

TEST_F(NewestChunkHintTest, TheWriterNamesItsNewestChunk) {
  EXPECT_EQ(Hint(dir_), chunks_.back().filename().string());
  // Only chunk files in the directory: the hint is an attribute of it.
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    EXPECT_TRUE(internal::ParseChunkFileName(e.path().filename().string())) << e.path();
  }
}

TEST_F(NewestChunkHintTest, AViewThroughTheHintReadsTheWholeLedger) {
  auto view = LedgerView::Open(dir_);
  ASSERT_TRUE(view) << view.error().ToString();
  ExpectWholeLedger(**view);
}

// The proof that Open does not list: junk beyond a gap, which a listing
// takes for the newest chunk and refuses at open, is found only when the
// older chunks are listed, and refused then, naming it.
TEST_F(NewestChunkHintTest, AChunkAfterAGapIsRefusedWhenTheViewLists) {
  const std::filesystem::path stray = dir_ / ChunkName(kLast + 10);
  testing::WriteFile(stray, Bytes(40, 0x5a));
  auto view = LedgerView::Open(dir_);
  ASSERT_TRUE(view) << view.error().ToString();
  EXPECT_EQ((*view)->last_version(), kLast);
  EXPECT_TRUE((*view)->Get(kLast));  // the newest chunk needs no listing
  auto walked = (*view)->ForEach(1, [](Version, ByteView) { return true; });
  ASSERT_FALSE(walked);
  EXPECT_EQ(walked.error().code, ErrorCode::kCorruption);
  EXPECT_NE(walked.error().message.find(stray.string()), std::string::npos) << walked.error().message;
  EXPECT_NE(walked.error().message.find("gap"), std::string::npos) << walked.error().message;

  ASSERT_EQ(::removexattr(dir_.c_str(), kNewestChunkHintAttribute.data()), 0);
  auto listed = LedgerView::Open(dir_);
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code, ErrorCode::kCorruption);
}

TEST_F(NewestChunkHintTest, AChunkInsideTheNewestChunksVersionsIsRefusedWhenTheViewLists) {
  const std::filesystem::path stray = dir_ / ChunkName(kLast - 1);
  ASSERT_LT(testing::ChunkFirstVersion(chunks_.back()), kLast - 1);
  testing::WriteFile(stray, testing::ReadFile(chunks_.back()));
  auto view = LedgerView::Open(dir_);
  ASSERT_TRUE(view) << view.error().ToString();
  auto walked = (*view)->ForEach(1, [](Version, ByteView) { return true; });
  ASSERT_FALSE(walked);
  EXPECT_EQ(walked.error().code, ErrorCode::kCorruption);
  EXPECT_NE(walked.error().message.find(stray.string() + " starts inside"), std::string::npos)
      << walked.error().message;
}

TEST_F(NewestChunkHintTest, AStaleHintIsFollowedToTheListing) {
  SetHint(dir_, chunks_.front().filename().string());
  auto view = LedgerView::Open(dir_);
  ASSERT_TRUE(view) << view.error().ToString();
  ExpectWholeLedger(**view);
}

TEST_F(NewestChunkHintTest, AJunkHintIsIgnored) {
  for (const std::string& junk : {std::string("junk"), ChunkName(kLast + 1000), ChunkName(0),
                                 chunks_.back().filename().string() + "x", std::string(100, 'l'),
                                 std::string("../") + chunks_.back().filename().string()}) {
    SetHint(dir_, junk);
    auto view = LedgerView::Open(dir_);
    ASSERT_TRUE(view) << junk << ": " << view.error().ToString();
    ExpectWholeLedger(**view);
  }
}

// A crash while the writer created a chunk can leave a partial header in a
// chunk the hint already names: the listing's rules decide (it is dropped
// and reported), exactly as without a hint.
TEST_F(NewestChunkHintTest, AHintedChunkThatIsNotKeptFallsBackToTheListing) {
  const std::filesystem::path torn = dir_ / ChunkName(kLast + 1);
  Bytes header = testing::ReadFile(chunks_.front());
  header.resize(10);
  // A prefix of the header the writer writes for that name: first bytes only
  // (magic and format), which do not depend on the version.
  testing::WriteFile(torn, header);
  SetHint(dir_, torn.filename().string());
  auto view = LedgerView::Open(dir_);
  ASSERT_TRUE(view) << view.error().ToString();
  EXPECT_EQ((*view)->last_version(), kLast);
  ASSERT_EQ((*view)->recovery_report().dropped.size(), 1u);
  EXPECT_EQ((*view)->recovery_report().dropped[0].file, torn);
}

// A view opened through the hint while a writer keeps appending: its later
// listing sees the writer's new chunks and neither refuses them nor shows
// them.
TEST_F(NewestChunkHintTest, AWritersNewChunksAreNotMistakenForAGap) {
  auto view = LedgerView::Open(dir_);
  ASSERT_TRUE(view) << view.error().ToString();
  {
    auto writer = LedgerWriter::Open(TestOptions(dir_, kSmallChunkBytes));
    ASSERT_TRUE(writer) << writer.error().ToString();
    for (Version v = kLast + 1; v <= kLast + 40; ++v) ASSERT_TRUE((*writer)->Append(v, PayloadFor(v)));
  }
  ASSERT_GT(ChunkPaths(dir_).size(), chunks_.size());
  ExpectWholeLedger(**view);
}

// A ledger of one chunk: reading it never lists the directory, so the
// check a reader that trusts the whole ledger runs (ListAll; recovery runs
// it before it uses a secret) is what refuses a chunk past a gap.
TEST_F(NewestChunkHintTest, ListAllRefusesAChunkPastAGapThatNoReadReaches) {
  const std::filesystem::path dir = ::ledgerseal::testing::TestDir() / "one-chunk";
  {
    auto writer = LedgerWriter::Open(TestOptions(dir));
    ASSERT_TRUE(writer) << writer.error().ToString();
    for (Version v = 1; v <= 5; ++v) ASSERT_TRUE((*writer)->Append(v, PayloadFor(v)));
  }
  testing::WriteFile(dir / ChunkName(9), testing::ReadFile(dir / ChunkName(1)));
  auto view = LedgerView::Open(dir);
  ASSERT_TRUE(view) << view.error().ToString();
  EXPECT_EQ((*view)->last_version(), 5u);
  EXPECT_TRUE((*view)->ForEach(1, [](Version, ByteView) { return true; }));
  auto listed = (*view)->ListAll();
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code, ErrorCode::kCorruption);
  EXPECT_NE(listed.error().message.find(ChunkName(9)), std::string::npos) << listed.error().message;
}

TEST_F(NewestChunkHintTest, TheNewestChunkGoneAfterOpenIsCorruptionWhenTheViewLists) {
  auto view = LedgerView::Open(dir_);
  ASSERT_TRUE(view) << view.error().ToString();
  std::filesystem::remove(chunks_.back());
  auto listed = (*view)->ListAll();
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code, ErrorCode::kCorruption);
  EXPECT_NE(listed.error().message.find("is gone now"), std::string::npos) << listed.error().message;
}

// Any entry named like the next chunk — a dangling symbolic link included —
// means the hint is not the tail: the listing decides (here: it fails).
TEST_F(NewestChunkHintTest, ADanglingLinkNamedLikeTheNextChunkIsNotIgnored) {
  std::filesystem::create_symlink(dir_ / "nowhere", dir_ / ChunkName(kLast + 1));
  EXPECT_FALSE(LedgerView::Open(dir_));
}

// Threads reading one view, each through the whole ledger: the switch from
// the newest chunk to the listing happens once, under the view's lock.
TEST_F(NewestChunkHintTest, ConcurrentReadersShareOneListing) {
  auto view = LedgerView::Open(dir_);
  ASSERT_TRUE(view) << view.error().ToString();
  std::vector<std::thread> readers;
  std::atomic<int> whole{0};
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&view, &whole] {
      BackwardIterator it = (*view)->NewBackwardIterator();
      Version expected = kLast;
      for (Version bound = 0; bound <= kLast; ++bound) {
        auto entry = it.Previous();
        if (!entry || !entry->has_value() || (*entry)->version != expected) break;
        --expected;
      }
      if (expected == 0) ++whole;
    });
  }
  for (auto& r : readers) r.join();
  EXPECT_EQ(whole.load(), 4);
}

TEST_F(NewestChunkHintTest, OpeningTheWriterRepairsTheHint) {
  SetHint(dir_, "junk");
  ASSERT_TRUE(LedgerWriter::Open(TestOptions(dir_, kSmallChunkBytes)));
  EXPECT_EQ(Hint(dir_), chunks_.back().filename().string());
}

}  // namespace
}  // namespace ledgerseal::kv::ledger
