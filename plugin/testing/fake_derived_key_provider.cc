#include "plugin/testing/fake_derived_key_provider.h"

#include <openssl/crypto.h>

#include <array>
#include <vector>

#include "kvstore_adapter/public/types.h"
#include "crypto/public/hkdf.h"

namespace ledgerseal::testing {
namespace {

void AppendU64(std::vector<uint8_t>& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

std::unexpected<snp::DerivedKeyError> Fail(snp::DerivedKeyErrorCode code, std::string message) {
  return std::unexpected(snp::DerivedKeyError{code, std::move(message)});
}

}  // namespace

base::Expected<snp::DerivedKey, snp::DerivedKeyError> FakeDerivedKeyProvider::GetDerivedKey(
    const snp::DerivedKeyRequest& request) const {
  calls_.fetch_add(1);
  if (fail_with_) return Fail(*fail_with_, "fake provider told to fail");
  if (auto valid = snp::ValidateRequest(request); !valid) return std::unexpected(valid.error());
  if (request.tcb_version > committed_tcb_) {
    return Fail(snp::DerivedKeyErrorCode::kTcbAboveCommitted,
                "requested tcb_version " + std::to_string(request.tcb_version) +
                    " above committed " + std::to_string(committed_tcb_));
  }
  std::vector<uint8_t> info(kv::ToBytes("fake derived key"));
  AppendU64(info, static_cast<uint32_t>(request.root_key));
  AppendU64(info, request.guest_field_select);
  AppendU64(info, request.vmpl);
  AppendU64(info, request.guest_svn);
  AppendU64(info, request.tcb_version);
  std::array<uint8_t, snp::DerivedKey::kSize> key{};
  if (!crypto::HkdfSha256(key, kv::AsBytes(machine_seed_), {}, info)) {
    return Fail(snp::DerivedKeyErrorCode::kPlatformStateError, "fake provider: HKDF failed");
  }
  snp::DerivedKey derived(key);
  OPENSSL_cleanse(key.data(), key.size());
  return derived;
}

base::Expected<uint64_t, snp::DerivedKeyError> FakeDerivedKeyProvider::CommittedTcb() const {
  if (fail_with_) return Fail(*fail_with_, "fake provider told to fail");
  return committed_tcb_;
}

}  // namespace ledgerseal::testing
