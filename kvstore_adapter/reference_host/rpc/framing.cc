#include "kvstore_adapter/reference_host/rpc/framing.h"

#include <algorithm>

#include "kvstore_adapter/reference_host/rpc/address.h"

namespace ledgerseal::rpc {
namespace {

constexpr size_t kReadChunkBytes = 1u << 20;

FrameError FromIo(const IoResult& io, bool inside_frame, std::string_view what) {
  using Kind = FrameError::Kind;
  const std::string where =
      std::string(what) + " after " + std::to_string(io.transferred) + " bytes";
  switch (io.status) {
    case IoStatus::kTimedOut: return {Kind::kTimedOut, "timed out " + where};
    case IoStatus::kClosed: {
      const std::string how =
          io.error_number == 0 ? "peer closed the connection" : ErrnoText(io.error_number);
      return {inside_frame ? Kind::kClosedMidFrame : Kind::kClosedBeforeFrame, how + " " + where};
    }
    case IoStatus::kOk:
    case IoStatus::kFailed: break;
  }
  return {Kind::kIo, ErrnoText(io.error_number) + " " + where};
}

}  // namespace

void EncodeFrameHeader(uint32_t payload_bytes, std::span<uint8_t, kFrameHeaderBytes> out) {
  out[0] = static_cast<uint8_t>(payload_bytes >> 24);
  out[1] = static_cast<uint8_t>(payload_bytes >> 16);
  out[2] = static_cast<uint8_t>(payload_bytes >> 8);
  out[3] = static_cast<uint8_t>(payload_bytes);
}

uint32_t DecodeFrameHeader(std::span<const uint8_t, kFrameHeaderBytes> header) {
  return (uint32_t{header[0]} << 24) | (uint32_t{header[1]} << 16) | (uint32_t{header[2]} << 8) |
         uint32_t{header[3]};
}

kv::Status CheckFrameLength(uint64_t payload_bytes, uint32_t max_frame_bytes) {
  if (payload_bytes <= max_frame_bytes) return {};
  return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                       "frame of " + std::to_string(payload_bytes) +
                           " bytes exceeds the maximum of " + std::to_string(max_frame_bytes) +
                           " bytes");
}

kv::Result<kv::Bytes> EncodeFrame(kv::ByteView payload, uint32_t max_frame_bytes) {
  if (auto ok = CheckFrameLength(payload.size(), max_frame_bytes); !ok) {
    return std::unexpected(ok.error());
  }
  kv::Bytes frame(kFrameHeaderBytes + payload.size());
  EncodeFrameHeader(static_cast<uint32_t>(payload.size()),
                    std::span<uint8_t, kFrameHeaderBytes>(frame.data(), kFrameHeaderBytes));
  std::copy(payload.begin(), payload.end(), frame.begin() + kFrameHeaderBytes);
  return frame;
}

kv::Result<std::optional<ParsedFrame>> ParseFrame(kv::ByteView buffer, uint32_t max_frame_bytes) {
  if (buffer.size() < kFrameHeaderBytes) return std::optional<ParsedFrame>();
  const uint32_t length = DecodeFrameHeader(buffer.first<kFrameHeaderBytes>());
  if (auto ok = CheckFrameLength(length, max_frame_bytes); !ok) return std::unexpected(ok.error());
  if (buffer.size() - kFrameHeaderBytes < length) return std::optional<ParsedFrame>();
  return std::optional<ParsedFrame>(ParsedFrame{
      .payload = buffer.subspan(kFrameHeaderBytes, length),
      .consumed = kFrameHeaderBytes + length,
  });
}

FrameResult<kv::Bytes> ReadFrame(int fd, uint32_t max_frame_bytes, Deadline deadline) {
  uint8_t header[kFrameHeaderBytes];
  const IoResult got_header = ReadExact(fd, header, deadline);
  if (!got_header.ok()) {
    return std::unexpected(
        FromIo(got_header, got_header.transferred > 0, "reading a frame header"));
  }
  const uint32_t length = DecodeFrameHeader(header);
  if (auto ok = CheckFrameLength(length, max_frame_bytes); !ok) {
    return std::unexpected(FrameError{FrameError::Kind::kTooLarge, ok.error().message});
  }
  kv::Bytes payload;
  // Bounded: each pass reads at least one byte or returns.
  while (payload.size() < length) {
    const size_t start = payload.size();
    payload.resize(start + std::min<size_t>(kReadChunkBytes, length - start));
    IoResult got = ReadExact(fd, std::span(payload).subspan(start), deadline);
    if (!got.ok()) {
      got.transferred += start;
      return std::unexpected(FromIo(got, /*inside_frame=*/true,
                                    "reading a " + std::to_string(length) + "-byte frame"));
    }
  }
  return payload;
}

FrameResult<void> WriteFrame(int fd, kv::ByteView frame, Deadline deadline) {
  const IoResult sent = WriteAll(fd, frame, deadline);
  if (sent.ok()) return {};
  // A write cut short leaves the peer mid-frame whatever the cause.
  return std::unexpected(FromIo(sent, sent.transferred > 0,
                                "writing a " + std::to_string(frame.size()) + "-byte frame"));
}

}  // namespace ledgerseal::rpc
