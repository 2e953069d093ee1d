#include "kvstore_adapter/store/aes_ctr_encryption.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include "base/check.h"
#include <cstring>
#include <string_view>

namespace ledgerseal::kv::store_internal {
namespace {

constexpr std::string_view kMagic = "LSEALST1";
constexpr std::string_view kKeyCheckLabel = "ledgerseal store key check v1";
constexpr size_t kIvBytes = 16;
constexpr size_t kKeyCheckBytes = 32;
constexpr size_t kIvOffset = kMagic.size();
constexpr size_t kKeyCheckOffset = kIvOffset + kIvBytes;
constexpr size_t kAesBlockBytes = 16;
static_assert(kKeyCheckOffset + kKeyCheckBytes <= kEncryptionPrefixBytes);

using Iv = std::array<uint8_t, kIvBytes>;

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
struct MacDeleter {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

// out = HMAC-SHA256(key, label || iv). False on any OpenSSL failure.
bool ComputeKeyCheck(std::span<uint8_t, kKeyCheckBytes> out, std::span<const uint8_t> key,
                     std::span<const uint8_t, kIvBytes> iv) {
  std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) return false;
  std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) return false;
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  size_t out_len = 0;
  return EVP_MAC_init(ctx.get(), key.data(), key.size(), params) == 1 &&
         EVP_MAC_update(ctx.get(), reinterpret_cast<const uint8_t*>(kKeyCheckLabel.data()),
                        kKeyCheckLabel.size()) == 1 &&
         EVP_MAC_update(ctx.get(), iv.data(), iv.size()) == 1 &&
         EVP_MAC_final(ctx.get(), out.data(), &out_len, out.size()) == 1 &&
         out_len == kKeyCheckBytes;
}

// counter = iv + blocks, as a 128-bit big-endian integer (wrapping).
Iv AddToCounter(const Iv& iv, uint64_t blocks) {
  Iv out = iv;
  uint64_t carry = blocks;
  for (size_t i = kIvBytes; i-- > 0 && carry != 0;) {
    const uint64_t sum = uint64_t{out[i]} + (carry & 0xff);
    out[i] = static_cast<uint8_t>(sum);
    carry = (carry >> 8) + (sum >> 8);
  }
  return out;
}

// AES-256-CTR keystream applied in place to data at a byte offset of the file.
class AesCtrStream : public rocksdb::BlockAccessCipherStream {
 public:
  AesCtrStream(const SecretBytes& key, const Iv& iv) : key_(key.Clone()), iv_(iv) {}

  size_t BlockSize() override { return kAesBlockBytes; }

  // CTR encryption and decryption are the same operation.
  rocksdb::Status Encrypt(uint64_t file_offset, char* data, size_t data_bytes) override {
    return Apply(file_offset, data, data_bytes);
  }
  rocksdb::Status Decrypt(uint64_t file_offset, char* data, size_t data_bytes) override {
    return Apply(file_offset, data, data_bytes);
  }

 protected:
  // Unused: Encrypt/Decrypt above process whole ranges at once.
  void AllocateScratch(std::string&) override {}
  rocksdb::Status EncryptBlock(uint64_t, char*, char*) override {
    return rocksdb::Status::NotSupported("block-wise AES-CTR not used");
  }
  rocksdb::Status DecryptBlock(uint64_t, char*, char*) override {
    return rocksdb::Status::NotSupported("block-wise AES-CTR not used");
  }

