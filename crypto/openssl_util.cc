#include "crypto/openssl_util.h"

#include <openssl/err.h>

#include <string>

namespace ledgerseal::crypto::internal {

std::unexpected<CryptoError> OpenSslError(CryptoErrorCode code, std::string_view what) {
  std::string message(what);
  const unsigned long first = ERR_get_error();
  if (first != 0) {
    char reason[256];
    ERR_error_string_n(first, reason, sizeof(reason));
    message += ": ";
    message += reason;
  }
  ClearOpenSslErrors();
  return MakeCryptoError(code, std::move(message));
}

void ClearOpenSslErrors() { ERR_clear_error(); }

}  // namespace ledgerseal::crypto::internal
