#include "plugin/public/recovery_key.h"

#include <openssl/crypto.h>

#include <cstdio>
#include <string>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "crypto/public/aead_box.h"
#include "crypto/public/ecies.h"
#include "plugin/public/sealing_format.h"
#include "plugin/public/sealing_key.h"
#include "base/check.h"
#include "plugin/sealing/context_binding.h"
#include "plugin/sealing/names.h"
#include "plugin/sealing/record_shape.h"

namespace ledgerseal::sealing {
namespace {

using internal::Quote;
using internal::ToAeadBlob;

std::string HexNumber(uint64_t value) {
  char buffer[2 + 16 + 1];
  std::snprintf(buffer, sizeof(buffer), "0x%llx", static_cast<unsigned long long>(value));
  return buffer;
}

std::unexpected<SealingError> CryptoFailure(const std::string& what,
                                            const crypto::CryptoError& error) {
  return MakeSealingError(SealingErrorCode::kCryptoError, what + ": " + error.ToString());
}

SealingStatus CheckSealArguments(std::string_view sealing_identity, std::string_view node_id,
                                 const kv::ServiceIdentity& service) {
  for (auto [what, value] :
       {std::pair{"sealing identity", sealing_identity}, std::pair{"node id", node_id}}) {
    if (auto s =
            internal::ValidateName(what, value, kMaxNameBytes, SealingErrorCode::kInvalidArgument);
        !s) {
      return s;
    }
  }
  // The binding is what a recovering node will trust: never write one that
  // could not be read back, or whose id is not the key's.
  auto checked = kv::ServiceIdentityFromPublicKey(static_cast<uint32_t>(service.algorithm),
                                                  service.public_key_der);
  if (!checked) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument,
                            "service identity to bind: " + checked.error().message);
  }
  if (checked->service_id != service.service_id) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument,
                            "service identity to bind: service id " + Quote(service.service_id) +
                                " is not the id of its key (" + checked->service_id + ")");
  }
  return {};
}

// The checked derivation parameters and the sealing key they give.
struct SealingTarget {
  v1::DerivationParams params;
  SealingKey key;
};

SealingResult<SealingTarget> DeriveTarget(const snp::DerivedKeyProvider& provider,
                                          const snp::DerivedKeyRequest& request) {
  v1::DerivationParams params = MakeDerivationParams(provider.platform_name(), request);
  if (auto checked = ToDerivedKeyRequest(params); !checked) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument, checked.error().message);
  }
  if (auto strong = CheckPolicyBindsCode(params); !strong) {
    return MakeSealingError(SealingErrorCode::kInvalidArgument, strong.error().message);
  }
  auto sealing_key = DeriveSealingKey(provider, params);
  if (!sealing_key) return std::unexpected(std::move(sealing_key.error()));
  return SealingTarget{std::move(params), std::move(*sealing_key)};
}

// AES-256-GCM of the PKCS#8 bytes under the sealing key, with a fresh IV.
SealingResult<v1::AeadBlob> SealPrivateKey(crypto::RandomSource& random, const SealingKey& key,
                                           const kv::SecretBytes& pkcs8_der,
                                           std::span<const uint8_t> aad) {
  auto box = crypto::SealAeadBox(random, key.key.bytes(), pkcs8_der.bytes(), aad);
  if (!box) return CryptoFailure("sealing the private key", box.error());
  return ToAeadBlob(std::move(*box));
}

std::vector<uint8_t> AadOf(const v1::SealedRecoveryKey& sealed) {
  return internal::RecoveryKeyAad(kv::AsBytes(sealed.public_key_der()), sealed.sealing_identity(),
                                  sealed.node_id(), sealed.derivation(),
                                  kv::AsBytes(sealed.key_id()), sealed.service_identity_algorithm(),
                                  kv::AsBytes(sealed.service_identity_public_key_der()));
}

