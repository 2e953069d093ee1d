// Message framing: each message is a u32 big-endian payload length followed by
// the payload. Lengths above a configurable maximum are refused before any
// payload byte is buffered, so a garbage header cannot make a reader allocate
// gigabytes.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_FRAMING_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_FRAMING_H_

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/rpc/socket_io.h"

namespace ledgerseal::rpc {

inline constexpr size_t kFrameHeaderBytes = 4;
inline constexpr uint32_t kDefaultMaxFrameBytes = 64u << 20;  // 64 MiB of payload

// ---- Pure encoding and decoding (thread-safe, no I/O) ----------------------

void EncodeFrameHeader(uint32_t payload_bytes, std::span<uint8_t, kFrameHeaderBytes> out);
uint32_t DecodeFrameHeader(std::span<const uint8_t, kFrameHeaderBytes> header);

// OK if a payload of `payload_bytes` may be framed under `max_frame_bytes`;
// else kInvalidArgument "frame of N bytes exceeds the maximum of M bytes".
kv::Status CheckFrameLength(uint64_t payload_bytes, uint32_t max_frame_bytes);

// header + payload. Errors: kInvalidArgument when the payload is too large.
kv::Result<kv::Bytes> EncodeFrame(kv::ByteView payload, uint32_t max_frame_bytes);

struct ParsedFrame {
  kv::ByteView payload;  // points into the buffer given to ParseFrame
  size_t consumed = 0;   // header + payload bytes
};

// Parses the frame at the start of `buffer`. nullopt: the buffer holds only a
// prefix of a frame (truncated; read more). Errors: kInvalidArgument when the
// header announces more than `max_frame_bytes`, even if the buffer is short.
kv::Result<std::optional<ParsedFrame>> ParseFrame(kv::ByteView buffer, uint32_t max_frame_bytes);

// ---- Frames over a non-blocking socket --------------------------------------

// Why a frame could not be read or written. Kept apart from kv::Error because
// callers react differently: a close before a frame is the normal end of a
// persistent connection, everything else is a failure.
struct FrameError {
  enum class Kind {
    kClosedBeforeFrame,  // orderly close (or reset) before the first header byte
    kClosedMidFrame,     // the peer went away inside a frame
    kTimedOut,           // the deadline passed
    kTooLarge,           // the length exceeds the maximum (stream now out of step)
    kIo,                 // another socket error
    kMalformed,          // a whole frame arrived but its payload does not parse
  };
  Kind kind;
  std::string message;  // says what and how far; never payload bytes
};

template <typename T>
using FrameResult = base::Expected<T, FrameError>;

// Reads one frame's payload from `fd` before `deadline`. The buffer grows with
// the bytes actually received (at most 1 MiB ahead), so a peer announcing a
// large frame and then stalling costs little memory. Not thread-safe per fd.
FrameResult<kv::Bytes> ReadFrame(int fd, uint32_t max_frame_bytes, Deadline deadline);

// Writes an already encoded frame (header included) before `deadline`.
FrameResult<void> WriteFrame(int fd, kv::ByteView frame, Deadline deadline);

}  // namespace ledgerseal::rpc

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_FRAMING_H_
