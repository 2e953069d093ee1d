#include "kvstore_adapter/reference_host/rpc/framing.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

#include "kvstore_adapter/reference_host/rpc/unique_fd.h"

namespace ledgerseal::rpc {
namespace {

using std::chrono::milliseconds;

kv::Bytes Pattern(size_t size) {
  kv::Bytes bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(i * 131 + 7);
  return bytes;
}

TEST(FrameHeader, RoundTripsBigEndian) {
  for (uint32_t length : {0u, 1u, 0x01020304u, 0xffffffffu}) {
    uint8_t header[kFrameHeaderBytes];
    EncodeFrameHeader(length, header);
    EXPECT_EQ(DecodeFrameHeader(header), length);
  }
  uint8_t header[kFrameHeaderBytes];
  EncodeFrameHeader(0x01020304u, header);
  EXPECT_EQ(header[0], 0x01);
  EXPECT_EQ(header[3], 0x04);
}

TEST(Frame, RoundTrip) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{1000}}) {
    const kv::Bytes payload = Pattern(size);
    auto frame = EncodeFrame(payload, kDefaultMaxFrameBytes);
    ASSERT_TRUE(frame.has_value());
    ASSERT_EQ(frame->size(), kFrameHeaderBytes + size);
    auto parsed = ParseFrame(*frame, kDefaultMaxFrameBytes);
    ASSERT_TRUE(parsed.has_value());
    ASSERT_TRUE(parsed->has_value());
    EXPECT_EQ(kv::Bytes((*parsed)->payload.begin(), (*parsed)->payload.end()), payload);
    EXPECT_EQ((*parsed)->consumed, frame->size());
  }
}

TEST(Frame, ParsesBackToBackFrames) {
  kv::Bytes stream = *EncodeFrame(kv::ToBytes("first"), 100);
  const kv::Bytes second = *EncodeFrame(kv::ToBytes("second!"), 100);
  stream.insert(stream.end(), second.begin(), second.end());
  auto one = ParseFrame(stream, 100);
  ASSERT_TRUE(one.has_value() && one->has_value());
  EXPECT_EQ(kv::AsString((*one)->payload), "first");
  auto two = ParseFrame(kv::ByteView(stream).subspan((*one)->consumed), 100);
  ASSERT_TRUE(two.has_value() && two->has_value());
  EXPECT_EQ(kv::AsString((*two)->payload), "second!");
}

TEST(Frame, OversizeIsRefusedOnBothSides) {
  const kv::Bytes payload = Pattern(101);
  auto encoded = EncodeFrame(payload, 100);
  ASSERT_FALSE(encoded.has_value());
  EXPECT_EQ(encoded.error().code, kv::ErrorCode::kInvalidArgument);
  EXPECT_EQ(encoded.error().message, "frame of 101 bytes exceeds the maximum of 100 bytes");

  // A header alone announcing too much is refused before any payload arrives.
  uint8_t header[kFrameHeaderBytes];
  EncodeFrameHeader(0xffffffffu, header);
  auto parsed = ParseFrame(header, kDefaultMaxFrameBytes);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message.find("exceeds the maximum"), std::string::npos);
  EXPECT_TRUE(CheckFrameLength(100, 100).has_value());
}

TEST(Frame, EveryTruncationIsIncomplete) {
  const kv::Bytes frame = *EncodeFrame(Pattern(20), 100);
  for (size_t cut = 0; cut < frame.size(); ++cut) {
    auto parsed = ParseFrame(kv::ByteView(frame).first(cut), 100);
    ASSERT_TRUE(parsed.has_value()) << cut;
    EXPECT_FALSE(parsed->has_value()) << "prefix of " << cut << " bytes parsed as a frame";
  }
}

// ---- Over a socket pair -----------------------------------------------------

struct SocketPair {
  UniqueFd a, b;
};

