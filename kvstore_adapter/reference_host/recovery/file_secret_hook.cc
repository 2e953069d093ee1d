#include "kvstore_adapter/reference_host/recovery/public/file_secret_hook.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "kvstore_adapter/public/commit_context.h"

namespace ledgerseal::kv {
namespace {

constexpr size_t kSecretBytes = kLedgerSecretBytes;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

Status WriteSecretFile(const std::filesystem::path& path, uint64_t version, const SecretBytes& secret) {
  std::string line = std::to_string(version) + " " + ToHex(secret.bytes()) + "\n";
  const auto tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const bool ok = fd >= 0 && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  OPENSSL_cleanse(line.data(), line.size());
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return MakeError(ErrorCode::kIoError, "cannot write " + path.string());
  }
  return {};
}

Result<RecoveredSecret> FileSecretRecoveryHook::Unseal(const RecoveryContext& ctx) {
  std::ifstream in(path_);
  if (!in) return MakeError(ErrorCode::kNotFound, "no secret file at " + path_.string());
  std::string line;
  std::getline(in, line);
  std::istringstream fields(line);
  uint64_t version = 0;
  std::string hex;
  fields >> version >> hex;
  OPENSSL_cleanse(line.data(), line.size());
  RecoveredSecret out;
  out.secret = SecretBytes(kSecretBytes);
  bool ok = version > 0 && hex.size() == 2 * kSecretBytes;
  for (size_t i = 0; ok && i < kSecretBytes; ++i) {
    const int hi = HexDigit(hex[2 * i]);
    const int lo = HexDigit(hex[2 * i + 1]);
    ok = hi >= 0 && lo >= 0;
    out.secret.mutable_bytes()[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  OPENSSL_cleanse(hex.data(), hex.size());
  if (!ok) return MakeError(ErrorCode::kCorruption, "secret file " + path_.string() + " does not parse");
  out.ledger_secret_version = version;
  out.found_at_version = ctx.ledger->last_version();
  out.method = "insecure_test_secret_file";
  // Unauthenticated (a plaintext file authenticates nothing): the newest
  // entry's claim, which replay then checks against the ledger's last
  // service record.
  out.previous_service_id = ctx.previous_service_id;
  return out;
}

Status FileSecretRecoveryHook::OnRecovered(Transaction&, const RecoveredSecret&) { return {}; }

}  // namespace ledgerseal::kv
