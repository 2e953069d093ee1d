#include "crypto/public/random_source.h"

#include <openssl/rand.h>

#include <algorithm>
#include <limits>

#include "crypto/openssl_util.h"

namespace ledgerseal::crypto {

CryptoStatus OpenSslRandomSource::Fill(std::span<uint8_t> out) {
  // RAND_bytes takes an int length: draw in chunks.
  constexpr size_t kMaxChunkBytes = std::numeric_limits<int>::max();
  for (size_t offset = 0; offset < out.size();) {
    const size_t chunk_bytes = std::min(kMaxChunkBytes, out.size() - offset);
    if (RAND_bytes(out.data() + offset, static_cast<int>(chunk_bytes)) != 1) {
      OPENSSL_cleanse(out.data(), out.size());
      return internal::OpenSslError(CryptoErrorCode::kInternal, "RAND_bytes");
    }
    offset += chunk_bytes;
  }
  return {};
}

}  // namespace ledgerseal::crypto
