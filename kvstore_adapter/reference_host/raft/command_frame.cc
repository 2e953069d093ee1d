#include "kvstore_adapter/reference_host/raft/command_frame.h"

#include <cstring>
#include <string>

namespace ledgerseal::replication {
namespace {

void PutU32(uint8_t* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint32_t GetU32(const uint8_t* in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(in[i]) << (8 * i);
  return v;
}

size_t PaddedFrameSize(size_t payload_bytes) {
  return (kCommandFrameHeaderBytes + payload_bytes + 7) / 8 * 8;
}

kv::Error Corrupt(const std::string& what) {
  return kv::Error{kv::ErrorCode::kCorruption, "raft log entry is not a command frame: " + what};
}

}  // namespace

kv::Result<struct raft_buffer> EncodeCommandFrame(kv::ByteView command) {
  if (command.size() > kMaxCommandBytes) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                         "command of " + std::to_string(command.size()) + " bytes is too large");
  }
  struct raft_buffer buf {};
  buf.len = PaddedFrameSize(command.size());
  buf.base = raft_malloc(buf.len);
  if (buf.base == nullptr) return kv::MakeError(kv::ErrorCode::kUnavailable, "out of memory");
  auto* out = static_cast<uint8_t*>(buf.base);
  std::memset(out, 0, buf.len);
  PutU32(out, kCommandFrameFormat);
  PutU32(out + 4, static_cast<uint32_t>(command.size()));
  if (!command.empty()) std::memcpy(out + kCommandFrameHeaderBytes, command.data(), command.size());
  return buf;
}

kv::Result<kv::ByteView> DecodeCommandFrame(kv::ByteView entry) {
  if (entry.size() < kCommandFrameHeaderBytes || entry.size() % 8 != 0) {
    return std::unexpected(Corrupt("size " + std::to_string(entry.size())));
  }
  const uint32_t format = GetU32(entry.data());
  if (format != kCommandFrameFormat) {
    return std::unexpected(Corrupt("unknown format " + std::to_string(format)));
  }
  const size_t length = GetU32(entry.data() + 4);
  if (PaddedFrameSize(length) != entry.size()) {
    return std::unexpected(Corrupt("payload length " + std::to_string(length) +
                                   " does not match entry size " + std::to_string(entry.size())));
  }
  for (size_t i = kCommandFrameHeaderBytes + length; i < entry.size(); ++i) {
    if (entry[i] != 0) return std::unexpected(Corrupt("non-zero padding"));
  }
  return entry.subspan(kCommandFrameHeaderBytes, length);
}

}  // namespace ledgerseal::replication