SocketPair MakePair() {
  int fds[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

TEST(FrameIo, LargeFrameRoundTripsThroughShortReadsAndWrites) {
  SocketPair pair = MakePair();
  // Far larger than the socket buffers: both sides must loop on EAGAIN.
  const kv::Bytes payload = Pattern(5u << 20);
  const kv::Bytes frame = *EncodeFrame(payload, kDefaultMaxFrameBytes);
  FrameResult<void> written;
  std::thread writer([&] { written = WriteFrame(pair.a.get(), frame, DeadlineAfterMs(5000)); });
  auto read = ReadFrame(pair.b.get(), kDefaultMaxFrameBytes, DeadlineAfterMs(5000));
  writer.join();
  ASSERT_TRUE(written.has_value()) << written.error().message;
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_TRUE(*read == payload);
}

TEST(FrameIo, CloseBeforeFrameIsDistinguishedFromCloseMidFrame) {
  {
    SocketPair pair = MakePair();
    pair.a.reset();
    auto read = ReadFrame(pair.b.get(), 100, DeadlineAfterMs(1000));
    ASSERT_FALSE(read.has_value());
    EXPECT_EQ(read.error().kind, FrameError::Kind::kClosedBeforeFrame);
  }
  {
    SocketPair pair = MakePair();
    const kv::Bytes frame = *EncodeFrame(Pattern(50), 100);
    ASSERT_TRUE(WriteFrame(pair.a.get(), kv::ByteView(frame).first(30), DeadlineAfterMs(1000)));
    pair.a.reset();
    auto read = ReadFrame(pair.b.get(), 100, DeadlineAfterMs(1000));
    ASSERT_FALSE(read.has_value());
    EXPECT_EQ(read.error().kind, FrameError::Kind::kClosedMidFrame);
    EXPECT_NE(read.error().message.find("after 26 bytes"), std::string::npos)
        << read.error().message;
  }
  {
    SocketPair pair = MakePair();  // a torn header
    ASSERT_TRUE(WriteFrame(pair.a.get(), kv::ToBytes(std::string_view("\x00\x00", 2)),
                           DeadlineAfterMs(1000)));
    pair.a.reset();
    auto read = ReadFrame(pair.b.get(), 100, DeadlineAfterMs(1000));
    ASSERT_FALSE(read.has_value());
    EXPECT_EQ(read.error().kind, FrameError::Kind::kClosedMidFrame);
  }
}

TEST(FrameIo, OversizeHeaderIsTooLarge) {
  SocketPair pair = MakePair();
  ASSERT_TRUE(WriteFrame(pair.a.get(), kv::ToBytes("\xff\xff\xff\xff"), DeadlineAfterMs(1000)));
  auto read = ReadFrame(pair.b.get(), kDefaultMaxFrameBytes, DeadlineAfterMs(1000));
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().kind, FrameError::Kind::kTooLarge);
}

TEST(FrameIo, SilentPeerTimesOutAtTheDeadline) {
  SocketPair pair = MakePair();
  const kv::Bytes frame = *EncodeFrame(Pattern(50), 100);
  ASSERT_TRUE(WriteFrame(pair.a.get(), kv::ByteView(frame).first(10), DeadlineAfterMs(1000)));
  const auto start = Clock::now();
  auto read = ReadFrame(pair.b.get(), 100, DeadlineAfterMs(150));
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().kind, FrameError::Kind::kTimedOut);
  EXPECT_GE(elapsed, milliseconds(140));
  EXPECT_LT(elapsed, milliseconds(2000));
}

TEST(FrameIo, WriteToClosedPeerIsClosedNotSigpipe) {
  SocketPair pair = MakePair();
  pair.b.reset();
  auto written = WriteFrame(pair.a.get(), *EncodeFrame(Pattern(10), 100), DeadlineAfterMs(1000));
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().kind, FrameError::Kind::kClosedBeforeFrame);
}

}  // namespace
}  // namespace ledgerseal::rpc
