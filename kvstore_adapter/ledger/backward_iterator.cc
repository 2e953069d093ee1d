// BackwardIterator: a view's entries newest first, through the frames'
// trailers, stepping into older chunks (listing them when the view found
// only the newest through the hint).
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "base/check.h"
#include "kvstore_adapter/ledger/chunk_io.h"
#include "kvstore_adapter/ledger/frame.h"
#include "kvstore_adapter/ledger/ledger_view_impl.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"

namespace ledgerseal::kv::ledger {

struct BackwardIterator::Impl {
  const LedgerView::Impl* view = nullptr;
  std::shared_ptr<const ChunkList> list;  // view's list when this iterator last needed it
  size_t chunk = 0;                  // index in `list` of the chunk holding next_version
  std::optional<ChunkReader> reader; // open on `chunk`, or not yet
  uint64_t end_offset_bytes = 0;     // where the next frame to return ends
  Version next_version = kNoVersion; // what Previous returns next
  bool done = false;                 // the oldest entry was returned
  std::optional<Error> failure;

  Result<std::optional<Entry>> Previous();
  Result<std::optional<Entry>> Fail(Error error) {
    failure = error;
    return std::unexpected(std::move(error));
  }
};

Result<std::optional<Entry>> BackwardIterator::Impl::Previous() {
  if (failure) return std::unexpected(*failure);
  if (view->empty() || done) return std::nullopt;
  // At most three iterations: list the older chunks (once), step into the
  // older chunk, read.
  for (int step = 0; step < 3; ++step) {
    if (!reader) {
      auto opened = view->OpenChunk(*list, chunk, 0);
      if (!opened) return Fail(opened.error());
      reader.emplace(std::move(*opened));
      end_offset_bytes = reader->end_bytes();
    }
    const ChunkFile& file = list->files[chunk];
    if (end_offset_bytes == internal::kChunkHeaderBytes) {
      // Every frame of this chunk was returned; its first must be the one its name promises.
      if (next_version + 1 != file.first_version) {
        return Fail(internal::CorruptionAt(file.path(), end_offset_bytes, next_version,
                                           "chunk's frames start at version " + std::to_string(next_version + 1) +
                                               ", its name says " + std::to_string(file.first_version)));
      }
      if (chunk == 0 && !list->complete) {
        // Only the newest chunk was known: the older ones are listed now.
        // The newest is the last of both lists.
        const Version newest_first = file.first_version;  // `file` is list's, replaced below
        auto complete = view->Complete();
        if (!complete) return Fail(complete.error());
        list = std::move(*complete);
        chunk = list->files.size() - 1;
        LEDGERSEAL_CHECK(list->files[chunk].first_version == newest_first);
      }
      if (chunk == 0) {
        done = true;
        return std::nullopt;
      }
      --chunk;
      reader.reset();
      continue;
    }
    if (next_version < file.first_version) {
      return Fail(internal::CorruptionAt(file.path(), end_offset_bytes, next_version,
                                         "chunk holds frames before its first version " +
                                             std::to_string(file.first_version)));
    }
    auto frame = reader->ReadFrameEndingAt(end_offset_bytes, next_version);
    if (!frame) return Fail(frame.error());
    // ReadFrameEndingAt computes offset_bytes as end_offset_bytes - frame_bytes.
    LEDGERSEAL_CHECK(frame->offset_bytes + frame->frame_bytes == end_offset_bytes);
    end_offset_bytes = frame->offset_bytes;
    --next_version;
    return Entry{.version = frame->version, .payload = Bytes(frame->payload.begin(), frame->payload.end())};
  }
  return Fail(Error{ErrorCode::kInternal, "backward iterator did not advance"});
}

BackwardIterator::BackwardIterator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BackwardIterator::~BackwardIterator() = default;
BackwardIterator::BackwardIterator(BackwardIterator&&) noexcept = default;
BackwardIterator& BackwardIterator::operator=(BackwardIterator&&) noexcept = default;

Result<std::optional<Entry>> BackwardIterator::Previous() { return impl_->Previous(); }

BackwardIterator LedgerView::NewBackwardIterator() const {
  auto impl = std::make_unique<BackwardIterator::Impl>();
  impl->view = impl_.get();
  impl->list = impl_->Current();
  impl->chunk = impl_->empty() ? 0 : impl->list->files.size() - 1;
  impl->next_version = impl_->last_version;
  return BackwardIterator(std::move(impl));
}

}  // namespace ledgerseal::kv::ledger
