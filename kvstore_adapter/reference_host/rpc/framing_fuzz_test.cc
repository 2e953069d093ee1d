// Fuzz target: RPC frames arrive from the network; any bytes must parse to a
// frame inside the buffer, "need more bytes", or a typed error.
#include <cstddef>
#include <cstdint>

#include "base/check.h"
#include "kvstore_adapter/reference_host/rpc/framing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ::ledgerseal::kv::ByteView buffer(data, size);
  auto frame = ::ledgerseal::rpc::ParseFrame(buffer, 1u << 20);
  if (frame && *frame) {
    // The payload lies inside the buffer, and the frame is not longer than it.
    LEDGERSEAL_CHECK((*frame)->consumed <= size);
    LEDGERSEAL_CHECK((*frame)->payload.data() >= data &&
                     (*frame)->payload.data() + (*frame)->payload.size() <= data + size);
  }
  return 0;
}
