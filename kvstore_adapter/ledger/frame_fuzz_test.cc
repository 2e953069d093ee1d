// Fuzz target: the ledger's frame and chunk-header decoders take bytes read
// back from a disk the host controls; any input must give a value or a typed
// defect, never a crash or an out-of-bounds read.
#include <cstddef>
#include <cstdint>

#include "kvstore_adapter/ledger/frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace ledger = ::ledgerseal::kv::ledger::internal;
  const ::ledgerseal::kv::ByteView bytes(data, size);
  auto frame = ledger::DecodeFrame(bytes);
  if (frame) {
    (void)frame->payload.size();
  }
  (void)ledger::DecodeChunkHeader(bytes);
  (void)ledger::DecodeFrameHeader(bytes);
  (void)ledger::DecodeFrameTrailer(bytes);
  return 0;
}
