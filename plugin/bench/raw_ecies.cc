#include "plugin/bench/raw_ecies.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <array>
#include <memory>
#include <string_view>

namespace ledgerseal::bench {
namespace {

constexpr std::string_view kLabel = "ledgerseal ecies p256 v1";
constexpr size_t kPointBytes = 65;
constexpr size_t kIvBytes = 12;
constexpr size_t kTagBytes = 16;

std::unexpected<std::string> Failed(std::string_view step) {
  return std::unexpected("EVP: " + std::string(step) + " failed");
}

struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

// Z: the x-coordinate of mine * peer.
Status Ecdh(EVP_PKEY* mine, EVP_PKEY* peer, std::array<uint8_t, 32>& z) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, mine, nullptr));
  size_t size = z.size();
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), z.data(), &size) != 1 || size != z.size()) {
    return Failed("ECDH derive");
  }
  return {};
}

// K = HKDF(Z, info = label || item(E) || item(R's SPKI) || item(info)).
Status DeriveKey(const RawCrypto& crypto, std::span<const uint8_t> z, std::span<const uint8_t> point,
                 std::span<const uint8_t> recipient_spki, std::span<const uint8_t> info,
                 std::array<uint8_t, 32>& key) {
  Bytes hkdf_info(kLabel.begin(), kLabel.end());
  AppendItem(hkdf_info, point);
  AppendItem(hkdf_info, recipient_spki);
  AppendItem(hkdf_info, info);
  return crypto.Hkdf(z, std::string_view(reinterpret_cast<const char*>(hkdf_info.data()), hkdf_info.size()), key);
}

base::Expected<EvpPkeyPtr, std::string> PointToKey(std::span<const uint8_t> point) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  char group[] = "prime256v1";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(point.data()),
                                        point.size()),
      OSSL_PARAM_construct_end(),
  };
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, const_cast<OSSL_PARAM*>(params)) != 1) {
    return Failed("EVP_PKEY_fromdata (ephemeral point)");
  }
  return EvpPkeyPtr(key);
}

}  // namespace

base::Expected<Bytes, std::string> RawEciesSeal(const RawCrypto& crypto, EVP_PKEY* recipient,
                                               std::span<const uint8_t> recipient_spki,
                                               std::span<const uint8_t> info,
                                               std::span<const uint8_t> message) {
  EvpPkeyPtr ephemeral(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!ephemeral) return Failed("EVP_PKEY_Q_keygen P-256");
  Bytes out(kPointBytes + kIvBytes + message.size() + kTagBytes);
  size_t point_size = 0;
  if (EVP_PKEY_get_octet_string_param(ephemeral.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out.data(),
                                      kPointBytes, &point_size) != 1 ||
      point_size != kPointBytes) {
    return Failed("encoding the ephemeral point");
  }
  std::array<uint8_t, 32> z{}, key{};
  Status status = Ecdh(ephemeral.get(), recipient, z);
  if (status) status = DeriveKey(crypto, z, std::span(out).first(kPointBytes), recipient_spki, info, key);
  const auto iv = std::span(out).subspan(kPointBytes, kIvBytes);
  if (status && RAND_bytes(iv.data(), static_cast<int>(iv.size())) != 1) status = Failed("RAND_bytes");
  if (status) {
    status = crypto.GcmSeal(key, iv, info, message, std::span(out).subspan(kPointBytes + kIvBytes, message.size()),
                            std::span(out).last(kTagBytes));
  }
  OPENSSL_cleanse(z.data(), z.size());
  OPENSSL_cleanse(key.data(), key.size());
  if (!status) return std::unexpected(status.error());
  return out;
}

base::Expected<Bytes, std::string> RawEciesOpen(const RawCrypto& crypto, EVP_PKEY* recipient,
                                               std::span<const uint8_t> recipient_spki,
                                               std::span<const uint8_t> info,
                                               std::span<const uint8_t> sealed) {
  if (sealed.size() < kPointBytes + kIvBytes + kTagBytes) return Failed("sealed size");
  const auto point = sealed.first(kPointBytes);
  auto ephemeral = PointToKey(point);
  if (!ephemeral) return std::unexpected(ephemeral.error());
  const size_t n = sealed.size() - kPointBytes - kIvBytes - kTagBytes;
  Bytes out(n);
  std::array<uint8_t, 32> z{}, key{};
  Status status = Ecdh(recipient, ephemeral->get(), z);
  if (status) status = DeriveKey(crypto, z, point, recipient_spki, info, key);
  if (status) {
    status = crypto.GcmOpen(key, sealed.subspan(kPointBytes, kIvBytes), info,
                            sealed.subspan(kPointBytes + kIvBytes, n), sealed.last(kTagBytes), out);
  }
  OPENSSL_cleanse(z.data(), z.size());
  OPENSSL_cleanse(key.data(), key.size());
  if (!status) return std::unexpected(status.error());
  return out;
}

}  // namespace ledgerseal::bench
