// Thin RAII + errors-as-values layer over the POSIX calls the ledger files
// use (open, pread, pwrite, fdatasync, ftruncate, flock). Internal.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_POSIX_FILE_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_POSIX_FILE_H_

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv::ledger::internal {

// Owns a file descriptor; closes it on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release();

 private:
  int fd_ = -1;
};

// An Error of `code` whose message is "<what> <path>: <strerror(errno_value)>".
Error ErrnoError(ErrorCode code, std::string_view what, const std::filesystem::path& path, int errno_value);

// open(2) with O_CLOEXEC added. ENOENT → kNotFound, anything else → kIoError.
Result<UniqueFd> OpenFile(const std::filesystem::path& path, int flags, int mode = 0);

// Size of the open file, from fstat(2).
Result<uint64_t> FileSize(int fd, const std::filesystem::path& path);

// Reads exactly out.size() bytes at `offset_bytes`, retrying short reads and
// EINTR. Reaching end of file first is kIoError (the file shrank under us:
// callers only read ranges they know exist).
Status ReadExact(int fd, const std::filesystem::path& path, uint64_t offset_bytes, std::span<uint8_t> out);

// Writes all of `data` at `offset_bytes`. One pwrite(2) call in the normal
// case; a short write (disk full, signal) is continued, so that a torn frame
// can only come from a crash, never from this function returning success.
Status WriteAll(int fd, const std::filesystem::path& path, uint64_t offset_bytes, ByteView data);

// fdatasync(2): the file's data and its size (enough to read it back).
Status SyncData(int fd, const std::filesystem::path& path);

// fsync(2) on a directory fd: makes created, removed and renamed entries durable.
Status SyncDirectory(int dir_fd, const std::filesystem::path& path);

Status Truncate(int fd, const std::filesystem::path& path, uint64_t size_bytes);

}  // namespace ledgerseal::kv::ledger::internal

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_POSIX_FILE_H_
