#include "plugin/sealing/record_shape.h"

#include <string>

#include "crypto/public/aes_gcm.h"
#include "plugin/public/sealing_format.h"
#include "plugin/public/sealing_key.h"
#include "plugin/sealing/names.h"

namespace ledgerseal::sealing::internal {
namespace {

std::unexpected<SealingError> Malformed(std::string message) {
  return MakeSealingError(SealingErrorCode::kMalformed, std::move(message));
}

}  // namespace

SealingStatus CheckAeadBlobShape(std::string_view what, const v1::AeadBlob& blob,
                                 size_t min_ciphertext_bytes, size_t max_ciphertext_bytes) {
  const std::string name(what);
  if (blob.iv().size() != crypto::kAesGcmIvBytes) {
    return Malformed(name + ": IV is " + std::to_string(blob.iv().size()) + " bytes, expected " +
                     std::to_string(crypto::kAesGcmIvBytes));
  }
  if (blob.tag().size() != crypto::kAesGcmTagBytes) {
    return Malformed(name + ": tag is " + std::to_string(blob.tag().size()) + " bytes, expected " +
                     std::to_string(crypto::kAesGcmTagBytes));
  }
  const size_t ciphertext_bytes = blob.ciphertext().size();
  if (ciphertext_bytes < min_ciphertext_bytes || ciphertext_bytes > max_ciphertext_bytes) {
    return Malformed(name + ": ciphertext is " + std::to_string(ciphertext_bytes) +
                     " bytes, expected " + std::to_string(min_ciphertext_bytes) + ".." +
                     std::to_string(max_ciphertext_bytes));
  }
  return {};
}

std::string Format1Refusal(std::string_view what) {
  return std::string(what) +
         ": format_version 1 was written before service identities and binds no service: "
         "it cannot be told apart from a forgery made from public data, so it is refused "
         "(this build reads version " +
         std::to_string(kFormatVersion) + "; a format 1 ledger is recovered by the build that wrote it)";
}

std::string Format2Refusal(std::string_view what) {
  return std::string(what) +
         ": format_version 2 holds RSA-OAEP recovery keys, replaced by ECIES P-256 keys in "
         "format 3: refused (this build reads version " +
         std::to_string(kFormatVersion) + "; a format 2 ledger is recovered by the build that wrote it)";
}

SealingResult<kv::ServiceIdentity> CheckRecoveryKeyShape(const v1::SealedRecoveryKey& sealed) {
  const std::string who = "sealed recovery key of " + Quote(sealed.sealing_identity());
  if (sealed.format_version() == kUnsignedFormatVersion) {
    return MakeSealingError(SealingErrorCode::kUnknownFormatVersion, Format1Refusal(who));
  }
  if (sealed.format_version() == kRsaFormatVersion) {
    return MakeSealingError(SealingErrorCode::kUnknownFormatVersion, Format2Refusal(who));
  }
  if (sealed.format_version() != kFormatVersion) {
    return MakeSealingError(SealingErrorCode::kUnknownFormatVersion,
                            who + ": format_version " + std::to_string(sealed.format_version()) +
                                " is not supported (this build knows version " +
                                std::to_string(kFormatVersion) + ")");
  }
  if (!sealed.has_derivation()) return Malformed(who + ": no derivation parameters");
  if (auto request = ToDerivedKeyRequest(sealed.derivation()); !request) {
    SealingError error = std::move(request.error());
    error.message = who + ": " + error.message;
    return std::unexpected(std::move(error));
  }
  for (auto [what, value] : {std::pair{"sealing identity", &sealed.sealing_identity()},
                             std::pair{"node id", &sealed.node_id()}}) {
    if (auto s = ValidateName(what, *value, kMaxNameBytes, SealingErrorCode::kMalformed); !s) {
      return MakeSealingError(SealingErrorCode::kMalformed, who + ": " + s.error().message);
    }
  }
  if (sealed.key_id().size() != kKeyIdBytes) {
    return Malformed(who + ": key id is " + std::to_string(sealed.key_id().size()) +
                     " bytes, expected " + std::to_string(kKeyIdBytes));
  }
  if (sealed.public_key_der().empty() || sealed.public_key_der().size() > kMaxPublicKeyDerBytes) {
    return Malformed(who + ": public key is " + std::to_string(sealed.public_key_der().size()) +
                     " bytes, expected 1.." + std::to_string(kMaxPublicKeyDerBytes));
  }
  if (!sealed.has_sealed_private_key()) return Malformed(who + ": no sealed private key");
  if (auto s = CheckAeadBlobShape(who + ": sealed private key", sealed.sealed_private_key(), 1,
                                  kMaxSealedPrivateKeyBytes);
      !s) {
    return std::unexpected(std::move(s.error()));
  }
  auto service = kv::ServiceIdentityFromPublicKey(sealed.service_identity_algorithm(),
                                                  kv::AsBytes(sealed.service_identity_public_key_der()));
  if (!service) return Malformed(who + ": service identity binding: " + service.error().message);
  // After every shape check, so a record that is both malformed and weak is
  // reported as FORMAT.md §6 orders it: malformed first.
  if (auto s = CheckPolicyBindsCode(sealed.derivation()); !s) {
    SealingError error = std::move(s.error());
    error.message = who + ": " + error.message;
    return std::unexpected(std::move(error));
  }
  return std::move(*service);
}

}  // namespace ledgerseal::sealing::internal
