// The ledger secrets a primary hands a joining node, encrypted to the
// joiner's encryption key (format: docs/FORMAT.md, "Join secrets").
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_JOIN_SECRETS_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_JOIN_SECRETS_H_

#include <string_view>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "kvstore_adapter/reference_host/secrets/public/ledger_secrets.h"
#include "crypto/public/random_source.h"
#include "crypto/public/rsa_key.h"

namespace ledgerseal::kv::node {

// Seals every secret of `secrets` for `joiner_node_id`: a fresh AES-256 key,
// RSA-OAEP-encrypted to `joiner_key` (label binds the node id), encrypting
// the serialised list with AES-256-GCM. The plaintext is wiped.
// Errors: kInternal (crypto failure), kNotFound (no secret known).
Result<Bytes> EncryptJoinSecrets(crypto::RandomSource& random, const crypto::RsaPublicKey& joiner_key,
                                 std::string_view joiner_node_id,
                                 const secrets::LedgerSecrets& secrets);

// The reverse, as the joiner. Errors: kCorruption (malformed, or does not
// decrypt under this node's key and id).
Result<std::vector<secrets::VersionedSecret>> DecryptJoinSecrets(const crypto::RsaPrivateKey& key,
                                                                 std::string_view node_id,
                                                                 ByteView sealed);

}  // namespace ledgerseal::kv::node

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_NODE_JOIN_SECRETS_H_
