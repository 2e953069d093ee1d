// Damaged ledgers: torn tails (every truncation length of the last frame, a
// torn first frame of a new chunk, stray empty chunks, zero-filled space) are
// dropped and reported, and the writer keeps the dropped bytes in a 0600 copy
// before cutting them; a complete frame that fails verification (every
// flipped byte of the newest frame), bytes that are not the start of a frame,
// and damage followed by good frames are kCorruption naming the file, offset
// and version, with the files left untouched (docs/FORMAT.md §9.8).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kvstore_adapter/ledger/frame.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/ledger/test_util.h"

namespace ledgerseal::kv::ledger {
namespace {

using testing::ChunkFirstVersion;
using testing::ChunkName;
using testing::ChunkPaths;
using testing::CopyDir;
using testing::FreshDir;
using testing::PayloadFor;
using testing::ReadChunkFiles;
using testing::ReadFile;
using testing::TestOptions;
using testing::WriteFile;

constexpr uint64_t kMaxChunkBytes = 2000;

uint64_t FrameBytesOf(Version v) { return internal::FrameBytes(PayloadFor(v).size()); }

void Build(const std::filesystem::path& dir, Version last) {
  auto writer = LedgerWriter::Open(TestOptions(dir, kMaxChunkBytes));
  ASSERT_TRUE(writer) << writer.error().ToString();
  for (Version v = (*writer)->next_version(); v <= last; ++v) ASSERT_TRUE((*writer)->Append(v, PayloadFor(v)));
}

// Where version `v` starts, computed from the payload sizes and chunk names
// (independently of the reader).
struct Location {
  std::filesystem::path chunk;
  uint64_t offset_bytes = 0;
};
Location Locate(const std::filesystem::path& dir, Version v) {
  Location at;
  for (const auto& p : ChunkPaths(dir)) {
    if (ChunkFirstVersion(p) <= v) at.chunk = p;
  }
  at.offset_bytes = internal::kChunkHeaderBytes;
  for (Version u = ChunkFirstVersion(at.chunk); u < v; ++u) at.offset_bytes += FrameBytesOf(u);
  return at;
}

void FlipByte(const std::filesystem::path& file, uint64_t offset) {
  Bytes bytes = ReadFile(file);
  ASSERT_LT(offset, bytes.size());
  bytes[offset] ^= 0xFF;
  WriteFile(file, bytes);
}

// Every entry 1..last readable forwards and backwards through a view.
void ExpectReadable(const LedgerView& view, Version last) {
  ASSERT_EQ(view.last_version(), last);
  Version next = 1;
  auto s = view.ForEach(1, [&](Version v, ByteView payload) {
    EXPECT_EQ(v, next);
    EXPECT_EQ(Bytes(payload.begin(), payload.end()), PayloadFor(v)) << v;
    ++next;
    return true;
  });
  ASSERT_TRUE(s) << s.error().ToString();
  ASSERT_EQ(next, last + 1);
  auto it = view.NewBackwardIterator();
  for (Version v = last; v >= 1; --v) {
    auto entry = it.Previous();
    ASSERT_TRUE(entry && *entry) << v;
    ASSERT_EQ((*entry)->version, v);
    ASSERT_EQ((*entry)->payload, PayloadFor(v));
  }
  auto end = it.Previous();
  ASSERT_TRUE(end);
  EXPECT_FALSE(*end);
}

// A damaged copy of `reference` (entries 1..last) whose tail should be
// dropped: the view reports `expected` and leaves the files alone; the writer
// reports the same, cuts the tail, and re-appending the dropped entries gives
// back the reference files byte for byte.
void ExpectTornTailRecovered(const std::filesystem::path& reference, const std::filesystem::path& work, Version last,
                             const DroppedTail& expected, const std::string& context) {
  SCOPED_TRACE(context);
  const auto damaged_files = ReadChunkFiles(work);
  {
    auto view = LedgerView::Open(work);
    ASSERT_TRUE(view) << view.error().ToString();
    const RecoveryReport& report = (*view)->recovery_report();
    ASSERT_EQ(report.last_good_version, expected.version - 1);
    ASSERT_EQ(report.dropped.size(), 1u) << report.ToString();
    const DroppedTail& d = report.dropped[0];
    EXPECT_EQ(d.file, expected.file);
    EXPECT_EQ(d.offset_bytes, expected.offset_bytes);
    EXPECT_EQ(d.dropped_bytes, expected.dropped_bytes);
    EXPECT_EQ(d.file_removed, expected.file_removed);
    EXPECT_EQ(d.version, expected.version);
    EXPECT_FALSE(d.reason.empty());
    EXPECT_TRUE(d.kept_copy.empty()) << "a view keeps nothing: it changes nothing";
    EXPECT_EQ(report.dropped_bytes(), expected.dropped_bytes);
    ExpectReadable(**view, expected.version - 1);
    EXPECT_EQ(ReadChunkFiles(work), damaged_files) << "a view modified the files";
  }
  const Bytes damaged = ReadFile(expected.file);
  auto writer = LedgerWriter::Open(TestOptions(work, kMaxChunkBytes));
  ASSERT_TRUE(writer) << writer.error().ToString();
  const RecoveryReport& report = (*writer)->recovery_report();
  ASSERT_EQ(report.last_good_version, expected.version - 1);
  ASSERT_EQ(report.dropped.size(), 1u);
  EXPECT_EQ(report.dropped[0].offset_bytes, expected.offset_bytes);
  EXPECT_EQ(report.dropped[0].dropped_bytes, expected.dropped_bytes);
  // The cut bytes were kept, 0600, next to the chunk, under a name that is
  // not a chunk's.
  const auto kept = report.dropped[0].kept_copy;
  EXPECT_EQ(kept, expected.file.string() + ".torn-" + std::to_string(expected.offset_bytes));
  EXPECT_EQ(ReadFile(kept), Bytes(damaged.begin() + static_cast<ptrdiff_t>(expected.offset_bytes), damaged.end()));
  struct stat st{};
  ASSERT_EQ(::stat(kept.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(report.ToString().find(kept.string()), std::string::npos) << report.ToString();
  if (expected.file_removed) {
    EXPECT_FALSE(std::filesystem::exists(expected.file));
  } else {
    EXPECT_EQ(std::filesystem::file_size(expected.file), expected.offset_bytes);
  }
  ASSERT_EQ((*writer)->next_version(), expected.version);
  for (Version v = expected.version; v <= last; ++v) ASSERT_TRUE((*writer)->Append(v, PayloadFor(v)));
  EXPECT_EQ(ReadChunkFiles(work), ReadChunkFiles(reference));
}

// A ledger whose newest chunk holds at least four frames, the last one of
// >= 100 payload bytes (so that there are many truncation points).
Version BuildWithLongLastFrame(const std::filesystem::path& dir) {
  Version last = 40;
  Build(dir, last);
  // Bounded: PayloadFor's lengths are spread over 0..300.
  while (last < 1000 && (PayloadFor(last).size() < 100 || ChunkFirstVersion(ChunkPaths(dir).back()) + 3 > last)) {
    Build(dir, ++last);
  }
  return last;
}

TEST(LedgerTailTest, EveryTruncationOfTheLastFrameIsDroppedAndReported) {
  const auto reference = FreshDir("trunc_ref");
  const Version last = BuildWithLongLastFrame(reference);
  const Location at = Locate(reference, last);
  const uint64_t frame_bytes = FrameBytesOf(last);
  ASSERT_EQ(std::filesystem::file_size(at.chunk), at.offset_bytes + frame_bytes);
  const auto work = std::filesystem::path(reference).replace_filename("trunc_work");
  for (uint64_t kept = 1; kept < frame_bytes; ++kept) {
    CopyDir(reference, work);
    const auto chunk = work / at.chunk.filename();
    std::filesystem::resize_file(chunk, at.offset_bytes + kept);
    ExpectTornTailRecovered(reference, work, last,
                            DroppedTail{.file = chunk, .offset_bytes = at.offset_bytes, .dropped_bytes = kept,
                                        .file_removed = false, .version = last, .reason = {}, .kept_copy = {}},
                            "kept " + std::to_string(kept) + " of " + std::to_string(frame_bytes) + " bytes");
    if (::testing::Test::HasFatalFailure()) return;
  }
  // Cutting the whole frame leaves a clean ledger one entry shorter.
  CopyDir(reference, work);
  std::filesystem::resize_file(work / at.chunk.filename(), at.offset_bytes);
  auto view = LedgerView::Open(work);
  ASSERT_TRUE(view);
  EXPECT_TRUE((*view)->recovery_report().clean());
  EXPECT_EQ((*view)->last_version(), last - 1);
}

Bytes ToBytes(std::string_view s) {
  const ByteView b = AsBytes(s);
  return Bytes(b.begin(), b.end());
}

// Every file of `dir` (chunks and anything else) with its bytes.
std::map<std::string, Bytes> ReadAllFiles(const std::filesystem::path& dir) {
  std::map<std::string, Bytes> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files[e.path().filename().string()] = ReadFile(e.path());
  return files;
}

void ExpectCorruptionNaming(const Error& error, const std::filesystem::path& file, uint64_t offset, Version version) {
  EXPECT_EQ(error.code, ErrorCode::kCorruption) << error.ToString();
  EXPECT_NE(error.message.find(file.string()), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("offset " + std::to_string(offset)), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("version " + std::to_string(version)), std::string::npos) << error.message;
}

// Both a view and a writer refuse to open `dir` with kCorruption naming
// (file, offset, version), and leave every file of the directory as it was.
void ExpectOpenRefused(const std::filesystem::path& dir, const std::filesystem::path& file, uint64_t offset,
                       Version version, const std::string& context) {
  SCOPED_TRACE(context);
  const auto files = ReadAllFiles(dir);
  auto view = LedgerView::Open(dir);
  ASSERT_FALSE(view) << "a view took the damage for a torn tail: " << (*view)->recovery_report().ToString();
  ExpectCorruptionNaming(view.error(), file, offset, version);
  auto writer = LedgerWriter::Open(TestOptions(dir, kMaxChunkBytes));
  ASSERT_FALSE(writer) << "the writer took the damage for a torn tail: "
                       << (*writer)->recovery_report().ToString();
  ExpectCorruptionNaming(writer.error(), file, offset, version);
  EXPECT_EQ(ReadAllFiles(dir), files) << "a refused Open changed the directory";
}

// Issue 15: a flipped byte inside the newest complete frame used to be taken
// for a torn write, and the writer cut a committed entry away. Every byte
// (including the length field, whose damage can make the frame look longer
// than the file) and two flip patterns.
TEST(LedgerTailTest, EveryCorruptedByteOfTheNewestCompleteFrameIsCorruption) {
  const auto reference = FreshDir("flip_ref");
  const Version last = BuildWithLongLastFrame(reference);
  const Location at = Locate(reference, last);
  const uint64_t frame_bytes = FrameBytesOf(last);
  const auto work = std::filesystem::path(reference).replace_filename("flip_work");
  for (const uint8_t mask : {uint8_t{0xFF}, uint8_t{0x01}}) {
    for (uint64_t i = 0; i < frame_bytes; ++i) {
      CopyDir(reference, work);
      const auto chunk = work / at.chunk.filename();
      Bytes bytes = ReadFile(chunk);
      bytes[at.offset_bytes + i] ^= mask;
      WriteFile(chunk, bytes);
      ExpectOpenRefused(work, chunk, at.offset_bytes, last,
                        "flipped byte " + std::to_string(i) + " of " + std::to_string(frame_bytes) + " with mask " +
                            std::to_string(mask));
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

// The same damage in the newest complete frame, now followed by a torn
// write of the next one: still corruption (the damaged frame is complete: its
// trailer closes it), never a tail of two frames dropped.
TEST(LedgerTailTest, ACorruptedCompleteFrameBeforeATornOneIsCorruption) {
  const auto reference = FreshDir("flip_torn_ref");
  const Version last = BuildWithLongLastFrame(reference);
  const Location torn = Locate(reference, last);
  const Location at = Locate(reference, last - 1);
  ASSERT_EQ(at.chunk, torn.chunk);
  const uint64_t frame_bytes = FrameBytesOf(last - 1);
  const auto work = std::filesystem::path(reference).replace_filename("flip_torn_work");
  for (const uint64_t kept : {uint64_t{1}, uint64_t{30}, FrameBytesOf(last) - 1}) {
    for (uint64_t i = 0; i < frame_bytes; ++i) {
      CopyDir(reference, work);
      const auto chunk = work / at.chunk.filename();
      Bytes bytes = ReadFile(chunk);
      bytes[at.offset_bytes + i] ^= 0xFF;
      bytes.resize(torn.offset_bytes + kept);
      WriteFile(chunk, bytes);
      ExpectOpenRefused(work, chunk, at.offset_bytes, last - 1,
                        "flipped byte " + std::to_string(i) + ", kept " + std::to_string(kept) + " torn bytes");
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

// Bytes after the last complete frame that our writer cannot have left
// (neither zeros nor the start of the next frame) are refused like damage:
// the safe choice (RocksDB's kAbsoluteConsistency), documented in §9.8.
TEST(LedgerTailTest, GarbageAfterACompleteFrameIsCorruption) {
  const auto reference = FreshDir("garbage_ref");
  const Version last = 60;
  Build(reference, last);
  const auto newest = ChunkPaths(reference).back();
  const uint64_t size = std::filesystem::file_size(newest);
  const auto work = std::filesystem::path(reference).replace_filename("garbage_work");
  Bytes other_version;
  internal::AppendFrame(last + 7, PayloadFor(3), other_version);
  other_version.resize(other_version.size() - 1);  // torn, but of the wrong version
  const std::vector<std::pair<std::string, Bytes>> cases = {
      {"one byte", Bytes{0x01}},
      {"text", ToBytes("hello, ledger")},
      {"0xFF x 40", Bytes(40, 0xFF)},
      {"LSFR, a length, then garbage", [] {
         Bytes b = ToBytes("LSFR");
         b.insert(b.end(), {0x05, 0x00, 0x00, 0x00});
         const Bytes rest = ToBytes("garbage-garbage-garbage");
         b.insert(b.end(), rest.begin(), rest.end());
         return b;
       }()},
      {"a torn frame of another version", other_version},
      {"zeros then a byte", [] {
         Bytes b(100, 0);
         b.back() = 1;
         return b;
       }()},
  };
  for (const auto& [name, garbage] : cases) {
    CopyDir(reference, work);
    const auto chunk = work / newest.filename();
    Bytes bytes = ReadFile(chunk);
    bytes.insert(bytes.end(), garbage.begin(), garbage.end());
    WriteFile(chunk, bytes);
    ExpectOpenRefused(work, chunk, size, last + 1, name);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

// The bytes of a newest chunk that a crash cannot have left: a partial
// header that is not a prefix of the header its name implies, or a complete
// but invalid header that is not zero-filled (even with no frame after it).
TEST(LedgerTailTest, AChunkHeaderNoWriteCanHaveLeftIsCorruption) {
  const auto reference = FreshDir("header_garbage_ref");
  Build(reference, 50);
  const auto stray = ChunkName(51);
  const auto work = std::filesystem::path(reference).replace_filename("header_garbage_work");
  Bytes header;
  internal::AppendChunkHeader(51, header);
  Bytes partial_wrong(header.begin(), header.begin() + 20);
  partial_wrong[17] ^= 0x01;  // first_version's second byte
  Bytes full_wrong = header;
  full_wrong[29] ^= 0x01;  // the CRC
  for (const auto& [name, bytes] : std::vector<std::pair<std::string, Bytes>>{
           {"partial header, wrong", partial_wrong}, {"complete header, bad CRC", full_wrong}}) {
    CopyDir(reference, work);
    WriteFile(work / stray, bytes);
    ExpectOpenRefused(work, work / stray, 0, 51, name);
    if (::testing::Test::HasFatalFailure()) return;
  }
  // A zero-filled header (a power loss) is dropped, and kept.
  CopyDir(reference, work);
  WriteFile(work / stray, Bytes(32, 0));
  auto writer = LedgerWriter::Open(TestOptions(work, kMaxChunkBytes));
  ASSERT_TRUE(writer) << writer.error().ToString();
  ASSERT_EQ((*writer)->recovery_report().dropped.size(), 1u);
  EXPECT_TRUE((*writer)->recovery_report().dropped[0].file_removed);
  EXPECT_FALSE(std::filesystem::exists(work / stray));
  EXPECT_EQ(ReadFile((*writer)->recovery_report().dropped[0].kept_copy), Bytes(32, 0));
}

// A crash right after rollover: the new chunk holds a partial header, a bare
// header, or a header and part of its first frame. The chunk is removed.
TEST(LedgerTailTest, TornFirstFrameOfANewChunkRemovesTheChunk) {
  const auto reference = FreshDir("rollover_ref");
  Version last = 1;
  Build(reference, last);
  // Bounded: a chunk holds at most kMaxChunkBytes / 36 + 1 frames.
  while (ChunkPaths(reference).size() < 3 && last < 1000) Build(reference, ++last);
  const auto newest = ChunkPaths(reference).back();
  ASSERT_EQ(ChunkFirstVersion(newest), last);
  const uint64_t size = std::filesystem::file_size(newest);
  ASSERT_EQ(size, internal::kChunkHeaderBytes + FrameBytesOf(last));
  const auto work = std::filesystem::path(reference).replace_filename("rollover_work");
  for (uint64_t kept = 0; kept < size; ++kept) {
    CopyDir(reference, work);
    const auto chunk = work / newest.filename();
    std::filesystem::resize_file(chunk, kept);
    ExpectTornTailRecovered(reference, work, last,
                            DroppedTail{.file = chunk, .offset_bytes = 0, .dropped_bytes = kept, .file_removed = true,
                                        .version = last, .reason = {}, .kept_copy = {}},
                            "kept " + std::to_string(kept) + " of " + std::to_string(size) + " bytes");
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(LedgerTailTest, StrayEmptyChunkIsRemoved) {
  const auto dir = FreshDir("stray");
  Build(dir, 50);
  const auto stray = dir / ChunkName(51);
  WriteFile(stray, {});
  auto writer = LedgerWriter::Open(TestOptions(dir, kMaxChunkBytes));
  ASSERT_TRUE(writer) << writer.error().ToString();
  const RecoveryReport& report = (*writer)->recovery_report();
  EXPECT_EQ(report.last_good_version, 50u);
  ASSERT_EQ(report.dropped.size(), 1u);
  EXPECT_TRUE(report.dropped[0].file_removed);
  EXPECT_EQ(report.dropped[0].file, stray);
  EXPECT_FALSE(std::filesystem::exists(stray));
  EXPECT_NE(report.ToString().find(stray.string()), std::string::npos) << report.ToString();
  ASSERT_TRUE((*writer)->Append(51, PayloadFor(51)));
}

TEST(LedgerTailTest, StrayEmptyChunkAsTheOnlyFileLeavesAnEmptyLedger) {
  const auto dir = FreshDir("stray_only");
  WriteFile(dir / ChunkName(7), {});
  LedgerOptions options = TestOptions(dir);
  options.start_version = 7;
  auto writer = LedgerWriter::Open(options);
  ASSERT_TRUE(writer) << writer.error().ToString();
  EXPECT_EQ((*writer)->recovery_report().last_good_version, kNoVersion);
  EXPECT_EQ((*writer)->recovery_report().dropped.size(), 1u);
  EXPECT_EQ((*writer)->last_version(), kNoVersion);
  EXPECT_EQ((*writer)->next_version(), 7u);
  ASSERT_TRUE((*writer)->Append(7, AsBytes("seven")));
}

// Power loss can leave the file longer than what was written, zero-filled.
TEST(LedgerTailTest, ZeroFilledTailIsDropped) {
  const auto reference = FreshDir("zeros_ref");
  Build(reference, 60);
  const auto work = std::filesystem::path(reference).replace_filename("zeros_work");
  CopyDir(reference, work);
  const auto chunk = work / ChunkPaths(reference).back().filename();
  const uint64_t size = std::filesystem::file_size(chunk);
  std::filesystem::resize_file(chunk, size + 4096);
  ExpectTornTailRecovered(reference, work, 60,
                          DroppedTail{.file = chunk, .offset_bytes = size, .dropped_bytes = 4096, .file_removed = false,
                                      .version = 61, .reason = {}, .kept_copy = {}},
                          "zero fill");
}

// A bad frame followed by good ones is damage, not a crash: readers stop at
// it with kCorruption; nothing is skipped.
TEST(LedgerTailTest, CorruptionInAnOlderChunkIsReportedNotSkipped) {
  const auto dir = FreshDir("middle");
  Build(dir, 200);
  const auto paths = ChunkPaths(dir);
  ASSERT_GT(paths.size(), 4u);
  // A version in the middle of the second chunk.
  Version bad = (ChunkFirstVersion(paths[1]) + ChunkFirstVersion(paths[2])) / 2;
  while (PayloadFor(bad).size() < 10) ++bad;  // so that the flipped byte is payload
  const Location at = Locate(dir, bad);
  ASSERT_EQ(at.chunk, paths[1]);
  FlipByte(at.chunk, at.offset_bytes + internal::kFrameHeaderBytes + PayloadFor(bad).size() / 2);  // the payload

  // Opening checks the tail only: fine.
  auto writer = LedgerWriter::Open(TestOptions(dir, kMaxChunkBytes));
  ASSERT_TRUE(writer) << writer.error().ToString();
  EXPECT_TRUE((*writer)->recovery_report().clean());
  writer->reset();
  auto view = LedgerView::Open(dir);
  ASSERT_TRUE(view);

  Version visited = 0;
  auto s = (*view)->ForEach(1, [&](Version v, ByteView) {
    visited = v;
    return true;
  });
  ASSERT_FALSE(s);
  EXPECT_EQ(visited, bad - 1);
  ExpectCorruptionNaming(s.error(), at.chunk, at.offset_bytes, bad);

  auto get = (*view)->Get(bad);
  ASSERT_FALSE(get);
  ExpectCorruptionNaming(get.error(), at.chunk, at.offset_bytes, bad);
  EXPECT_TRUE((*view)->Get(bad - 1));
  EXPECT_TRUE((*view)->Get(bad + 1));

  auto it = (*view)->NewBackwardIterator();
  Version returned = 201;
  Result<std::optional<Entry>> entry;
  for (int i = 0; i < 300; ++i) {
    entry = it.Previous();
    if (!entry || !*entry) break;
    returned = (*entry)->version;
  }
  ASSERT_FALSE(entry);
  EXPECT_EQ(returned, bad + 1);
  ExpectCorruptionNaming(entry.error(), at.chunk, at.offset_bytes, bad);
}

// In the newest chunk, a bad frame followed by a verifiable one fails Open
// even when the tail itself is torn: dropping everything after the damage
// would silently lose good entries.
TEST(LedgerTailTest, CorruptionBeforeATornTailFailsOpen) {
  const auto dir = FreshDir("middle_tail");
  const Version last = BuildWithLongLastFrame(dir);
  const Location torn = Locate(dir, last);
  const Version bad = last - 2;
  const Location at = Locate(dir, bad);
  ASSERT_EQ(at.chunk, torn.chunk);
  ASSERT_GE(bad, ChunkFirstVersion(at.chunk));
  FlipByte(at.chunk, at.offset_bytes + 5);  // payload length field
  std::filesystem::resize_file(torn.chunk, torn.offset_bytes + 30);
  const auto files = ReadChunkFiles(dir);

  auto view = LedgerView::Open(dir);
  ASSERT_FALSE(view);
  ExpectCorruptionNaming(view.error(), at.chunk, at.offset_bytes, bad);
  auto writer = LedgerWriter::Open(TestOptions(dir, kMaxChunkBytes));
  ASSERT_FALSE(writer);
  ExpectCorruptionNaming(writer.error(), at.chunk, at.offset_bytes, bad);
  EXPECT_EQ(ReadChunkFiles(dir), files) << "a failed Open changed the files";
}

TEST(LedgerTailTest, DamagedHeaderOfAChunkWithFramesIsCorruption) {
  const auto dir = FreshDir("bad_header");
  Build(dir, 100);
  const auto newest = ChunkPaths(dir).back();
  FlipByte(newest, 3);
  auto writer = LedgerWriter::Open(TestOptions(dir, kMaxChunkBytes));
  ASSERT_FALSE(writer);
  EXPECT_EQ(writer.error().code, ErrorCode::kCorruption);
  EXPECT_NE(writer.error().message.find(newest.string()), std::string::npos) << writer.error().message;
}

TEST(LedgerTailTest, ChunkNameMustMatchItsHeader) {
  const auto dir = FreshDir("renamed");
  Build(dir, 100);
  const auto newest = ChunkPaths(dir).back();
  std::filesystem::rename(newest, dir / ChunkName(ChunkFirstVersion(newest) + 1));
  auto view = LedgerView::Open(dir);
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error().code, ErrorCode::kCorruption) << view.error().ToString();
}

TEST(LedgerTailTest, ALedgerEndingAtTheLastPossibleVersionIsRefusedByTheWriter) {
  // A chunk the host made up, whose verified frame holds version 2^64-1: no
  // version can follow it, so the writer refuses the ledger (it used to
  // abort on its next_version invariant); readers still read it.
  const auto dir = FreshDir("last_possible_version");
  constexpr Version kLast = std::numeric_limits<Version>::max();
  Bytes chunk;
  internal::AppendChunkHeader(kLast, chunk);
  internal::AppendFrame(kLast, PayloadFor(7), chunk);
  WriteFile(dir / ChunkName(kLast), chunk);

  auto writer = LedgerWriter::Open(TestOptions(dir, kMaxChunkBytes));
  ASSERT_FALSE(writer);
  EXPECT_EQ(writer.error().code, ErrorCode::kCorruption);
  EXPECT_NE(writer.error().message.find((dir / ChunkName(kLast)).string()), std::string::npos)
      << writer.error().message;

  auto view = LedgerView::Open(dir);
  ASSERT_TRUE(view) << view.error().ToString();
  EXPECT_EQ((*view)->last_version(), kLast);
  auto entry = (*view)->Get(kLast);
  ASSERT_TRUE(entry) << entry.error().ToString();
  EXPECT_EQ(entry->payload, PayloadFor(7));
}

TEST(LedgerTailTest, AppendingTheLastPossibleVersionIsRefused) {
  const auto dir = FreshDir("append_last_possible_version");
  LedgerOptions options = TestOptions(dir, kMaxChunkBytes);
  options.start_version = std::numeric_limits<Version>::max();
  auto writer = LedgerWriter::Open(options);
  ASSERT_TRUE(writer) << writer.error().ToString();
  auto appended = (*writer)->Append(options.start_version, PayloadFor(1));
  ASSERT_FALSE(appended);
  EXPECT_EQ(appended.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*writer)->next_version(), options.start_version);
}

}  // namespace
}  // namespace ledgerseal::kv::ledger
