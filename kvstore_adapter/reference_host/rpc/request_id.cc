#include "kvstore_adapter/reference_host/rpc/request_id.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdint>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/rpc/address.h"

namespace ledgerseal::rpc {

kv::Result<std::string> NewRequestId() {
  std::array<uint8_t, kRequestIdBytes> bytes{};
  size_t filled = 0;
  // Bounded: getrandom returns up to 256 bytes at once, so this loops only on EINTR.
  while (filled < bytes.size()) {
    const ssize_t n = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (n > 0) {
      filled += static_cast<size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      return kv::MakeError(kv::ErrorCode::kInternal, "getrandom: " + ErrnoText(errno));
    }
  }
  return kv::ToHex(bytes);
}

}  // namespace ledgerseal::rpc
