// Ledger secrets of the reference host: how a rotation is written into the
// ledger, how a node reads its copy, and how the latest secret unlocks the
// chain of older ones.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_SECRETS_PUBLIC_LEDGER_SECRETS_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_SECRETS_PUBLIC_LEDGER_SECRETS_H_

#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kvstore_adapter/public/commit_context.h"
#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/public/write_set.h"
#include "crypto/public/random_source.h"
#include "crypto/public/rsa_key.h"

namespace ledgerseal::kv::secrets {

inline constexpr Table kNodeSecretsTable{"ledger.node_secrets", Domain::kPublic};
inline constexpr Table kSecretChainTable{"ledger.secret_chain", Domain::kPublic};
// The interface's ledger secret size (kv::kLedgerSecretBytes), under the
// name this package's code uses: one constant, not two that could drift.
inline constexpr size_t kSecretBytes = kLedgerSecretBytes;

// A node that receives the new secret of a rotation.
struct SecretRecipient {
  std::string node_id;
  const crypto::RsaPublicKey* encryption_key = nullptr;  // not owned; non-null
};

// A fresh 32-byte secret from `random`. Errors: kInternal.
Result<SecretBytes> NewSecret(crypto::RandomSource& random);

// Adds the writes of a rotation to `writes`: `new_secret` (version
// `new_version`) RSA-OAEP-encrypted for every recipient, and, unless this is
// the first secret (`previous` empty), the previous secret AES-GCM-encrypted
// under the new one. Preconditions: secrets are 32 bytes; new_version >
// previous version. Errors: kInvalidArgument, kInternal (crypto failure).
struct PreviousSecret {
  uint64_t version = 0;
  const SecretBytes* secret = nullptr;  // not owned
};
Status WriteRotation(WriteSet& writes, crypto::RandomSource& random, uint64_t new_version,
                     const SecretBytes& new_secret, std::optional<PreviousSecret> previous,
                     std::span<const SecretRecipient> recipients);

// This node's copy of a rotation's secret, if `public_writes` carries one.
// Returns {version, secret}. Errors: kCorruption (unparsable record, or a
// ciphertext the node's key cannot decrypt).
struct VersionedSecret {
  uint64_t version = 0;
  SecretBytes secret;
};
Result<std::optional<VersionedSecret>> ReadOwnSecret(const WriteSet& public_writes,
                                                     std::string_view node_id,
                                                     const crypto::RsaPrivateKey& key);

// The chain links in `public_writes` (version -> serialised link), for
// recovery to collect while it scans the ledger.
std::map<uint64_t, Bytes> ChainLinksIn(const WriteSet& public_writes);

// The ledger secret version one `ledger.node_secrets` value carries (offline
// tools read records through this, not through the protobuf).
// Errors: kCorruption (does not parse, unknown format, version 0).
Result<uint64_t> SecretVersionOfNodeSecretRecord(ByteView bytes);

// The secrets a node knows, by version. Thread safety: all methods may be
// called concurrently.
class LedgerSecrets {
 public:
  // Adds (or replaces) a secret. Errors: kInvalidArgument unless the secret
  // is kSecretBytes long and version > 0 (nothing is stored then).
  Status Add(uint64_t version, SecretBytes secret);

  // A copy of the secret of `version`. Errors: kNotFound.
  Result<SecretBytes> Get(uint64_t version) const;

  // The newest version known (0 if none).
  uint64_t latest_version() const;

  // Every known version, ascending.
  std::vector<uint64_t> versions() const;

  // Starting from the known secret `from_version`, decrypts every older
  // secret from `links` (version -> ChainLink bytes) and adds them.
  // Errors: kNotFound (a link the walk needs is missing), kCorruption (a link
  // does not authenticate under the newer secret or does not parse).
  Status UnwindChain(uint64_t from_version, const std::map<uint64_t, Bytes>& links);

 private:
  mutable std::mutex mu_;
  std::map<uint64_t, SecretBytes> secrets_;
};

}  // namespace ledgerseal::kv::secrets

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_SECRETS_PUBLIC_LEDGER_SECRETS_H_
