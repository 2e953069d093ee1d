#include "crypto/testing/deterministic_random.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <limits>
#include <string_view>

#include "base/bytes.h"
#include "crypto/public/hkdf.h"

namespace ledgerseal::testing {

struct DeterministicRandomSource::State {
  struct CtxFree {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
  };
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx;
};

crypto::CryptoResult<std::unique_ptr<DeterministicRandomSource>> DeterministicRandomSource::Create(
    std::span<const uint8_t> seed) {
  using crypto::CryptoErrorCode;
  std::array<uint8_t, 32> key{};
  if (auto s = crypto::HkdfSha256(key, seed, {}, base::AsBytes("ledgerseal deterministic random v1"));
      !s) {
    return std::unexpected(std::move(s.error()));
  }
  const std::array<uint8_t, 16> zero_iv{};
  auto state = std::make_unique<State>();
  state->ctx.reset(EVP_CIPHER_CTX_new());
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-CTR", nullptr);
  const bool ok =
      state->ctx && cipher &&
      EVP_EncryptInit_ex2(state->ctx.get(), cipher, key.data(), zero_iv.data(), nullptr) == 1;
  EVP_CIPHER_free(cipher);
  OPENSSL_cleanse(key.data(), key.size());
  if (!ok) return crypto::MakeCryptoError(CryptoErrorCode::kInternal, "deterministic random: init");
  return std::unique_ptr<DeterministicRandomSource>(
      new DeterministicRandomSource(std::move(state)));
}

DeterministicRandomSource::DeterministicRandomSource(std::unique_ptr<State> state)
    : state_(std::move(state)) {}

DeterministicRandomSource::~DeterministicRandomSource() = default;

crypto::CryptoStatus DeterministicRandomSource::Fill(std::span<uint8_t> out) {
  // Encrypting zeros yields the raw keystream.
  std::fill(out.begin(), out.end(), uint8_t{0});
  constexpr size_t kMaxChunkBytes = std::numeric_limits<int>::max();
  for (size_t offset = 0; offset < out.size();) {
    const size_t chunk_bytes = std::min(kMaxChunkBytes, out.size() - offset);
    int out_len = 0;
    if (EVP_EncryptUpdate(state_->ctx.get(), out.data() + offset, &out_len, out.data() + offset,
                          static_cast<int>(chunk_bytes)) != 1 ||
        static_cast<size_t>(out_len) != chunk_bytes) {
      OPENSSL_cleanse(out.data(), out.size());
      return crypto::MakeCryptoError(crypto::CryptoErrorCode::kInternal,
                                     "deterministic random: keystream");
    }
    offset += chunk_bytes;
  }
  drawn_bytes_ += out.size();
  return {};
}

}  // namespace ledgerseal::testing
