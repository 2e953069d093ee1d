// Internal to crypto/: owning pointers for OpenSSL objects and the
// conversion of OpenSSL's thread-local error queue into a CryptoError.
#ifndef LEDGERSEAL_CRYPTO_OPENSSL_UTIL_H_
#define LEDGERSEAL_CRYPTO_OPENSSL_UTIL_H_

#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string_view>

#include <vector>

#include "crypto/public/crypto_status.h"
#include "crypto/public/rsa_key.h"

namespace ledgerseal::crypto::internal {

template <auto FreeFn>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    FreeFn(p);
  }
};

using EvpCipherPtr = std::unique_ptr<EVP_CIPHER, Deleter<EVP_CIPHER_free>>;
using EvpCipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using EvpKdfPtr = std::unique_ptr<EVP_KDF, Deleter<EVP_KDF_free>>;
using EvpKdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, Deleter<EVP_KDF_CTX_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using DecoderCtxPtr = std::unique_ptr<OSSL_DECODER_CTX, Deleter<OSSL_DECODER_CTX_free>>;
using EncoderCtxPtr = std::unique_ptr<OSSL_ENCODER_CTX, Deleter<OSSL_ENCODER_CTX_free>>;

// Memory from OPENSSL_malloc that may hold secrets: wiped, then freed.
struct ClearFree {
  size_t size_bytes = 0;
  void operator()(uint8_t* p) const { OPENSSL_clear_free(p, size_bytes); }
};
using ClearedOpenSslBuffer = std::unique_ptr<uint8_t, ClearFree>;

// Drains OpenSSL's error queue (so no stale error leaks into a later call)
// and returns an error "<what>: <first OpenSSL reason>". OpenSSL reasons
// are static strings and never contain key bytes.
std::unexpected<CryptoError> OpenSslError(CryptoErrorCode code, std::string_view what);

// Empties OpenSSL's error queue; used after an expected failure (a bad tag)
// whose queue entries carry no further information.
void ClearOpenSslErrors();

// Decodes exactly `der` as DER `structure` ("SubjectPublicKeyInfo" or
// "PrivateKeyInfo") of `keytype` ("RSA", "ED25519", "EC"); trailing bytes
// are an error, so that one key has exactly one accepted encoding.
// Errors: kDecodeFailed; kInternal. `what` names the operation in messages.
CryptoResult<PkeyPtr> DecodeKeyDer(std::span<const uint8_t> der, const char* structure, const char* keytype,
                                   int selection, std::string_view what);

// Encodes `pkey` as DER `structure` into OpenSSL memory that is wiped when
// freed (it may hold a private key); the buffer's size is its deleter's
// `size_bytes`. Errors: kInternal.
CryptoResult<ClearedOpenSslBuffer> EncodeKeyDer(EVP_PKEY* pkey, int selection, const char* structure,
                                                std::string_view what);

// The DER SubjectPublicKeyInfo of `pkey`. Errors: kInternal.
CryptoResult<std::vector<uint8_t>> EncodePublicKeyDer(EVP_PKEY* pkey, std::string_view what);

// OpenSSL's length parameters are `int`; larger buffers are rejected up front.
inline bool FitsInInt(size_t n) {
  return n <= static_cast<size_t>(std::numeric_limits<int>::max());
}

}  // namespace ledgerseal::crypto::internal

#endif  // LEDGERSEAL_CRYPTO_OPENSSL_UTIL_H_
