// Internal to the store: RocksDB EncryptionProvider doing AES-256-CTR with
// OpenSSL EVP, so every file RocksDB writes (WAL, SST, MANIFEST, ...) is
// encrypted at rest under the store key.
//
// File layout: a 4096-byte plaintext prefix, then the data encrypted with
// AES-256-CTR whose initial counter block is the file's random 16-byte IV
// (counter = IV + data_offset / 16, big-endian 128-bit addition).
//
//   prefix[0..8)    magic "LSEALST1"
//   prefix[8..24)   file IV (random per file)
//   prefix[24..56)  key check: HMAC-SHA256(store key, "ledgerseal store key check v1" || IV)
//   prefix[56..4096) zero
//
// The key check lets a wrong key be reported as such (instead of RocksDB
// finding "corruption" in garbage), without revealing anything about the key.
// CTR gives confidentiality only; RocksDB's own block and WAL checksums catch
// accidental damage, and the ledger (not the store) is the authenticated record.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_STORE_AES_CTR_ENCRYPTION_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_STORE_AES_CTR_ENCRYPTION_H_

#include <rocksdb/env_encryption.h>

#include <atomic>
#include <memory>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv::store_internal {

inline constexpr size_t kStoreKeyBytes = 32;
inline constexpr size_t kEncryptionPrefixBytes = 4096;
// Text of the Status RocksDB reports when a file's key check fails.
inline constexpr const char* kKeyMismatchMessage = "ledgerseal: store encryption key mismatch";

class AesCtrEncryptionProvider : public rocksdb::EncryptionProvider {
 public:
  // Precondition: key.size() == kStoreKeyBytes. The provider keeps its own
  // copy of the key, wiped on destruction.
  explicit AesCtrEncryptionProvider(const SecretBytes& key);

  const char* Name() const override { return "LedgersealAesCtr"; }
  size_t GetPrefixLength() const override { return kEncryptionPrefixBytes; }
  rocksdb::Status CreateNewPrefix(const std::string& fname, char* prefix,
                                  size_t prefix_bytes) const override;
  rocksdb::Status AddCipher(const std::string& descriptor, const char* cipher, size_t len,
                            bool for_write) override;
  rocksdb::Status CreateCipherStream(
      const std::string& fname, const rocksdb::EnvOptions& options, rocksdb::Slice& prefix,
      std::unique_ptr<rocksdb::BlockAccessCipherStream>* result) override;

  // True once any file failed its key check (the key is wrong for this store).
  bool key_mismatch_seen() const { return key_mismatch_seen_.load(); }

 private:
  SecretBytes key_;
  std::atomic<bool> key_mismatch_seen_{false};
};

}  // namespace ledgerseal::kv::store_internal

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_STORE_AES_CTR_ENCRYPTION_H_
