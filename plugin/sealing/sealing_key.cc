#include "plugin/public/sealing_key.h"

#include <string>

#include "kvstore_adapter/public/types.h"
#include "crypto/public/hkdf.h"
#include "plugin/sealing/names.h"
#include "snp/public/policy.h"

namespace ledgerseal::sealing {
namespace {

using internal::Quote;

std::unexpected<SealingError> PlatformError(std::string_view what,
                                            const snp::DerivedKeyError& error) {
  return MakeSealingError(SealingErrorCode::kPlatformError,
                          std::string(what) + ": " + std::string(snp::ErrorCodeName(error.code)) +
                              ": " + error.message);
}

SealingStatus Hkdf(std::span<uint8_t> out, const snp::DerivedKey& derived_key,
                   std::string_view info) {
  auto status = crypto::HkdfSha256(out, derived_key.bytes(), {}, kv::AsBytes(info));
  if (!status) {
    return MakeSealingError(SealingErrorCode::kCryptoError,
                            "deriving the sealing key: " + status.error().ToString());
  }
  return {};
}

}  // namespace

v1::DerivationParams MakeDerivationParams(std::string_view platform_name,
                                          const snp::DerivedKeyRequest& request) {
  v1::DerivationParams params;
  params.set_derivation_version(kDerivationVersion);
  params.set_platform(std::string(platform_name));
  params.set_root_key_select(snp::EncodeRootKeySelect(request));
  params.set_guest_field_select(request.guest_field_select);
  params.set_vmpl(request.vmpl);
  params.set_guest_svn(request.guest_svn);
  params.set_tcb_version(request.tcb_version);
  return params;
}

SealingResult<snp::DerivedKeyRequest> ToDerivedKeyRequest(const v1::DerivationParams& params) {
  if (params.derivation_version() != kDerivationVersion) {
    return MakeSealingError(SealingErrorCode::kUnknownDerivationVersion,
                            "derivation_version " + std::to_string(params.derivation_version()) +
                                " is not supported (this build knows version " +
                                std::to_string(kDerivationVersion) + ")");
  }
  if (auto s = internal::ValidateName("platform name", params.platform(), kMaxPlatformNameBytes,
                                      SealingErrorCode::kMalformed);
      !s) {
    return std::unexpected(std::move(s.error()));
  }
  snp::DerivedKeyRequest request;
  if (auto root = snp::DecodeRootKeySelect(params.root_key_select(), request); !root) {
    return MakeSealingError(SealingErrorCode::kMalformed,
                            "stored derivation parameters: " + root.error().message);
  }
  request.guest_field_select = params.guest_field_select();
  request.vmpl = params.vmpl();
  request.guest_svn = params.guest_svn();
  request.tcb_version = params.tcb_version();
  // The platform would refuse these too, but as a provider error; stored
  // parameters that no platform accepts are a malformed record.
  if (auto valid = snp::ValidateRequest(request); !valid) {
    return MakeSealingError(SealingErrorCode::kMalformed,
                            "stored derivation parameters: " + valid.error().message);
  }
  return request;
}

// The parameters are read back from a disk the host controls. With a
// selection that does not bind the code, the host could seal a recovery key
// of its own choosing from any guest it launches on this chip, and this node
// would derive the same key and trust it. Sealing never writes such
// parameters (snp::ParsePolicy refuses them), so unsealing refuses them.
SealingStatus CheckPolicyBindsCode(const v1::DerivationParams& params) {
  if (snp::BindsCode(params.guest_field_select())) return {};
  return MakeSealingError(SealingErrorCode::kWeakPolicy,
                          "stored derivation parameters select field bits " +
                              snp::PolicyName(params.guest_field_select()) +
                              ", which do not bind the key to the code (measurement, image id or family id); "
                              "no sealing policy allows that");
}

SealingResult<snp::DerivedKeyRequest> DefaultDerivedKeyRequest(
    const snp::DerivedKeyProvider& provider) {
  auto tcb = provider.CommittedTcb();
  if (!tcb) return PlatformError("reading the committed TCB", tcb.error());
  snp::DerivedKeyRequest request;
  request.tcb_version = *tcb;
  return request;
}

SealingResult<SealingKey> DeriveSealingKey(const snp::DerivedKeyProvider& provider,
                                           const v1::DerivationParams& params) {
  auto request = ToDerivedKeyRequest(params);
  if (!request) return std::unexpected(std::move(request.error()));
  if (params.platform() != provider.platform_name()) {
    return MakeSealingError(SealingErrorCode::kPlatformMismatch,
                            "sealed on platform " + Quote(params.platform()) +
                                ", but this node runs on " + Quote(provider.platform_name()));
  }
  auto derived_key = provider.GetDerivedKey(*request);
  if (!derived_key) return PlatformError("requesting the derived key", derived_key.error());

  SealingKey sealing_key{kv::SecretBytes(kSealingKeyBytes), {}};
  if (auto s = Hkdf(sealing_key.key.mutable_bytes(), *derived_key, kSealingKeyInfo); !s) {
    return std::unexpected(std::move(s.error()));
  }
  if (auto s = Hkdf(sealing_key.key_id, *derived_key, kKeyIdInfo); !s) {
    return std::unexpected(std::move(s.error()));
  }
  return sealing_key;
}

}  // namespace ledgerseal::sealing
