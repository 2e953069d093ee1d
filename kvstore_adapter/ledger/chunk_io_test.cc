// ChunkReader against a host that changes a chunk between two reads of the
// same frame: a typed error naming the file, offset and versions, never an
// abort (docs/ARCHITECTURE.md, "Threat model").
#include "kvstore_adapter/ledger/chunk_io.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "kvstore_adapter/ledger/frame.h"
#include "kvstore_adapter/ledger/test_util.h"

namespace ledgerseal::kv::ledger::internal {
namespace {

using testing::ChunkName;
using testing::FreshDir;
using testing::WriteFile;

constexpr size_t kReadAheadBytes = 4096;
// Larger than the read-ahead: the header comes from one read, the whole
// frame from a second.
constexpr size_t kPayloadBytes = 3 * kReadAheadBytes;

// One chunk starting at version 1 whose only frame holds `frame_version`.
Bytes ChunkBytes(Version frame_version) {
  Bytes bytes;
  AppendChunkHeader(1, bytes);
  AppendFrame(frame_version, Bytes(kPayloadBytes, 0x5A), bytes);
  return bytes;
}

class ChunkReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshDir("chunk_io_test");
    chunk_ = ChunkFile{.first_version = 1, .dir = std::make_shared<const std::filesystem::path>(dir_)};
    ASSERT_EQ(chunk_.path(), dir_ / ChunkName(1));
    WriteFile(chunk_.path(), ChunkBytes(1));
  }

  std::filesystem::path dir_;
  ChunkFile chunk_;
  ReadCounters counters_;
};

TEST_F(ChunkReaderTest, AFrameLargerThanTheReadAheadIsReadTwice) {
  auto reader = ChunkReader::Open(chunk_, std::nullopt, kReadAheadBytes, &counters_);
  ASSERT_TRUE(reader) << reader.error().ToString();
  auto frame = reader->ReadFrameAt(kChunkHeaderBytes, 1);
  ASSERT_TRUE(frame) << frame.error().ToString();
  EXPECT_EQ(frame->version, 1u);
  EXPECT_EQ(frame->payload.size(), kPayloadBytes);
  // Chunk header, a read-ahead block holding the frame header, the frame.
  EXPECT_EQ(counters_.calls.load(), 3u);
}

TEST_F(ChunkReaderTest, AFrameRewrittenBetweenItsTwoReadsIsCorruptionNotAnAbort) {
  // After the read that brought the frame header (version 1), the host puts
  // a valid frame of the same size but another version in its place.
  int reads_at_frame = 0;
  counters_.after_read_for_testing = [&](uint64_t offset_bytes, uint64_t) {
    if (offset_bytes == kChunkHeaderBytes && ++reads_at_frame == 1) WriteFile(chunk_.path(), ChunkBytes(7));
  };
  auto reader = ChunkReader::Open(chunk_, std::nullopt, kReadAheadBytes, &counters_);
  ASSERT_TRUE(reader) << reader.error().ToString();
  auto frame = reader->ReadFrameAt(kChunkHeaderBytes, 1);
  ASSERT_FALSE(frame) << "returned version " << frame->version;
  EXPECT_EQ(reads_at_frame, 2) << "the frame was not read a second time";
  EXPECT_EQ(frame.error().code, ErrorCode::kCorruption);
  const std::string& message = frame.error().message;
  EXPECT_NE(message.find(chunk_.path().string()), std::string::npos) << message;
  EXPECT_NE(message.find("offset " + std::to_string(kChunkHeaderBytes)), std::string::npos) << message;
  EXPECT_NE(message.find("(version 1)"), std::string::npos) << message;
  EXPECT_NE(message.find("frame holds version 7"), std::string::npos) << message;
}

TEST_F(ChunkReaderTest, AFrameThatFitsTheReadAheadIsReadOnce) {
  // A frame inside one read-ahead block is decoded from the bytes whose
  // header was checked: a later rewrite does not reach it.
  const Bytes small_chunk = [] {
    Bytes bytes;
    AppendChunkHeader(1, bytes);
    AppendFrame(1, Bytes(100, 0x5A), bytes);
    return bytes;
  }();
  WriteFile(chunk_.path(), small_chunk);
  counters_.after_read_for_testing = [&](uint64_t offset_bytes, uint64_t) {
    if (offset_bytes == kChunkHeaderBytes) WriteFile(chunk_.path(), ChunkBytes(7));
  };
  auto reader = ChunkReader::Open(chunk_, small_chunk.size(), kReadAheadBytes, &counters_);
  ASSERT_TRUE(reader) << reader.error().ToString();
  auto frame = reader->ReadFrameAt(kChunkHeaderBytes, 1);
  ASSERT_TRUE(frame) << frame.error().ToString();
  EXPECT_EQ(frame->version, 1u);
  EXPECT_EQ(counters_.calls.load(), 2u);
}

// A listed chunk is reopened by the name ChunkFile::path() rebuilds from its
// version: only the one canonical name may parse, for every version.
TEST(ChunkNamesTest, OnlyTheCanonicalNameParsesAndItRoundTrips) {
  for (Version v : {Version{1}, Version{42}, Version{10'000'000'000'000'000'000u}, UINT64_MAX}) {
    const std::string name = ChunkFileName(v);
    EXPECT_EQ(name, ChunkName(v));
    ASSERT_EQ(ParseChunkFileName(name), v) << name;
  }
  for (const char* bad : {"ledger_42.chunk", "ledger_000000000000000000042.chunk", "ledger_0000000000000000004a.chunk",
                          "LEDGER_00000000000000000042.chunk", "ledger_00000000000000000042.chunk.tmp",
                          "ledger_+0000000000000000042.chunk", "ledger_00000000000000000000.chunk",
                          "ledger_99999999999999999999.chunk", "ledger_00000000000000000042.chunk.torn-10"}) {
    EXPECT_FALSE(ParseChunkFileName(bad)) << bad;
  }
  const auto dir = std::make_shared<const std::filesystem::path>("/some/ledger");
  EXPECT_EQ((ChunkFile{.first_version = 7, .dir = dir}.path()), *dir / ChunkName(7));
}

}  // namespace
}  // namespace ledgerseal::kv::ledger::internal
