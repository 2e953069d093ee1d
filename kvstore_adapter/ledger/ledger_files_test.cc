// LedgerWriter and LedgerView on healthy ledgers: appending, contiguity,
// chunk rollover, reading in both directions, read costs, byte identity,
// concurrency. Damaged tails: ledger_tail_test.cc; real crashes:
// ledger_crash_test.cc.
#include "kvstore_adapter/ledger/public/ledger_files.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "kvstore_adapter/ledger/frame.h"
#include "kvstore_adapter/ledger/test_util.h"

namespace ledgerseal::kv::ledger {
namespace {

using testing::ChunkPaths;
using testing::FreshDir;
using testing::PayloadFor;
using testing::ReadChunkFiles;
using testing::TestOptions;

std::unique_ptr<LedgerWriter> OpenWriter(const LedgerOptions& options) {
  auto writer = LedgerWriter::Open(options);
  EXPECT_TRUE(writer) << writer.error().ToString();
  return writer ? std::move(*writer) : nullptr;
}

std::unique_ptr<LedgerView> OpenView(const std::filesystem::path& dir) {
  auto view = LedgerView::Open(dir);
  EXPECT_TRUE(view) << view.error().ToString();
  return view ? std::move(*view) : nullptr;
}

void AppendRange(LedgerWriter& writer, Version from, Version to, size_t max_payload_bytes = 300) {
  for (Version v = from; v <= to; ++v) {
    auto s = writer.Append(v, PayloadFor(v, max_payload_bytes));
    ASSERT_TRUE(s) << "version " << v << ": " << s.error().ToString();
  }
}

std::vector<Entry> ReadForward(const LedgerView& view, Version from) {
  std::vector<Entry> entries;
  auto s = view.ForEach(from, [&](Version v, ByteView payload) {
    entries.push_back(Entry{v, Bytes(payload.begin(), payload.end())});
    return true;
  });
  EXPECT_TRUE(s) << s.error().ToString();
  return entries;
}

std::vector<Entry> ReadBackward(const LedgerView& view) {
  std::vector<Entry> entries;
  BackwardIterator it = view.NewBackwardIterator();
  for (Version bound = 0; bound <= view.last_version(); ++bound) {
    auto entry = it.Previous();
    EXPECT_TRUE(entry) << entry.error().ToString();
    if (!entry || !*entry) break;
    entries.push_back(std::move(**entry));
  }
  return entries;
}

void ExpectEntries(const std::vector<Entry>& entries, Version first, Version last, size_t max_payload_bytes = 300) {
  ASSERT_EQ(entries.size(), last - first + 1);
  for (Version v = first; v <= last; ++v) {
    ASSERT_EQ(entries[v - first].version, v);
    ASSERT_EQ(entries[v - first].payload, PayloadFor(v, max_payload_bytes)) << "version " << v;
  }
}

void ExpectWholeLedgerReadable(const std::filesystem::path& dir, Version first, Version last) {
  auto view = OpenView(dir);
  ASSERT_TRUE(view);
  EXPECT_TRUE(view->recovery_report().clean()) << view->recovery_report().ToString();
  ASSERT_EQ(view->first_version(), first);
  ASSERT_EQ(view->last_version(), last);
  ExpectEntries(ReadForward(*view, first), first, last);
  auto backward = ReadBackward(*view);
  std::reverse(backward.begin(), backward.end());
  ExpectEntries(backward, first, last);
  for (Version v = first; v <= last; v += 1 + (last - first) / 17) {
    auto entry = view->Get(v);
    ASSERT_TRUE(entry) << entry.error().ToString();
    EXPECT_EQ(entry->version, v);
    EXPECT_EQ(entry->payload, PayloadFor(v));
  }
}

TEST(LedgerFilesTest, AppendsAndReadsBackInBothDirections) {
  const auto dir = FreshDir("basic");
  auto writer = OpenWriter(TestOptions(dir));
  ASSERT_TRUE(writer);
  EXPECT_EQ(writer->next_version(), 1u);
  EXPECT_EQ(writer->last_version(), kNoVersion);
  AppendRange(*writer, 1, 100);
  EXPECT_EQ(writer->first_version(), 1u);
  EXPECT_EQ(writer->last_version(), 100u);
  EXPECT_EQ(writer->next_version(), 101u);
  ExpectWholeLedgerReadable(dir, 1, 100);

  auto view = OpenView(dir);
  ExpectEntries(ReadForward(*view, 37), 37, 100);
  EXPECT_TRUE(ReadForward(*view, 101).empty());
}

TEST(LedgerFilesTest, FilesHoldExactlyHeadersAndFrames) {
  const auto dir = FreshDir("exact_size");
  auto writer = OpenWriter(TestOptions(dir));
  AppendRange(*writer, 1, 50);
  uint64_t expected_bytes = internal::kChunkHeaderBytes;
  for (Version v = 1; v <= 50; ++v) expected_bytes += internal::FrameBytes(PayloadFor(v).size());
  const auto files = ReadChunkFiles(dir);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.begin()->first, "ledger_00000000000000000001.chunk");
  EXPECT_EQ(files.begin()->second.size(), expected_bytes);
}

TEST(LedgerFilesTest, VersionsMustBeContiguous) {
  const auto dir = FreshDir("contiguous");
  auto writer = OpenWriter(TestOptions(dir));
  EXPECT_EQ(writer->Append(0, AsBytes("zero")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(writer->Append(2, AsBytes("gap")).error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(writer->Append(1, AsBytes("one")));
  EXPECT_EQ(writer->Append(1, AsBytes("again")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(writer->Append(3, AsBytes("gap")).error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(writer->Append(2, AsBytes("two")));
  EXPECT_EQ(writer->last_version(), 2u);
  auto view = OpenView(dir);
  EXPECT_EQ(view->last_version(), 2u);
  EXPECT_EQ(view->Get(2)->payload, ToBytes("two"));
}

TEST(LedgerFilesTest, EmptyLedgerStartsAtTheConfiguredVersion) {
  const auto dir = FreshDir("start_version");
  LedgerOptions options = TestOptions(dir);
  options.start_version = 500;
  {
    auto writer = OpenWriter(options);
    EXPECT_EQ(writer->next_version(), 500u);
    EXPECT_EQ(writer->Append(1, AsBytes("x")).error().code, ErrorCode::kInvalidArgument);
    AppendRange(*writer, 500, 510);
  }
  EXPECT_EQ(ChunkPaths(dir).front().filename(), "ledger_00000000000000000500.chunk");
  // With entries present the option is ignored: the ledger continues.
  options.start_version = 1;
  auto writer = OpenWriter(options);
  EXPECT_EQ(writer->first_version(), 500u);
  EXPECT_EQ(writer->next_version(), 511u);
  AppendRange(*writer, 511, 520);
  auto view = OpenView(dir);
  EXPECT_EQ(view->first_version(), 500u);
  EXPECT_EQ(view->Get(499).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(view->ForEach(499, [](Version, ByteView) { return true; }).error().code, ErrorCode::kNotFound);
  ExpectEntries(ReadForward(*view, 500), 500, 520);
}

TEST(LedgerFilesTest, InvalidOptionsAreRejected) {
  const auto dir = FreshDir("options");
  LedgerOptions options = TestOptions(dir);
  options.start_version = 0;
  EXPECT_EQ(LedgerWriter::Open(options).error().code, ErrorCode::kInvalidArgument);
  options = TestOptions(dir);
  options.max_chunk_bytes = 0;
  EXPECT_EQ(LedgerWriter::Open(options).error().code, ErrorCode::kInvalidArgument);
  options = TestOptions(dir / "missing");
  options.create_if_missing = false;
  EXPECT_EQ(LedgerWriter::Open(options).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(LedgerView::Open(dir / "missing").error().code, ErrorCode::kNotFound);
}

TEST(LedgerFilesTest, EmptyLedgerView) {
  const auto dir = FreshDir("empty_view");
  auto view = OpenView(dir);
  EXPECT_EQ(view->first_version(), kNoVersion);
  EXPECT_EQ(view->last_version(), kNoVersion);
  EXPECT_TRUE(view->recovery_report().clean());
  auto it = view->NewBackwardIterator();
  auto entry = it.Previous();
  ASSERT_TRUE(entry);
  EXPECT_FALSE(*entry);
  EXPECT_TRUE(ReadForward(*view, 1).empty());
  EXPECT_EQ(view->Get(1).error().code, ErrorCode::kNotFound);
}

TEST(LedgerFilesTest, EmptyPayloadsAreEntriesToo) {
  const auto dir = FreshDir("empty_payload");
  auto writer = OpenWriter(TestOptions(dir));
  ASSERT_TRUE(writer->Append(1, ByteView()));
  ASSERT_TRUE(writer->Append(2, AsBytes("b")));
  ASSERT_TRUE(writer->Append(3, ByteView()));
  auto view = OpenView(dir);
  const auto backward = ReadBackward(*view);
  ASSERT_EQ(backward.size(), 3u);
  EXPECT_TRUE(backward[0].payload.empty());
  EXPECT_EQ(backward[1].payload, ToBytes("b"));
  EXPECT_TRUE(backward[2].payload.empty());
}

TEST(LedgerFilesTest, ChunksRollOverAfterMaxChunkBytes) {
  const auto dir = FreshDir("rollover");
  constexpr uint64_t kMaxChunkBytes = 2000;
  auto writer = OpenWriter(TestOptions(dir, kMaxChunkBytes));
  AppendRange(*writer, 1, 400);
  const auto paths = ChunkPaths(dir);
  ASSERT_GT(paths.size(), 10u);

  auto view = OpenView(dir);
  Version expected_first = 1;
  for (size_t k = 0; k < paths.size(); ++k) {
    // The name gives the chunk's first version, which is its first frame's.
    EXPECT_EQ(paths[k].filename(), testing::ChunkName(expected_first)) << k;
    const uint64_t size = std::filesystem::file_size(paths[k]);
    // Count the frames: the sizes of consecutive payloads from expected_first.
    uint64_t bytes = internal::kChunkHeaderBytes;
    Version v = expected_first;
    while (bytes < size) bytes += internal::FrameBytes(PayloadFor(v++).size());
    ASSERT_EQ(bytes, size) << paths[k];
    if (k + 1 < paths.size()) {
      // A chunk reaches the bound, and exceeds it by at most its last frame.
      EXPECT_GE(size, kMaxChunkBytes);
      EXPECT_LT(size - internal::FrameBytes(PayloadFor(v - 1).size()), kMaxChunkBytes);
    }
    expected_first = v;
  }
  EXPECT_EQ(expected_first, 401u);
  ExpectWholeLedgerReadable(dir, 1, 400);
  // Reads that start or end at chunk boundaries.
  for (const auto& p : paths) {
    const Version first = testing::ChunkFirstVersion(p);
    ExpectEntries(ReadForward(*view, first), first, 400);
    if (first > 1) {
      EXPECT_EQ(view->Get(first - 1)->payload, PayloadFor(first - 1));
    }
  }
}

TEST(LedgerFilesTest, ForEachStopsWhenTheVisitorSaysSo) {
  const auto dir = FreshDir("stop");
  auto writer = OpenWriter(TestOptions(dir, 1000));
  AppendRange(*writer, 1, 100);
  auto view = OpenView(dir);
  std::vector<Version> seen;
  ASSERT_TRUE(view->ForEach(10, [&](Version v, ByteView) {
    seen.push_back(v);
    return v < 20;
  }));
  ASSERT_EQ(seen.size(), 11u);
  EXPECT_EQ(seen.front(), 10u);
  EXPECT_EQ(seen.back(), 20u);
  EXPECT_EQ(view->ForEach(102, [](Version, ByteView) { return true; }).error().code, ErrorCode::kNotFound);
}

TEST(LedgerFilesTest, ReopeningContinuesAfterTheLastEntry) {
  const auto dir = FreshDir("reopen");
  for (Version from = 1; from <= 91; from += 30) {
    auto writer = OpenWriter(TestOptions(dir, 1500));
    ASSERT_TRUE(writer);
    EXPECT_TRUE(writer->recovery_report().clean());
    EXPECT_EQ(writer->next_version(), from);
    EXPECT_EQ(writer->synced_version(), from - 1);
    AppendRange(*writer, from, from + 29);
  }
  ExpectWholeLedgerReadable(dir, 1, 120);
}

// Two nodes appending the same entries with the same options write the same
// bytes — also when one of them restarts now and then.
TEST(LedgerFilesTest, TwoWritersProduceByteIdenticalFiles) {
  const auto dir_a = FreshDir("identical_a");
  const auto dir_b = FreshDir("identical_b");
  {
    auto a = OpenWriter(TestOptions(dir_a, 3000));
    AppendRange(*a, 1, 500);
  }
  LedgerOptions synced = TestOptions(dir_b, 3000);
  synced.sync_every_append = true;
  for (Version from = 1; from <= 500; from += 70) {
    auto b = OpenWriter(synced);
    AppendRange(*b, from, std::min<Version>(from + 69, 500));
  }
  const auto files_a = ReadChunkFiles(dir_a);
  const auto files_b = ReadChunkFiles(dir_b);
  ASSERT_GT(files_a.size(), 5u);
  EXPECT_EQ(files_a, files_b);
}

TEST(LedgerFilesTest, OnlyOneWriterPerDirectory) {
  const auto dir = FreshDir("one_writer");
  auto first = OpenWriter(TestOptions(dir));
  ASSERT_TRUE(first);
  auto second = LedgerWriter::Open(TestOptions(dir));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
  first.reset();
  EXPECT_TRUE(LedgerWriter::Open(TestOptions(dir)));
}

TEST(LedgerFilesTest, SyncAdvancesTheSyncedVersion) {
  const auto dir = FreshDir("sync");
  auto writer = OpenWriter(TestOptions(dir, 500));
  AppendRange(*writer, 1, 20);
  EXPECT_EQ(writer->synced_version(), kNoVersion);
  ASSERT_TRUE(writer->Sync());
  EXPECT_EQ(writer->synced_version(), 20u);
  ASSERT_TRUE(writer->Sync());  // nothing pending
  LedgerOptions every = TestOptions(dir, 500);
  every.sync_every_append = true;
  writer.reset();
  writer = OpenWriter(every);
  AppendRange(*writer, 21, 25);
  EXPECT_EQ(writer->synced_version(), 25u);
}

// Reading the newest entry reads O(1) frames: the same handful of bytes
// whether the ledger holds 5 entries or 50 MB.
TEST(LedgerFilesTest, NewestEntryCostsOneFrameWhateverTheLedgerSize) {
  const auto dir = FreshDir("big");
  constexpr size_t kPayloadBytes = 16 << 10;
  auto writer = OpenWriter(TestOptions(dir));
  Version last = 0;
  for (uint64_t total_bytes = 0; total_bytes < (uint64_t{50} << 20);) {
    ++last;
    const Bytes payload = PayloadFor(last, kPayloadBytes);
    ASSERT_TRUE(writer->Append(last, payload));
    total_bytes += internal::FrameBytes(payload.size());
  }
  writer.reset();
  ASSERT_GE(ChunkPaths(dir).size(), 12u);

  const auto start = std::chrono::steady_clock::now();
  auto view = OpenView(dir);
  ASSERT_TRUE(view);
  ASSERT_EQ(view->last_version(), last);
  auto it = view->NewBackwardIterator();
  auto newest = it.Previous();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(newest && *newest);
  EXPECT_EQ((*newest)->version, last);
  EXPECT_EQ((*newest)->payload, PayloadFor(last, kPayloadBytes));
  EXPECT_LT(elapsed, std::chrono::milliseconds(50));

  // Open: chunk header + trailer + last frame. Previous: chunk header +
  // trailer + last frame again.
  const uint64_t frame_bytes = internal::FrameBytes((*newest)->payload.size());
  const ReadStats stats = view->read_stats();
  std::printf("%llu-entry ledger in %zu chunks: open + newest entry read %llu bytes in %llu preads, %lld us\n",
              static_cast<unsigned long long>(last), ChunkPaths(dir).size(),
              static_cast<unsigned long long>(stats.bytes), static_cast<unsigned long long>(stats.calls),
              static_cast<long long>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
  EXPECT_LE(stats.bytes, 2 * (internal::kChunkHeaderBytes + internal::kFrameTrailerBytes + frame_bytes));
  EXPECT_LE(stats.calls, 6u);

  // Walking back 100 entries (across a chunk boundary) reads about their sizes.
  uint64_t payload_bytes = 0;
  for (int i = 0; i < 100; ++i) {
    auto entry = it.Previous();
    ASSERT_TRUE(entry && *entry) << i;
    ASSERT_EQ((*entry)->version, last - 1 - i);
    payload_bytes += (*entry)->payload.size();
  }
  const ReadStats after = view->read_stats();
  EXPECT_LE(after.bytes - stats.bytes, payload_bytes + 100 * (internal::kFrameOverheadBytes + internal::kFrameTrailerBytes) +
                                           2 * internal::kChunkHeaderBytes);
}

TEST(LedgerFilesTest, MissingChunkFileIsCorruption) {
  const auto dir = FreshDir("missing_chunk");
  auto writer = OpenWriter(TestOptions(dir, 1000));
  AppendRange(*writer, 1, 100);
  writer.reset();
  const auto paths = ChunkPaths(dir);
  ASSERT_GT(paths.size(), 3u);
  std::filesystem::remove(paths[1]);
  auto view = OpenView(dir);
  ASSERT_TRUE(view);
  auto s = view->ForEach(1, [](Version, ByteView) { return true; });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kCorruption);
  EXPECT_NE(s.error().message.find(paths[0].string()), std::string::npos) << s.error().message;
  auto it = view->NewBackwardIterator();
  Result<std::optional<Entry>> entry;
  for (int i = 0; i < 200; ++i) {
    entry = it.Previous();
    if (!entry || !*entry) break;
  }
  ASSERT_FALSE(entry);
  EXPECT_EQ(entry.error().code, ErrorCode::kCorruption);
  // The iterator stays failed.
  EXPECT_EQ(it.Previous().error(), entry.error());
}

// A view opened while a writer appends sees a consistent prefix: complete,
// verified entries only, never a partial one.
TEST(LedgerFilesTest, ViewsWhileAWriterAppends) {
  const auto dir = FreshDir("concurrent");
  auto writer = OpenWriter(TestOptions(dir, 20000));
  AppendRange(*writer, 1, 10);
  std::atomic<Version> appended{10};
  std::atomic<bool> stop{false};
  std::thread appender([&] {
    for (Version v = 11; v < 100000 && !stop.load(); ++v) {
      if (!writer->Append(v, PayloadFor(v, 3000))) return;
      appended.store(v);
    }
  });
  // The checks run in a lambda so that a failing ASSERT still stops the appender.
  auto check = [&] {
    Version previous_last = 0;
    for (int round = 0; round < 200; ++round) {
      const Version at_least = appended.load();
      auto view = LedgerView::Open(dir);
      ASSERT_TRUE(view) << view.error().ToString();
      const Version last = (*view)->last_version();
      ASSERT_GE(last, at_least);
      ASSERT_GE(last, previous_last);
      previous_last = last;
      auto it = (*view)->NewBackwardIterator();
      for (int i = 0; i < 5; ++i) {
        auto entry = it.Previous();
        ASSERT_TRUE(entry && *entry) << (entry ? "end" : entry.error().ToString());
        ASSERT_EQ((*entry)->version, last - i);
        ASSERT_EQ((*entry)->payload, last - i <= 10 ? PayloadFor(last - i) : PayloadFor(last - i, 3000));
      }
    }
  };
  check();
  stop.store(true);
  appender.join();
  EXPECT_GT(appended.load(), 10u);
}

TEST(LedgerFilesTest, ConcurrentGetsOnOneView) {
  const auto dir = FreshDir("concurrent_get");
  auto writer = OpenWriter(TestOptions(dir, 4000));
  AppendRange(*writer, 1, 2000);
  auto view = OpenView(dir);
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      for (Version v = 1 + t; v <= 2000; v += 7) {
        auto entry = view->Get(v);
        if (!entry || entry->payload != PayloadFor(v)) failures.fetch_add(1);
      }
    });
  }
  for (auto& r : readers) r.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace ledgerseal::kv::ledger