// The record for `private_key`, sealed under `target` and bound to `service`.
SealingResult<v1::SealedRecoveryKey> SealWith(crypto::RandomSource& random,
                                              SealingTarget target,
                                              std::string_view sealing_identity,
                                              std::string_view node_id,
                                              const kv::ServiceIdentity& service,
                                              const crypto::EcdhPrivateKey& private_key) {
  auto public_key_der = private_key.PublicKeyDer();
  if (!public_key_der) return CryptoFailure("exporting the public key", public_key_der.error());
  auto pkcs8_der = private_key.ToPkcs8Der();  // SecretBytes: wiped when it goes
  if (!pkcs8_der) return CryptoFailure("exporting the private key", pkcs8_der.error());

  v1::SealedRecoveryKey sealed;
  sealed.set_format_version(kFormatVersion);
  sealed.set_sealing_identity(std::string(sealing_identity));
  sealed.set_node_id(std::string(node_id));
  sealed.set_public_key_der(public_key_der->data(), public_key_der->size());
  *sealed.mutable_derivation() = std::move(target.params);
  sealed.set_key_id(target.key.key_id.data(), target.key.key_id.size());
  sealed.set_service_identity_algorithm(static_cast<uint32_t>(service.algorithm));
  sealed.set_service_identity_public_key_der(service.public_key_der.data(),
                                             service.public_key_der.size());
  auto blob = SealPrivateKey(random, target.key, *pkcs8_der, AadOf(sealed));
  if (!blob) return std::unexpected(std::move(blob.error()));
  *sealed.mutable_sealed_private_key() = std::move(*blob);

  // What we are about to hand out for the ledger must read back, bound to
  // exactly the identity we were asked to bind.
  auto bound = internal::CheckRecoveryKeyShape(sealed);
  LEDGERSEAL_CHECK(bound.has_value() && *bound == service);
  return sealed;
}

// Opens the sealed PKCS#8 bytes; the tag failing under the right key means
// the record was altered.
SealingResult<kv::SecretBytes> OpenPrivateKey(const v1::SealedRecoveryKey& sealed,
                                              const SealingKey& key, const std::string& who) {
  const v1::AeadBlob& blob = sealed.sealed_private_key();
  kv::SecretBytes pkcs8_der(blob.ciphertext().size());
  auto opened = crypto::OpenAeadBox(pkcs8_der.mutable_bytes(), key.key.bytes(), kv::AsBytes(blob.iv()),
                                    kv::AsBytes(blob.ciphertext()), kv::AsBytes(blob.tag()),
                                    AadOf(sealed));
  if (opened) return pkcs8_der;
  if (opened.error().code == crypto::CryptoErrorCode::kAuthenticationFailed) {
    return MakeSealingError(SealingErrorCode::kTampered,
                            who +
                                ": sealed private key fails authentication under the right "
                                "sealing key (the ciphertext, IV, tag, public key, identity, "
                                "node id, derivation parameters or service identity binding "
                                "were altered)");
  }
  return CryptoFailure(who + ": opening the sealed private key", opened.error());
}

}  // namespace

SealingResult<v1::SealedRecoveryKey> SealRecoveryKey(const snp::DerivedKeyProvider& provider,
                                                     crypto::RandomSource& random,
                                                     const snp::DerivedKeyRequest& request,
                                                     std::string_view sealing_identity,
                                                     std::string_view node_id,
                                                     const kv::ServiceIdentity& service) {
  if (auto s = CheckSealArguments(sealing_identity, node_id, service); !s) {
    return std::unexpected(std::move(s.error()));
  }
  auto target = DeriveTarget(provider, request);
  if (!target) return std::unexpected(std::move(target.error()));
  auto private_key = crypto::EcdhPrivateKey::Generate();
  if (!private_key) return CryptoFailure("generating the recovery key", private_key.error());
  return SealWith(random, std::move(*target), sealing_identity, node_id, service, *private_key);
}

