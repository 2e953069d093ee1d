#include "plugin/vectors/tamper.h"

#include "crypto/public/rsa_key.h"

namespace ledgerseal::vectors {
namespace {

// Flips the lowest bit of the middle byte (not the first: an RSA ciphertext
// with its top byte changed may exceed the modulus, a different failure).
Result<void> FlipMiddleByte(std::string& bytes) {
  if (bytes.empty()) return Fail("nothing to tamper with");
  bytes[bytes.size() / 2] ^= 0x01;
  return {};
}

Result<void> ReplacePublicKey(sealing::v1::SealedRecoveryKey& key) {
  auto other = crypto::RsaPrivateKey::Generate(2048);
  if (!other) return Fail("replacement key: " + other.error().ToString());
  auto der = other->PublicKeyDer();
  if (!der) return Fail("replacement key: " + der.error().ToString());
  key.set_public_key_der(der->data(), der->size());
  return {};
}

void MoveToIdentity(SealedCase& sealed, const std::string& identity, const std::string& node_id) {
  sealed.sealing_identity = identity;
  sealed.node_id = node_id;
  sealed.recovery_key.set_sealing_identity(identity);
  sealed.recovery_key.set_node_id(node_id);
  sealing::v1::NodeShare& share = *sealed.shares.mutable_shares(0);
  share.set_sealing_identity(identity);
  share.set_node_id(node_id);
}

Result<void> AlterRecords(Tamper tamper, SealedCase& sealed) {
  sealing::v1::SealedRecoveryKey& key = sealed.recovery_key;
  sealing::v1::NodeShare& share = *sealed.shares.mutable_shares(0);
  sealing::v1::AeadBlob& secret = *sealed.shares.mutable_wrapped_ledger_secret();
  switch (tamper) {
    case Tamper::kNone:
    case Tamper::kWrongKey: return {};
    case Tamper::kSealedKeyCiphertext:
      return FlipMiddleByte(*key.mutable_sealed_private_key()->mutable_ciphertext());
    case Tamper::kSealedKeyTag:
      return FlipMiddleByte(*key.mutable_sealed_private_key()->mutable_tag());
    case Tamper::kSealedKeyAadPublicKey: return ReplacePublicKey(key);
    case Tamper::kSealedKeyAadIdentity: MoveToIdentity(sealed, "node-z", "n26"); return {};
    case Tamper::kEncryptedWrappingKey:
      return FlipMiddleByte(*share.mutable_encrypted_wrapping_key());
    case Tamper::kWrappedSecretCiphertext: return FlipMiddleByte(*secret.mutable_ciphertext());
    case Tamper::kWrappedSecretTag: return FlipMiddleByte(*secret.mutable_tag());
  }
  return Fail("unknown tamper kind");
}

}  // namespace

Result<void> ApplyTamper(Tamper tamper, SealedCase& sealed) {
  if (sealed.shares.shares_size() != 1) return Fail("expected exactly one share");
  if (auto s = AlterRecords(tamper, sealed); !s) return s;
  *sealed.shares.mutable_shares(0)->mutable_recovery_key() = sealed.recovery_key;
  return {};
}

}  // namespace ledgerseal::vectors
