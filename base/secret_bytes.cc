#include "base/secret_bytes.h"

#include <openssl/crypto.h>

#include <utility>

namespace ledgerseal::base {

SecretBytes::SecretBytes(size_t size) : bytes_(size, 0) {}

SecretBytes::SecretBytes(std::span<const uint8_t> bytes) : bytes_(bytes.begin(), bytes.end()) {}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.Wipe();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    other.Wipe();
  }
  return *this;
}

SecretBytes::~SecretBytes() { Wipe(); }

void SecretBytes::Wipe() {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
  bytes_.clear();
}

bool operator==(const SecretBytes& a, const SecretBytes& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.bytes_.data(), b.bytes_.data(), a.size()) == 0;
}

void WipeString(std::string& s) {
  s.resize(s.capacity());
  OPENSSL_cleanse(s.data(), s.size());
}

WipedString::WipedString(std::string&& bytes) : bytes_(std::move(bytes)) { WipeString(bytes); }

}  // namespace ledgerseal::base
