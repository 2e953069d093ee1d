#include "kvstore_adapter/reference_host/node/join_secrets.h"

#include <openssl/crypto.h>

#include "kvstore_adapter/reference_host/proto/ledger.pb.h"
#include "crypto/public/aead_box.h"
#include "crypto/public/aes_gcm.h"
#include "crypto/public/rsa_oaep.h"

namespace ledgerseal::kv::node {
namespace {

namespace pb = ::ledgerseal::ledger::v1;
constexpr uint32_t kFormatVersion = 1;
constexpr std::string_view kOaepLabel = "ledgerseal join secrets v1";
constexpr std::string_view kAad = "ledgerseal join secrets v1";

// label || node id: a bundle for one joiner does not open as another's.
Bytes Label(std::string_view node_id) {
  const std::string label = std::string(kOaepLabel) + std::string(node_id);
  return Bytes(label.begin(), label.end());
}

}  // namespace

Result<Bytes> EncryptJoinSecrets(crypto::RandomSource& random, const crypto::RsaPublicKey& joiner_key,
                                 std::string_view joiner_node_id,
                                 const secrets::LedgerSecrets& secrets) {
  pb::JoinSecrets list;
  for (uint64_t version : secrets.versions()) {
    auto secret = secrets.Get(version);
    if (!secret) return std::unexpected(secret.error());
    auto* entry = list.add_secrets();
    entry->set_version(version);
    entry->set_secret(secret->bytes().data(), secret->size());
  }
  if (list.secrets().empty()) return MakeError(ErrorCode::kNotFound, "no ledger secret to hand over");
  const WipedString plaintext(list.SerializeAsString());
  for (auto& e : *list.mutable_secrets()) OPENSSL_cleanse(e.mutable_secret()->data(), e.secret().size());

  SecretBytes key(crypto::kAes256KeyBytes);
  if (auto s = random.Fill(key.mutable_bytes()); !s) {
    return MakeError(ErrorCode::kInternal, "no join key: " + s.error().message);
  }
  auto box = crypto::SealAeadBox(random, key.bytes(), plaintext.span(), AsBytes(kAad));
  if (!box) return MakeError(ErrorCode::kInternal, "encrypting the join secrets failed: " + box.error().message);
  auto wrapped = crypto::RsaOaepSha256Encrypt(joiner_key, key.bytes(), Label(joiner_node_id));
  if (!wrapped) return MakeError(ErrorCode::kInternal, "encrypting the join key failed: " + wrapped.error().ToString());
  pb::EncryptedForNode out;
  out.set_format_version(kFormatVersion);
  out.set_encrypted_key(wrapped->data(), wrapped->size());
  out.set_iv(std::move(box->iv));
  out.set_ciphertext(std::move(box->ciphertext));
  out.set_tag(std::move(box->tag));
  return ToBytes(out.SerializeAsString());
}

Result<std::vector<secrets::VersionedSecret>> DecryptJoinSecrets(const crypto::RsaPrivateKey& key,
                                                                 std::string_view node_id,
                                                                 ByteView sealed) {
  pb::EncryptedForNode in;
  if (!in.ParseFromArray(sealed.data(), static_cast<int>(sealed.size())) ||
      in.format_version() != kFormatVersion || in.iv().size() != crypto::kAesGcmIvBytes ||
      in.tag().size() != crypto::kAesGcmTagBytes) {
    return MakeError(ErrorCode::kCorruption, "malformed join secrets");
  }
  auto aes_key = crypto::RsaOaepSha256Decrypt(key, AsBytes(in.encrypted_key()), Label(node_id));
  if (!aes_key || aes_key->size() != 32) {
    return MakeError(ErrorCode::kCorruption, "the join secrets are not for this node");
  }
  WipedString plaintext(in.ciphertext().size());
  auto opened = crypto::OpenAeadBox(plaintext.mutable_span(), aes_key->bytes(),
                                    AsBytes(in.iv()), AsBytes(in.ciphertext()), AsBytes(in.tag()),
                                    AsBytes(kAad));
  pb::JoinSecrets list;
  if (!opened || !list.ParseFromString(plaintext.str())) {
    return MakeError(ErrorCode::kCorruption, "the join secrets do not authenticate");
  }
  std::vector<secrets::VersionedSecret> out;
  for (auto& e : *list.mutable_secrets()) {
    if (e.secret().size() != secrets::kSecretBytes || e.version() == 0) {
      return MakeError(ErrorCode::kCorruption, "a join secret is malformed");
    }
    out.push_back({e.version(), SecretBytes(AsBytes(e.secret()))});
    OPENSSL_cleanse(e.mutable_secret()->data(), e.secret().size());
  }
  return out;
}

}  // namespace ledgerseal::kv::node