SealingResult<v1::SealedRecoveryKey> SealExistingRecoveryKey(
    const snp::DerivedKeyProvider& provider, crypto::RandomSource& random,
    const snp::DerivedKeyRequest& request, std::string_view sealing_identity,
    std::string_view node_id, const kv::ServiceIdentity& service,
    const crypto::EcdhPrivateKey& private_key) {
  if (auto s = CheckSealArguments(sealing_identity, node_id, service); !s) {
    return std::unexpected(std::move(s.error()));
  }
  auto target = DeriveTarget(provider, request);
  if (!target) return std::unexpected(std::move(target.error()));
  return SealWith(random, std::move(*target), sealing_identity, node_id, service, private_key);
}

SealingResult<UnsealedRecoveryKey> UnsealRecoveryKey(const snp::DerivedKeyProvider& provider,
                                                     const v1::SealedRecoveryKey& sealed) {
  auto service = internal::CheckRecoveryKeyShape(sealed);
  if (!service) return std::unexpected(std::move(service.error()));
  const std::string who = "sealed recovery key of " + Quote(sealed.sealing_identity());
  auto sealing_key = DeriveSealingKey(provider, sealed.derivation());
  if (!sealing_key) {
    SealingError error = std::move(sealing_key.error());
    error.message = who + ": " + error.message;
    return std::unexpected(std::move(error));
  }
  // The key id is public and checked before the tag, so that "another
  // platform" and "altered bytes" are reported differently.
  if (CRYPTO_memcmp(sealing_key->key_id.data(), sealed.key_id().data(), kKeyIdBytes) != 0) {
    return MakeSealingError(
        SealingErrorCode::kPlatformMismatch,
        who +
            ": the derived key id differs from the stored one: this platform (chip, "
            "measurement, TCB or policy as selected by guest_field_select " +
            HexNumber(sealed.derivation().guest_field_select()) + ", tcb_version " +
            HexNumber(sealed.derivation().tcb_version()) +
            ") is not the one that sealed it, or the key id/parameters were altered");
  }
  auto pkcs8_der = OpenPrivateKey(sealed, *sealing_key, who);
  if (!pkcs8_der) return std::unexpected(std::move(pkcs8_der.error()));

  auto private_key = crypto::EcdhPrivateKey::FromPkcs8Der(pkcs8_der->bytes());
  if (!private_key) {
    return MakeSealingError(SealingErrorCode::kMalformed,
                            who + ": unsealed private key: " + private_key.error().ToString());
  }
  auto public_key_der = private_key->PublicKeyDer();
  if (!public_key_der)
    return CryptoFailure(who + ": exporting the public key", public_key_der.error());
  if (kv::AsString(*public_key_der) != sealed.public_key_der()) {
    return MakeSealingError(SealingErrorCode::kMalformed,
                            who + ": unsealed private key does not match the stored public key");
  }
  // The tag opened under the hardware key with the binding in the AAD: from
  // here on the binding is authentic.
  return UnsealedRecoveryKey{std::move(*private_key), std::move(*service)};
}

SealingResult<RecoveryPublicKey> ParseSealedRecoveryPublicKey(const v1::SealedRecoveryKey& sealed) {
  auto service = internal::CheckRecoveryKeyShape(sealed);
  if (!service) return std::unexpected(std::move(service.error()));
  auto public_key = crypto::EcdhPublicKey::FromDer(kv::AsBytes(sealed.public_key_der()));
  if (!public_key) {
    return MakeSealingError(SealingErrorCode::kMalformed,
                            "sealed recovery key of " + Quote(sealed.sealing_identity()) +
                                ": public key: " + public_key.error().ToString());
  }
  return RecoveryPublicKey{std::move(*public_key), std::move(*service)};
}

SealingStatus ValidateSealedRecoveryKey(const v1::SealedRecoveryKey& sealed) {
  auto public_key = ParseSealedRecoveryPublicKey(sealed);
  if (!public_key) return std::unexpected(std::move(public_key.error()));
  return {};
}

}  // namespace ledgerseal::sealing
