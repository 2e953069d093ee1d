#include "crypto/public/shamir.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

extern "C" {
#include <libgfshare.h>
}

#include <limits>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace ledgerseal::crypto {
namespace {

// Set by FillRand when RAND_bytes fails during this thread's current split:
// libgfshare's hook cannot report an error, so the split checks afterwards.
thread_local bool t_random_failed = false;

void FillRand(unsigned char* out, unsigned int bytes) {
  if (bytes == 0) return;
  if (bytes > static_cast<unsigned>(std::numeric_limits<int>::max()) ||
      RAND_bytes(out, static_cast<int>(bytes)) != 1) {
    OPENSSL_cleanse(out, bytes);
    t_random_failed = true;
  }
}

void InstallRandomSource() {
  static std::once_flag once;
  std::call_once(once, [] { gfshare_fill_rand = &FillRand; });
}

struct CtxFree {
  void operator()(gfshare_ctx* ctx) const { gfshare_ctx_free(ctx); }
};
using CtxPtr = std::unique_ptr<gfshare_ctx, CtxFree>;

}  // namespace

CryptoResult<std::vector<ShamirShare>> ShamirSplit(std::span<const uint8_t> secret, unsigned threshold,
                                                   unsigned share_count) {
  if (threshold < 1 || threshold > share_count || share_count > kShamirMaxShares) {
    return MakeCryptoError(CryptoErrorCode::kInvalidArgument,
                           "shamir split: need 1 <= threshold (" + std::to_string(threshold) + ") <= shares (" +
                               std::to_string(share_count) + ") <= " + std::to_string(kShamirMaxShares));
  }
  if (secret.empty() || secret.size() > kShamirMaxSecretBytes) {
    return MakeCryptoError(CryptoErrorCode::kInvalidArgument,
                           "shamir split: the secret is " + std::to_string(secret.size()) + " bytes (1 to " +
                               std::to_string(kShamirMaxSecretBytes) + ")");
  }
  InstallRandomSource();
  std::vector<unsigned char> xs(share_count);
  for (unsigned i = 0; i < share_count; ++i) xs[i] = static_cast<unsigned char>(i + 1);
  t_random_failed = false;
  CtxPtr ctx(gfshare_ctx_init_enc(xs.data(), share_count, static_cast<unsigned char>(threshold),
                                  static_cast<unsigned>(secret.size())));
  if (!ctx) return MakeCryptoError(CryptoErrorCode::kInternal, "shamir split: libgfshare refused the parameters");
  // libgfshare takes a non-const pointer but only reads the secret.
  base::SecretBytes copy(secret);
  gfshare_ctx_enc_setsecret(ctx.get(), copy.mutable_bytes().data());
  if (t_random_failed) {
    return MakeCryptoError(CryptoErrorCode::kInternal, "shamir split: OpenSSL's DRBG failed");
  }
  std::vector<ShamirShare> shares;
  shares.reserve(share_count);
  for (unsigned i = 0; i < share_count; ++i) {
    ShamirShare share{xs[i], base::SecretBytes(secret.size())};
    gfshare_ctx_enc_getshare(ctx.get(), static_cast<unsigned char>(i), share.y.mutable_bytes().data());
    shares.push_back(std::move(share));
  }
  return shares;
}

CryptoResult<base::SecretBytes> ShamirCombine(std::span<const ShamirShare> shares) {
  if (shares.empty() || shares.size() > kShamirMaxShares) {
    return MakeCryptoError(CryptoErrorCode::kInvalidArgument,
                           "shamir combine: " + std::to_string(shares.size()) + " shares (1 to " +
                               std::to_string(kShamirMaxShares) + ")");
  }
  const size_t size = shares.front().y.size();
  std::set<uint8_t> seen;
  std::vector<unsigned char> xs;
  for (const ShamirShare& s : shares) {
    if (s.x == 0) return MakeCryptoError(CryptoErrorCode::kInvalidArgument, "shamir combine: a share has x = 0");
    if (!seen.insert(s.x).second) {
      return MakeCryptoError(CryptoErrorCode::kInvalidArgument,
                             "shamir combine: two shares have x = " + std::to_string(s.x));
    }
    if (s.y.size() != size || size == 0 || size > kShamirMaxSecretBytes) {
      return MakeCryptoError(CryptoErrorCode::kInvalidArgument,
                             "shamir combine: share x = " + std::to_string(s.x) + " is " +
                                 std::to_string(s.y.size()) + " bytes, the first " + std::to_string(size));
    }
    xs.push_back(s.x);
  }
  InstallRandomSource();  // gfshare_ctx_free overwrites the context with it
  CtxPtr ctx(gfshare_ctx_init_dec(xs.data(), static_cast<unsigned>(xs.size()), static_cast<unsigned>(size)));
  if (!ctx) return MakeCryptoError(CryptoErrorCode::kInternal, "shamir combine: libgfshare refused the shares");
  for (size_t i = 0; i < shares.size(); ++i) {
    base::SecretBytes y = shares[i].y.Clone();  // libgfshare takes a non-const pointer
    gfshare_ctx_dec_giveshare(ctx.get(), static_cast<unsigned char>(i), y.mutable_bytes().data());
  }
  base::SecretBytes secret(size);
  gfshare_ctx_dec_extract(ctx.get(), secret.mutable_bytes().data());
  return secret;
}

}  // namespace ledgerseal::crypto
