#include "kvstore_adapter/ledger/posix_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ledgerseal::kv::ledger::internal {
namespace {

// EINTR retries are bounded so that a pathological signal storm surfaces as an
// error instead of a hang.
constexpr int kMaxEintrRetries = 1000;

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.Release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::Release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

Error ErrnoError(ErrorCode code, std::string_view what, const std::filesystem::path& path, int errno_value) {
  std::string message(what);
  message += " ";
  message += path.string();
  message += ": ";
  message += std::strerror(errno_value);
  return Error{code, std::move(message)};
}

Result<UniqueFd> OpenFile(const std::filesystem::path& path, int flags, int mode) {
  for (int attempt = 0; attempt < kMaxEintrRetries; ++attempt) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd >= 0) return UniqueFd(fd);
    if (errno == EINTR) continue;
    const int e = errno;
    return std::unexpected(ErrnoError(e == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIoError, "open", path, e));
  }
  return std::unexpected(ErrnoError(ErrorCode::kIoError, "open", path, EINTR));
}

Result<uint64_t> FileSize(int fd, const std::filesystem::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return std::unexpected(ErrnoError(ErrorCode::kIoError, "fstat", path, errno));
  // The size is the file system's word, and the file system is the host's.
  if (st.st_size < 0) {
    return MakeError(ErrorCode::kIoError,
                     "fstat " + path.string() + ": negative size " + std::to_string(st.st_size));
  }
  return static_cast<uint64_t>(st.st_size);
}

Status ReadExact(int fd, const std::filesystem::path& path, uint64_t offset_bytes, std::span<uint8_t> out) {
  size_t done_bytes = 0;
  int eintr_count = 0;
  // Each iteration either makes progress, returns, or counts an EINTR: bounded.
  while (done_bytes < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + done_bytes, out.size() - done_bytes,
                              static_cast<off_t>(offset_bytes + done_bytes));
    if (n < 0) {
      if (errno == EINTR && ++eintr_count < kMaxEintrRetries) continue;
      return std::unexpected(ErrnoError(ErrorCode::kIoError, "pread", path, errno));
    }
    if (n == 0) {
      return MakeError(ErrorCode::kIoError, "pread " + path.string() + ": end of file at offset " +
                                                std::to_string(offset_bytes + done_bytes) + ", expected " +
                                                std::to_string(out.size() - done_bytes) + " more bytes");
    }
    done_bytes += static_cast<size_t>(n);
  }
  return {};
}

Status WriteAll(int fd, const std::filesystem::path& path, uint64_t offset_bytes, ByteView data) {
  size_t done_bytes = 0;
  int eintr_count = 0;
  while (done_bytes < data.size()) {
    const ssize_t n = ::pwrite(fd, data.data() + done_bytes, data.size() - done_bytes,
                               static_cast<off_t>(offset_bytes + done_bytes));
    if (n < 0) {
      if (errno == EINTR && ++eintr_count < kMaxEintrRetries) continue;
      return std::unexpected(ErrnoError(ErrorCode::kIoError, "pwrite", path, errno));
    }
    if (n == 0) return std::unexpected(ErrnoError(ErrorCode::kIoError, "pwrite (no progress)", path, ENOSPC));
    done_bytes += static_cast<size_t>(n);
  }
  return {};
}

Status SyncData(int fd, const std::filesystem::path& path) {
  if (::fdatasync(fd) != 0) return std::unexpected(ErrnoError(ErrorCode::kIoError, "fdatasync", path, errno));
  return {};
}

Status SyncDirectory(int dir_fd, const std::filesystem::path& path) {
  if (::fsync(dir_fd) != 0) return std::unexpected(ErrnoError(ErrorCode::kIoError, "fsync directory", path, errno));
  return {};
}

Status Truncate(int fd, const std::filesystem::path& path, uint64_t size_bytes) {
  if (::ftruncate(fd, static_cast<off_t>(size_bytes)) != 0) {
    return std::unexpected(ErrnoError(ErrorCode::kIoError, "ftruncate", path, errno));
  }
  return {};
}

}  // namespace ledgerseal::kv::ledger::internal
