#include "snp/machine_secret.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <string>
#include <system_error>

#include "snp/error_util.h"

namespace ledgerseal::snp {
namespace {

constexpr mode_t kSecretFileMode = 0600;
constexpr mode_t kGroupOtherBits = 0077;

std::unexpected<DerivedKeyError> StateError(const std::filesystem::path& path,
                                            const std::string& what) {
  return Fail(DerivedKeyErrorCode::kPlatformStateError,
              "virtual platform machine secret " + path.string() + ": " + what);
}

// Closes a file descriptor when it goes out of scope.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string ModeText(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof(text), "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

base::Expected<void, DerivedKeyError> ReadSecret(std::span<uint8_t, kMachineSecretSize> out, int fd,
                                                const std::filesystem::path& path) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return StateError(path, "cannot stat: " + ErrnoText(errno));
  if (!S_ISREG(info.st_mode)) return StateError(path, "is not a regular file");
  if ((info.st_mode & kGroupOtherBits) != 0) {
    return StateError(path, "has mode " + ModeText(info.st_mode) +
                                ", which lets group or others read it; it must be 0600 "
                                "(chmod 600 the file, or delete it to start a new virtual machine)");
  }
  if (info.st_size != static_cast<off_t>(kMachineSecretSize)) {
    return StateError(path, "is " + std::to_string(info.st_size) + " bytes; a machine secret is "
                                "exactly 32 bytes (the file is corrupted or is not a machine secret)");
  }
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return StateError(path, n < 0 ? "cannot read: " + ErrnoText(errno) : "unexpected end of file");
    }
    done += static_cast<size_t>(n);
  }
  return {};
}

base::Expected<void, DerivedKeyError> WriteAll(int fd, std::span<const uint8_t> bytes,
                                              const std::filesystem::path& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return StateError(path, "cannot write: " + ErrnoText(errno));
    done += static_cast<size_t>(n);
  }
  return {};
}

base::Expected<std::filesystem::path, DerivedKeyError> UniqueTempPath(
    const std::filesystem::path& path) {
  std::array<uint8_t, 8> nonce{};
  if (RAND_bytes(nonce.data(), nonce.size()) != 1) {
    return StateError(path, "RAND_bytes failed while naming a temporary file");
  }
  uint64_t value = 0;
  for (uint8_t b : nonce) value = value << 8 | b;
  return std::filesystem::path(path.string() + ".tmp-" + HexNumber(value));
}

// Writes a fresh random secret to a private temporary file.
base::Expected<void, DerivedKeyError> WriteFreshSecretFile(const std::filesystem::path& temp_path,
                                                          const std::filesystem::path& path) {
  const ScopedFd fd(::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                           kSecretFileMode));
  if (fd.get() < 0) {
    return StateError(path, "cannot create " + temp_path.string() + ": " + ErrnoText(errno));
  }
  // The umask may have removed bits; set exactly 0600 regardless.
  if (::fchmod(fd.get(), kSecretFileMode) != 0) {
    return StateError(path, "cannot chmod the new file: " + ErrnoText(errno));
  }
  std::array<uint8_t, kMachineSecretSize> secret{};
  const bool random_ok = RAND_priv_bytes(secret.data(), secret.size()) == 1;
  auto written = random_ok ? WriteAll(fd.get(), secret, path)
                           : base::Expected<void, DerivedKeyError>(
                                 StateError(path, "RAND_priv_bytes failed"));
  OPENSSL_cleanse(secret.data(), secret.size());
  if (!written) return written;
  if (::fsync(fd.get()) != 0) return StateError(path, "cannot fsync: " + ErrnoText(errno));
  return {};
}

// Creates `path` holding a fresh secret unless it already exists (then
// leaves it alone: someone else won the race, and their secret stands).
base::Expected<void, DerivedKeyError> CreateSecretFileIfAbsent(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return StateError(path, "cannot create its directory: " + ec.message());

  auto temp_path = UniqueTempPath(path);
  if (!temp_path) return std::unexpected(std::move(temp_path.error()));
  auto written = WriteFreshSecretFile(*temp_path, path);
  // link() fails with EEXIST instead of replacing, unlike rename().
  const int link_errno = written && ::link(temp_path->c_str(), path.c_str()) != 0 ? errno : 0;
  ::unlink(temp_path->c_str());
  if (!written) return written;
  if (link_errno != 0 && link_errno != EEXIST) {
    return StateError(path, "cannot move the new secret into place: " + ErrnoText(link_errno));
  }
  return {};
}

}  // namespace

base::Expected<void, DerivedKeyError> LoadOrCreateMachineSecret(
    std::span<uint8_t, kMachineSecretSize> out, const std::filesystem::path& path, bool create_if_missing) {
  std::ranges::fill(out, uint8_t{0});
  if (path.empty()) {
    return Fail(DerivedKeyErrorCode::kPlatformStateError,
                "virtual platform: no machine secret path configured");
  }
  // Two rounds: open, or create then open.
  for (int round = 0; round < 2; ++round) {
    const ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() >= 0) {
      auto read = ReadSecret(out, fd.get(), path);
      if (!read) OPENSSL_cleanse(out.data(), out.size());
      return read;
    }
    if (errno == ELOOP) return StateError(path, "is a symbolic link; refusing to follow it");
    if (errno != ENOENT) return StateError(path, "cannot open: " + ErrnoText(errno));
    if (!create_if_missing) {
      return StateError(path, "does not exist, and it is not created here: a new machine secret is "
                              "another machine (only a node's first start creates one)");
    }
    if (round == 0) {
      if (auto created = CreateSecretFileIfAbsent(path); !created) return created;
    }
  }
  return StateError(path, "vanished right after it was created");
}

}  // namespace ledgerseal::snp
