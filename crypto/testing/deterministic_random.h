// TEST ONLY: a reproducible RandomSource, so that the IVs and wrapping keys
// of a sealing run can be predicted and compared. Never link into production:
// the target is testonly.
#ifndef LEDGERSEAL_CRYPTO_TESTING_DETERMINISTIC_RANDOM_H_
#define LEDGERSEAL_CRYPTO_TESTING_DETERMINISTIC_RANDOM_H_

#include <cstdint>
#include <memory>
#include <span>

#include "crypto/public/random_source.h"

namespace ledgerseal::testing {

// The AES-256-CTR keystream (zero IV) under
// HKDF-SHA256(ikm = seed, salt = empty, info = "ledgerseal deterministic random v1").
// Successive Fill calls continue the stream, so the concatenation of all
// outputs depends only on the seed and the total length drawn.
// Thread safety: none (Fill mutates the stream position).
class DeterministicRandomSource final : public crypto::RandomSource {
 public:
  // Precondition: seed is not empty. Errors: kInvalidArgument, kInternal.
  static crypto::CryptoResult<std::unique_ptr<DeterministicRandomSource>> Create(
      std::span<const uint8_t> seed);
  ~DeterministicRandomSource() override;

  crypto::CryptoStatus Fill(std::span<uint8_t> out) override;

  // Number of bytes handed out so far.
  uint64_t drawn_bytes() const { return drawn_bytes_; }

 private:
  struct State;
  explicit DeterministicRandomSource(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  uint64_t drawn_bytes_ = 0;
};

}  // namespace ledgerseal::testing

#endif  // LEDGERSEAL_CRYPTO_TESTING_DETERMINISTIC_RANDOM_H_
