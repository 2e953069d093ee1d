#include "plugin/vectors/independent_unseal.h"

#include <algorithm>

#include "crypto/public/aes_gcm.h"
#include "crypto/public/ecies.h"
#include "crypto/public/hkdf.h"
#include "crypto/public/rsa_key.h"
#include "crypto/public/rsa_oaep.h"
#include "crypto/public/signature.h"
#include "plugin/vectors/case_spec.h"
#include "plugin/vectors/format_layout.h"
#include "plugin/vectors/pem.h"

namespace ledgerseal::vectors {
namespace {

template <size_t N>
Result<std::span<const uint8_t, N>> Fixed(const Bytes& bytes, std::string_view what) {
  if (bytes.size() != N) {
    return Fail(std::string(what) + " is " + std::to_string(bytes.size()) + " bytes, expected " +
                std::to_string(N));
  }
  return std::span<const uint8_t, N>(bytes.data(), N);
}

Result<Bytes> Hkdf(const Bytes& ikm, const Bytes& info, size_t size) {
  Bytes out(size);
  if (auto s = crypto::HkdfSha256(out, ikm, {}, info); !s) return Fail(s.error().ToString());
  return out;
}

Result<void> Expect(bool condition, std::string_view what) {
  if (!condition) return Fail(std::string(what) + " differs from the value the step computes");
  return {};
}

// AES-256-GCM open; std::nullopt when the tag does not verify.
Result<std::optional<Bytes>> Open(const Bytes& key, const BlobFields& blob) {
  auto fixed_key = Fixed<crypto::kAes256KeyBytes>(key, "key");
  auto iv = Fixed<crypto::kAesGcmIvBytes>(blob.iv, "iv");
  auto tag = Fixed<crypto::kAesGcmTagBytes>(blob.tag, "tag");
  if (!fixed_key || !iv || !tag) return Fail("blob sizes: key, IV or tag has the wrong size");
  Bytes plaintext(blob.ciphertext.size());
  auto status = crypto::Aes256GcmOpen(plaintext, *fixed_key, *iv, blob.ciphertext, *tag, blob.aad);
  if (status) return std::optional<Bytes>(std::move(plaintext));
  if (status.error().code == crypto::CryptoErrorCode::kAuthenticationFailed) return std::nullopt;
  return Fail("AES-GCM: " + status.error().ToString());
}

// Steps 1-2: sealing key and key id from the derived key; false when the
// key id is not the stored one (another platform).
Result<bool> CheckKeyDerivation(const VectorFields& v) {
  auto sealing_key = Hkdf(v.derived_key, v.hkdf_info, 32);
  auto key_id = Hkdf(v.derived_key, v.key_id_info, 16);
  if (!sealing_key || !key_id) return Fail("HKDF failed");
  if (auto s = Expect(*sealing_key == v.sealing_key, "sealing_key_hex"); !s) return Fail(s.error());
  if (auto s = Expect(*key_id == v.key_id, "key_id_hex"); !s) return Fail(s.error());
  return v.key_id == v.stored_key_id;
}

Bytes RecoveryKeyAad(const VectorFields& v, const Bytes& public_der, int format) {
  const DerivationFields params = DerivationFieldsOf(v);
  switch (format) {
    case 1: return EncodeRecoveryKeyAad(public_der, v.sealing_identity, v.node_id, params, v.stored_key_id);
    case 2:
      return EncodeRecoveryKeyAadV2(public_der, v.sealing_identity, v.node_id, params, v.stored_key_id,
                                    v.binding_algorithm, v.binding_public_key_der);
    default:
      return EncodeRecoveryKeyAadV3(public_der, v.sealing_identity, v.node_id, params, v.stored_key_id,
                                    v.binding_algorithm, v.binding_public_key_der);
  }
}

// Step 3: the sealed PKCS#8 key (an RSA key in formats 1-2, a P-256 key in
// format 3); std::nullopt when its tag fails. The AAD is AAD_rk (format 1),
// AAD_rk2 (format 2) or AAD_rk3 (format 3), the last two with the record's
// clear binding.
template <typename PrivateKey>
Result<std::optional<PrivateKey>> OpenPrivateKey(const VectorFields& v, int format) {
  auto public_der = PemToDer(kPublicKeyPemLabel, v.public_key_pem);
  if (!public_der) return Fail(public_der.error());
  const auto aad = RecoveryKeyAad(v, *public_der, format);
  if (auto s = Expect(aad == v.sealed_key.aad, "sealed_recovery_key.aad_hex"); !s) {
    return Fail(s.error());
  }
  auto pkcs8 = Open(v.sealing_key, v.sealed_key);
  if (!pkcs8) return Fail(pkcs8.error());
  if (!*pkcs8) return std::nullopt;
  auto pem_der = PemToDer(kPrivateKeyPemLabel, v.private_key_pem);
  if (!pem_der) return Fail(pem_der.error());
  if (auto s = Expect(**pkcs8 == *pem_der, "recovery_private_key_pem"); !s) return Fail(s.error());
  auto key = PrivateKey::FromPkcs8Der(*pem_der);
  if (!key) return Fail("PKCS#8: " + key.error().ToString());
  auto derived_public = key->PublicKeyDer();
  if (!derived_public || *derived_public != *public_der) {
    return Fail("recovery_public_key_pem is not the public half of the private key");
  }
  return std::optional<PrivateKey>(std::move(*key));
}

// Step 4 of formats 1-2: RSA-OAEP; nullopt-worthy failures are kDecryptionFailed.
crypto::CryptoResult<base::SecretBytes> OpenWrappingKey(const crypto::RsaPrivateKey& key, const Bytes& sealed,
                                                        const Bytes& label) {
  return crypto::RsaOaepSha256Decrypt(key, sealed, label);
}
bool IsWrongCiphertext(const crypto::RsaPrivateKey&, crypto::CryptoErrorCode code) {
  return code == crypto::CryptoErrorCode::kDecryptionFailed;
}

// Step 4 of format 3: ECIES; an altered tag or an altered ephemeral point.
crypto::CryptoResult<base::SecretBytes> OpenWrappingKey(const crypto::EcdhPrivateKey& key, const Bytes& sealed,
                                                        const Bytes& info) {
  return crypto::EciesP256Open(key, sealed, info);
}
bool IsWrongCiphertext(const crypto::EcdhPrivateKey&, crypto::CryptoErrorCode code) {
  return code == crypto::CryptoErrorCode::kAuthenticationFailed ||
         code == crypto::CryptoErrorCode::kDecodeFailed;
}

// Step 4: the wrapping key; std::nullopt when it does not decrypt.
template <typename PrivateKey>
Result<std::optional<Bytes>> DecryptWrappingKey(const VectorFields& v, const PrivateKey& key) {
  const auto label =
      EncodeWrappingKeyLabel(v.sealing_identity, v.node_id, v.service_id, v.ledger_secret_version);
  if (auto s = Expect(label == v.wrapping_key_label, "oaep_label_hex / ecies_info_hex"); !s) {
    return Fail(s.error());
  }
  auto wrapping_key = OpenWrappingKey(key, v.encrypted_wrapping_key, v.wrapping_key_label);
  if (!wrapping_key) {
    if (IsWrongCiphertext(key, wrapping_key.error().code)) return std::nullopt;
    return Fail("decrypting the wrapping key: " + wrapping_key.error().ToString());
  }
  const Bytes bytes(wrapping_key->bytes().begin(), wrapping_key->bytes().end());
  if (auto s = Expect(bytes == v.wrapping_key, "wrapping_key_hex"); !s) return Fail(s.error());
  return std::optional<Bytes>(bytes);
}

// Step 5: the ledger secret; std::nullopt when its tag fails.
Result<std::optional<Bytes>> UnwrapSecret(const VectorFields& v, const Bytes& wrapping_key) {
  const auto aad = EncodeWrappedLedgerSecretAad(v.service_id, v.ledger_secret_version);
  if (auto s = Expect(aad == v.wrapped_secret.aad, "wrapped_ledger_secret.aad_hex"); !s) {
    return Fail(s.error());
  }
  auto secret = Open(wrapping_key, v.wrapped_secret);
  if (!secret) return Fail(secret.error());
  if (*secret && **secret != v.ledger_secret) return Fail("ledger_secret_hex differs");
  return secret;
}

ChainOutcome FailedAt(std::string_view step) { return {std::string(step), {}}; }

// The last steps: the wrapping key, then the wrapped secret.
template <typename PrivateKey>
Result<ChainOutcome> Decrypt(const VectorFields& v, const PrivateKey& private_key) {
  auto wrapping_key = DecryptWrappingKey(v, private_key);
  if (!wrapping_key) return Fail(wrapping_key.error());
  if (!*wrapping_key) return FailedAt(kStepEncryptedWrappingKey);
  auto secret = UnwrapSecret(v, **wrapping_key);
  if (!secret) return Fail(secret.error());
  if (!*secret) return FailedAt(kStepWrappedLedgerSecret);
  return ChainOutcome{"", std::move(**secret)};
}

// The signed message is the documented encoding of the signer and its body,
// and the signature verifies under the signer's key.
Result<bool> SignatureVerifies(const VectorFields& v) {
  const Bytes body = BodyOfSignedMessage(v.signed_message);
  const Bytes message = EncodeSignedMessage("ledgerseal sealed shares v2", v.signer_public_key_der, body);
  if (auto s = Expect(message == v.signed_message, "signed_message_hex"); !s) return Fail(s.error());
  auto key = crypto::VerifyingKey::FromDer(crypto::SignatureAlgorithm::kEcdsaP256Sha256, v.signer_public_key_der);
  if (!key) return Fail("signer_public_key_der_hex: " + key.error().ToString());
  return key->Verify(v.signed_message, v.signature).has_value();
}

}  // namespace

DerivationFields DerivationFieldsOf(const VectorFields& v) {
  return {v.derivation_version,         v.platform,     static_cast<uint32_t>(v.request.root_key),
          v.request.guest_field_select, v.request.vmpl, v.request.guest_svn,
          v.request.tcb_version};
}

Result<ChainOutcome> RunIndependentChain(const VectorFields& v) {
  auto same_key = CheckKeyDerivation(v);
  if (!same_key) return Fail(same_key.error());
  if (!*same_key) return FailedAt(kStepKeyId);
  auto private_key = OpenPrivateKey<crypto::RsaPrivateKey>(v, 1);
  if (!private_key) return Fail(private_key.error());
  if (!*private_key) return FailedAt(kStepSealedRecoveryKey);
  return Decrypt(v, **private_key);
}

namespace {

template <typename PrivateKey>
Result<ChainOutcome> RunSignedChain(const VectorFields& v, int format) {
  // The value: this format, and signed at all.
  if (v.record_format_version != static_cast<uint32_t>(format) || v.signature.empty()) {
    return FailedAt(kStepRecord);
  }
  auto same_key = CheckKeyDerivation(v);
  if (!same_key) return Fail(same_key.error());
  if (!*same_key) return FailedAt(kStepKeyId);
  auto private_key = OpenPrivateKey<PrivateKey>(v, format);
  if (!private_key) return Fail(private_key.error());
  if (!*private_key) return FailedAt(kStepSealedRecoveryKey);
  // The tag opened: the clear binding is the trusted identity.
  const std::string trusted_id = ServiceIdOfSpki(v.binding_public_key_der);
  if (v.signer_public_key_der != v.binding_public_key_der || v.service_id != trusted_id) {
    return FailedAt(kStepService);
  }
  if (!v.expected_previous_service_id.empty() && v.expected_previous_service_id != trusted_id) {
    return FailedAt(kStepPin);
  }
  auto verifies = SignatureVerifies(v);
  if (!verifies) return Fail(verifies.error());
  if (!*verifies) return FailedAt(kStepSignature);
  return Decrypt(v, **private_key);
}

}  // namespace

Result<ChainOutcome> RunIndependentChainV2(const VectorFields& v) {
  return RunSignedChain<crypto::RsaPrivateKey>(v, 2);
}

Result<ChainOutcome> RunIndependentChainV3(const VectorFields& v) {
  return RunSignedChain<crypto::EcdhPrivateKey>(v, 3);
}

}  // namespace ledgerseal::vectors
