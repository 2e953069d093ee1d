// The bytes of a command inside a raft log entry.
//
// raft 0.15's libuv transport and segment encoding lay entries out back to
// back and assume each entry's length is a multiple of 8 bytes (the decoder
// pads every length up to 8): an entry of another length would be shifted on
// every follower. So a command is framed:
//
//   [u32 LE format = 1][u32 LE payload length][payload][0..7 zero bytes]
//
// and the whole frame is a multiple of 8 bytes.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_COMMAND_FRAME_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_COMMAND_FRAME_H_

#include <cstdint>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/raft/raft_c.h"

namespace ledgerseal::replication {

inline constexpr uint32_t kCommandFrameFormat = 1;
inline constexpr size_t kCommandFrameHeaderBytes = 8;
inline constexpr size_t kMaxCommandBytes = 0xFFFFFFFFu - 8;  // fits the u32 length

// Frames `command` into a raft_malloc'd buffer (the caller owns it until
// raft_apply takes it). Errors: kInvalidArgument (too large), kUnavailable
// (out of memory).
kv::Result<struct raft_buffer> EncodeCommandFrame(kv::ByteView command);

// The payload of a frame (a view into `entry`). Errors: kCorruption (not a
// frame of a known format, length mismatch, non-zero padding).
kv::Result<kv::ByteView> DecodeCommandFrame(kv::ByteView entry);

}  // namespace ledgerseal::replication

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RAFT_COMMAND_FRAME_H_
