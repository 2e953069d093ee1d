#include "plugin/vectors/tamper.h"

#include "crypto/public/ecies.h"
#include "plugin/public/records.h"
#include "plugin/public/sealed_shares.h"
#include "plugin/testing/service_keys.h"

namespace ledgerseal::vectors {
namespace {

using sealing::v1::SealedShares;
using sealing::v1::SignedSealedShares;

// Flips the lowest bit of the middle byte.
Result<void> FlipMiddleByte(std::string& bytes) {
  if (bytes.empty()) return Fail("nothing to tamper with");
  bytes[bytes.size() / 2] ^= 0x01;
  return {};
}

// Flips a bit of the ECIES ciphertext proper (byte 93 of 125: the middle of
// C, after E and the IV), so that the open fails on the tag — the failure an
// altered record gives; an altered point (kDecodeFailed) is crypto's test.
Result<void> FlipEciesCiphertextByte(std::string& sealed) {
  constexpr size_t kByte = 65 + 12 + 16;
  if (sealed.size() != 125) return Fail("the ECIES-sealed wrapping key is not 125 bytes");
  sealed[kByte] ^= 0x01;
  return {};
}

Result<void> ReplacePublicKey(sealing::v1::SealedRecoveryKey& key) {
  auto other = crypto::EcdhPrivateKey::Generate();
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
  sealing::v1::NodeShare& share = *sealed.body.mutable_shares(0);
  share.set_sealing_identity(identity);
  share.set_node_id(node_id);
}

const std::string& IdOf(uint8_t key) { return testing::TestServiceIdentity(key).service_id; }

std::string SpkiOf(uint8_t key) {
  const auto& der = testing::TestServiceIdentity(key).public_key_der;
  return std::string(der.begin(), der.end());
}

Result<SignedSealedShares> SignedBy(uint8_t key, const SealedShares& body) {
  auto envelope = sealing::SignSealedShares(testing::TestServiceKey(key), body);
  if (!envelope) return Fail("signing with TEST KEY " + std::to_string(key) + ": " + envelope.error().ToString());
  return std::move(*envelope);
}

// Step 1: what changes in the recovery key (before it is copied into the share).
Result<void> AlterKey(const CaseSpec& spec, const Resealer& reseal, SealedCase& c) {
  auto& key = c.recovery_key;
  switch (spec.tamper) {
    case Tamper::kSealedKeyCiphertext: return FlipMiddleByte(*key.mutable_sealed_private_key()->mutable_ciphertext());
    case Tamper::kSealedKeyTag: return FlipMiddleByte(*key.mutable_sealed_private_key()->mutable_tag());
    case Tamper::kSealedKeyAadPublicKey: return ReplacePublicKey(key);
    case Tamper::kSealedKeyAadIdentity: MoveToIdentity(c, "node-z", "n26"); return {};
    case Tamper::kClearBindingAltered: key.set_service_identity_public_key_der(SpkiOf(2)); return {};
    case Tamper::kOlderBindingCopy: {
      auto older = reseal(testing::TestServiceIdentity(2));
      if (!older) return Fail(older.error());
      key = std::move(*older);
      c.bound_key = 2;
      return {};
    }
    default: return {};
  }
}

// Step 2: what changes in the body before it is signed.
Result<void> AlterBodyBeforeSigning(const CaseSpec& spec, SealedShares& body) {
  switch (spec.tamper) {
    case Tamper::kEncryptedWrappingKey:
      return FlipEciesCiphertextByte(*body.mutable_shares(0)->mutable_encrypted_wrapping_key());
    case Tamper::kWrappedSecretCiphertext:
      return FlipMiddleByte(*body.mutable_wrapped_ledger_secret()->mutable_ciphertext());
    case Tamper::kWrappedSecretTag: return FlipMiddleByte(*body.mutable_wrapped_ledger_secret()->mutable_tag());
    case Tamper::kSignedByOtherService:
    case Tamper::kServiceIdNotSigner:
    case Tamper::kClearBindingAltered: body.set_service_id(IdOf(2)); return {};
    default: return {};
  }
}

uint8_t SignerOf(Tamper tamper) {
  switch (tamper) {
    case Tamper::kSignedByOtherService:
    case Tamper::kClearBindingAltered: return 2;
    case Tamper::kSignedByForger: return 3;
    default: return 1;
  }
}

// Step 3: the envelope, and what changes after signing.
Result<void> Envelope(const CaseSpec& spec, SealedCase& c) {
  auto signed_body = SignedBy(SignerOf(spec.tamper), c.body);
  if (!signed_body) return Fail(signed_body.error());
  SignedSealedShares& e = c.envelope = std::move(*signed_body);
  switch (spec.tamper) {
    case Tamper::kEmptySignature: e.clear_signature(); return {};
    case Tamper::kUnsignedForgery:
      e.clear_signature();
      e.clear_signer_public_key_der();
      e.clear_signature_algorithm();
      return {};
    case Tamper::kBorrowedSignature: {
      auto other = SignedBy(2, c.body);
      if (!other) return Fail(other.error());
      e.set_signature(other->signature());
      return {};
    }
    case Tamper::kBodyBitFlip: {
      if (auto s = FlipMiddleByte(*c.body.mutable_wrapped_ledger_secret()->mutable_ciphertext()); !s) return s;
      auto bytes = sealing::SerializeRecord(c.body);
      if (!bytes) return Fail("serialising the body");
      e.set_body(bytes->data(), bytes->size());
      return {};
    }
    case Tamper::kOlderBindingCopy: {
      // Signed as service 1 with the genuine copy: the swap and relabelling
      // come after, so that every claim agrees with the swapped copy.
      c.body.set_service_id(IdOf(2));
      *c.body.mutable_shares(0)->mutable_recovery_key() = c.recovery_key;
      auto bytes = sealing::SerializeRecord(c.body);
      if (!bytes) return Fail("serialising the body");
      e.set_body(bytes->data(), bytes->size());
      e.set_signer_public_key_der(SpkiOf(2));
      return {};
    }
    case Tamper::kFormat4: e.set_format_version(4); return {};
    default: return {};
  }
}

}  // namespace

Result<void> ApplyTamper(const CaseSpec& spec, const Resealer& reseal, SealedCase& sealed) {
  if (sealed.body.shares_size() != 1) return Fail("expected exactly one share");
  // The genuine copy goes into the share first; kOlderBindingCopy swaps it
  // only after the genuine signature is made.
  const auto genuine_key = sealed.recovery_key;
  if (auto s = AlterKey(spec, reseal, sealed); !s) return s;
  *sealed.body.mutable_shares(0)->mutable_recovery_key() =
      spec.tamper == Tamper::kOlderBindingCopy ? genuine_key : sealed.recovery_key;
  if (auto s = AlterBodyBeforeSigning(spec, sealed.body); !s) return s;
  if (spec.tamper == Tamper::kFormat1Record) {
    sealed.body.set_format_version(1);
    auto value = sealing::SerializeRecord(sealed.body);
    if (!value) return Fail("serialising the format 1 value");
    sealed.envelope.Clear();
    sealed.record = std::move(*value);
    return {};
  }
  if (auto s = Envelope(spec, sealed); !s) return s;
  auto value = sealing::SerializeRecord(sealed.envelope);
  if (!value) return Fail("serialising the envelope");
  sealed.record = std::move(*value);
  return {};
}

}  // namespace ledgerseal::vectors
