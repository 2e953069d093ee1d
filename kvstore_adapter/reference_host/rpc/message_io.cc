#include "kvstore_adapter/reference_host/rpc/message_io.h"

#include <string>

namespace ledgerseal::rpc {

FrameResult<void> SendMessage(int fd, const google::protobuf::MessageLite& message,
                              uint32_t max_frame_bytes, Deadline deadline) {
  const size_t payload_bytes = message.ByteSizeLong();
  if (auto ok = CheckFrameLength(payload_bytes, max_frame_bytes); !ok) {
    return std::unexpected(FrameError{FrameError::Kind::kTooLarge, ok.error().message});
  }
  // Header and payload in one buffer and one send: no small first segment for
  // Nagle/delayed-ACK to hold back.
  kv::Bytes frame(kFrameHeaderBytes + payload_bytes);
  EncodeFrameHeader(static_cast<uint32_t>(payload_bytes),
                    std::span<uint8_t, kFrameHeaderBytes>(frame.data(), kFrameHeaderBytes));
  if (!message.SerializeToArray(frame.data() + kFrameHeaderBytes,
                                static_cast<int>(payload_bytes))) {
    return std::unexpected(
        FrameError{FrameError::Kind::kIo, "a " + message.GetTypeName() + " failed to serialise"});
  }
  return WriteFrame(fd, frame, deadline);
}

FrameResult<void> ReceiveMessage(int fd, google::protobuf::MessageLite* message,
                                 uint32_t max_frame_bytes, Deadline deadline) {
  auto payload = ReadFrame(fd, max_frame_bytes, deadline);
  if (!payload) return std::unexpected(payload.error());
  message->Clear();
  if (!message->ParseFromArray(payload->data(), static_cast<int>(payload->size()))) {
    return std::unexpected(
        FrameError{FrameError::Kind::kMalformed, "a " + std::to_string(payload->size()) +
                                                     "-byte frame does not parse as " +
                                                     message->GetTypeName()});
  }
  return {};
}

}  // namespace ledgerseal::rpc
