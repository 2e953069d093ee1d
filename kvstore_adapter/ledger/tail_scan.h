// Finds where a ledger's good entries end, and what lies after them: the
// analysis behind recovery, shared by LedgerWriter::Open (which then cuts the
// bad tail away) and LedgerView::Open (which ignores it). Reads only. Internal.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_TAIL_SCAN_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_TAIL_SCAN_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "kvstore_adapter/ledger/chunk_io.h"
#include "kvstore_adapter/ledger/chunk_names.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"

namespace ledgerseal::kv::ledger::internal {

struct TailScan {
  // The chunks holding the good entries, oldest first (chunks that held no
  // complete frame are left out: they are in report.dropped, file_removed).
  std::vector<ChunkFile> chunks;
  // Where the good frames of chunks.back() end (0 when chunks is empty).
  uint64_t last_chunk_end_bytes = 0;
  RecoveryReport report;
};

// Examines the newest chunk(s) of `chunks` (oldest first, as ListChunks gives).
//
// The newest chunk is clean when its last frame — found from the end of the
// file through the trailer — verifies: O(1) frames read. Otherwise its frames
// are scanned from the chunk header (O(chunk size)) up to the first one that
// fails. The bytes from there to the end of the file are a torn tail only if
// they can be an interrupted write of the next frame (docs/FORMAT.md §9.8):
// all zeros, or a prefix of that frame's header, or a valid header of the
// expected version whose declared end lies past the end of the file and no
// trailer closing it. Anything else — a complete frame that fails
// verification, a length field shown damaged by the frame's own trailer,
// bytes that are not the start of the next frame, or a verifiable frame
// anywhere after the failing one — is kCorruption naming the file, offset and
// version. A chunk left without any complete frame is dropped whole and the
// next older chunk examined. `counters` may be null.
Result<TailScan> ScanTail(std::vector<ChunkFile> chunks, ReadCounters* counters);

// Offset of the first complete, verifiable frame in `bytes` (any version),
// found by trying every position where the frame magic occurs; nullopt if none.
// Exposed for tests.
std::optional<uint64_t> FindVerifiableFrame(ByteView bytes);

}  // namespace ledgerseal::kv::ledger::internal

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_TAIL_SCAN_H_