 private:
  rocksdb::Status Apply(uint64_t file_offset, char* data, size_t data_bytes) {
    const Iv counter = AddToCounter(iv_, file_offset / kAesBlockBytes);
    std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter> ctx(EVP_CIPHER_CTX_new());
    if (!ctx || EVP_EncryptInit_ex2(ctx.get(), EVP_aes_256_ctr(), key_.bytes().data(),
                                    counter.data(), nullptr) != 1) {
      return rocksdb::Status::IOError("ledgerseal: AES-CTR init failed");
    }
    // Skip the keystream bytes before `file_offset` within its first block.
    std::array<uint8_t, kAesBlockBytes> skip{};
    int out_len = 0;
    const int skip_bytes = static_cast<int>(file_offset % kAesBlockBytes);
    if (skip_bytes > 0 &&
        EVP_EncryptUpdate(ctx.get(), skip.data(), &out_len, skip.data(), skip_bytes) != 1) {
      return rocksdb::Status::IOError("ledgerseal: AES-CTR failed");
    }
    auto* bytes = reinterpret_cast<uint8_t*>(data);
    constexpr size_t kMaxChunkBytes = 1 << 30;  // EVP takes int lengths
    for (size_t done = 0; done < data_bytes;) {
      const size_t chunk = std::min(kMaxChunkBytes, data_bytes - done);
      if (EVP_EncryptUpdate(ctx.get(), bytes + done, &out_len, bytes + done,
                            static_cast<int>(chunk)) != 1 ||
          static_cast<size_t>(out_len) != chunk) {
        return rocksdb::Status::IOError("ledgerseal: AES-CTR failed");
      }
      done += chunk;
    }
    return rocksdb::Status::OK();
  }

  SecretBytes key_;
  Iv iv_;
};

}  // namespace

AesCtrEncryptionProvider::AesCtrEncryptionProvider(const SecretBytes& key) : key_(key.Clone()) {
  LEDGERSEAL_CHECK(key_.size() == kStoreKeyBytes);
}

rocksdb::Status AesCtrEncryptionProvider::CreateNewPrefix(const std::string& /*fname*/,
                                                          char* prefix,
                                                          size_t prefix_bytes) const {
  if (prefix_bytes != kEncryptionPrefixBytes) {
    return rocksdb::Status::InvalidArgument("ledgerseal: unexpected encryption prefix size");
  }
  auto* out = reinterpret_cast<uint8_t*>(prefix);
  std::memset(out, 0, prefix_bytes);
  std::memcpy(out, kMagic.data(), kMagic.size());
  auto iv = std::span<uint8_t, kIvBytes>(out + kIvOffset, kIvBytes);
  if (RAND_bytes(iv.data(), static_cast<int>(iv.size())) != 1) {
    return rocksdb::Status::IOError("ledgerseal: RAND_bytes failed for a file IV");
  }
  auto check = std::span<uint8_t, kKeyCheckBytes>(out + kKeyCheckOffset, kKeyCheckBytes);
  if (!ComputeKeyCheck(check, key_.bytes(), iv)) {
    return rocksdb::Status::IOError("ledgerseal: key check computation failed");
  }
  return rocksdb::Status::OK();
}

rocksdb::Status AesCtrEncryptionProvider::AddCipher(const std::string&, const char*, size_t,
                                                    bool) {
  return rocksdb::Status::NotSupported("ledgerseal: the store key is fixed at open");
}

rocksdb::Status AesCtrEncryptionProvider::CreateCipherStream(
    const std::string& fname, const rocksdb::EnvOptions& /*options*/, rocksdb::Slice& prefix,
    std::unique_ptr<rocksdb::BlockAccessCipherStream>* result) {
  if (prefix.size() != kEncryptionPrefixBytes ||
      std::memcmp(prefix.data(), kMagic.data(), kMagic.size()) != 0) {
    return rocksdb::Status::Corruption("ledgerseal: not a ledgerseal-encrypted file", fname);
  }
  const auto* in = reinterpret_cast<const uint8_t*>(prefix.data());
  Iv iv;
  std::memcpy(iv.data(), in + kIvOffset, kIvBytes);
  std::array<uint8_t, kKeyCheckBytes> expected{};
  if (!ComputeKeyCheck(expected, key_.bytes(), iv)) {
    return rocksdb::Status::IOError("ledgerseal: key check computation failed");
  }
  if (CRYPTO_memcmp(expected.data(), in + kKeyCheckOffset, kKeyCheckBytes) != 0) {
    key_mismatch_seen_.store(true);
    return rocksdb::Status::Corruption(kKeyMismatchMessage, fname);
  }
  *result = std::make_unique<AesCtrStream>(key_, iv);
  return rocksdb::Status::OK();
}

}  // namespace ledgerseal::kv::store_internal
