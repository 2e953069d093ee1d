#include "tools/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace ledgerseal::tools {

namespace fs = std::filesystem;

namespace {
constexpr std::uintmax_t kMaxSmallFileBytes = 1 << 20;
}  // namespace

std::optional<std::string> ReadSmallFile(const fs::path& path, std::string& why) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) {
    why = path.string() + (ec && ec != std::errc::no_such_file_or_directory ? ": " + ec.message() : " does not exist");
    return std::nullopt;
  }
  if (!fs::is_regular_file(status)) {
    why = path.string() + " is not a regular file";
    return std::nullopt;
  }
  if (fs::file_size(path, ec) > kMaxSmallFileBytes || ec) {
    why = path.string() + " is larger than 1 MiB (or cannot be measured)";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "cannot read " + path.string() + ": " + std::strerror(errno);
    return std::nullopt;
  }
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool WriteNewFile(const fs::path& path, std::string_view text, mode_t mode, std::string& why) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    why = "cannot create " + path.string() + ": " + std::strerror(errno);
    return false;
  }
  auto fail = [&](const std::string& what) {
    why = what + " " + path.string() + ": " + std::strerror(errno);
    ::close(fd);
    std::error_code ec;
    fs::remove(path, ec);  // this call's own half-written file
    return false;
  };
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("cannot write");
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot save");
  if (::close(fd) != 0) {
    why = "cannot save " + path.string() + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace ledgerseal::tools
