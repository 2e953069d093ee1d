// Key material held in memory: wiped with OPENSSL_cleanse when released.
#ifndef LEDGERSEAL_BASE_SECRET_BYTES_H_
#define LEDGERSEAL_BASE_SECRET_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ledgerseal::base {

// Owns secret bytes (ledger secrets, wrapping keys, store keys). Move-only;
// the buffer is wiped on destruction, on move-from and on assignment, so no
// copy of the key outlives its owner. Never log or print its contents.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size);  // zero-filled
  explicit SecretBytes(std::span<const uint8_t> bytes);
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  // An explicit, separately wiped copy.
  SecretBytes Clone() const { return SecretBytes(bytes()); }

  std::span<const uint8_t> bytes() const { return bytes_; }
  std::span<uint8_t> mutable_bytes() { return bytes_; }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  // Constant-time comparison.
  friend bool operator==(const SecretBytes& a, const SecretBytes& b);

 private:
  void Wipe();
  std::vector<uint8_t> bytes_;
};

// Overwrites all of `s`'s buffer, to its capacity: bytes between size() and
// capacity() may hold an earlier, longer value. Afterwards `s` holds
// capacity() zero bytes.
void WipeString(std::string& s);

// Serialised plaintext that protobuf wants as a std::string (private write
// sets, lists of secrets): wiped, to its whole capacity, when it goes out of
// scope. Neither copyable nor movable, so no unwiped copy is left behind.
class WipedString {
 public:
  // `size` zero bytes, to be filled through mutable_span().
  explicit WipedString(size_t size) : bytes_(size, '\0') {}
  // Takes `bytes`, and wipes what the move leaves in the argument (a short
  // string's characters stay in its inline buffer).
  explicit WipedString(std::string&& bytes);
  WipedString(const WipedString&) = delete;
  WipedString& operator=(const WipedString&) = delete;
  ~WipedString() { WipeString(bytes_); }

  const std::string& str() const { return bytes_; }
  std::span<const uint8_t> span() const {
    return {reinterpret_cast<const uint8_t*>(bytes_.data()), bytes_.size()};
  }
  std::span<uint8_t> mutable_span() { return {reinterpret_cast<uint8_t*>(bytes_.data()), bytes_.size()}; }

 private:
  std::string bytes_;
};

}  // namespace ledgerseal::base

#endif  // LEDGERSEAL_BASE_SECRET_BYTES_H_
