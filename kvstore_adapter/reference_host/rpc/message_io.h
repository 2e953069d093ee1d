// Protobuf messages as frames on a socket.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_MESSAGE_IO_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_MESSAGE_IO_H_

#include <google/protobuf/message_lite.h>

#include "kvstore_adapter/reference_host/rpc/framing.h"

namespace ledgerseal::rpc {

// Serialises `message` into one frame and writes it before `deadline`.
// kTooLarge (nothing written) if it exceeds `max_frame_bytes`. Not
// thread-safe per fd.
FrameResult<void> SendMessage(int fd, const google::protobuf::MessageLite& message,
                              uint32_t max_frame_bytes, Deadline deadline);

// Reads one frame before `deadline` and parses it into `*message` (cleared
// first). A payload that does not parse is kMalformed (the stream is
// still in step: the next frame can be read). Not thread-safe per fd.
FrameResult<void> ReceiveMessage(int fd, google::protobuf::MessageLite* message,
                                 uint32_t max_frame_bytes, Deadline deadline);

}  // namespace ledgerseal::rpc

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_RPC_MESSAGE_IO_H_
