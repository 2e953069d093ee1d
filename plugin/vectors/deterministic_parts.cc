#include "plugin/vectors/deterministic_parts.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "kvstore_adapter/public/types.h"
#include "plugin/public/sealing_key.h"
#include "crypto/testing/deterministic_random.h"
#include "snp/public/policy.h"

namespace ledgerseal::vectors {
namespace {

// SHA-2 of a short string cannot fail short of a broken OpenSSL
// installation; stop rather than derive vectors from garbage.
std::vector<uint8_t> Digest(const EVP_MD* md, std::string_view prefix, std::string_view label) {
  const std::string input = std::string(prefix) + std::string(label);
  std::vector<uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  if (EVP_Digest(input.data(), input.size(), out.data(), &size, md, nullptr) != 1) {
    std::fputs("vectors: EVP_Digest failed\n", stderr);
    std::abort();
  }
  out.resize(size);
  return out;
}

template <size_t N>
std::array<uint8_t, N> Prefix(const std::vector<uint8_t>& bytes) {
  std::array<uint8_t, N> out{};
  std::copy_n(bytes.begin(), std::min(N, bytes.size()), out.begin());
  return out;
}

Result<std::vector<uint8_t>> Draw(crypto::RandomSource& random, size_t size) {
  std::vector<uint8_t> out(size);
  if (auto s = random.Fill(out); !s) return Fail("random: " + s.error().ToString());
  return out;
}

Result<std::vector<uint8_t>> DerivedKeyOf(const snp::VirtualProvider& provider,
                                          const snp::DerivedKeyRequest& request) {
  auto key = provider.GetDerivedKey(request);
  if (!key) return Fail("derived key: " + key.error().message);
  return std::vector<uint8_t>(key->bytes().begin(), key->bytes().end());
}

// The plugin's own HKDF step (DeriveSealingKey), for `parts`.
Result<void> AddSealingKey(const snp::VirtualProvider& provider, DeterministicParts& parts) {
  const auto params = sealing::MakeDerivationParams(provider.platform_name(), parts.request);
  auto key = sealing::DeriveSealingKey(provider, params);
  if (!key) return Fail("sealing key: " + key.error().ToString());
  parts.sealing_key.assign(key->key.bytes().begin(), key->key.bytes().end());
  parts.key_id.assign(key->key_id.begin(), key->key_id.end());
  return {};
}

Result<void> AddRandomDraws(const CaseSpec& spec, DeterministicParts& parts) {
  auto recovery_random = RandomOf(RecoveryKeySeedOf(spec));
  auto shares_random = RandomOf(SharesSeedOf(spec));
  if (!recovery_random) return Fail(recovery_random.error());
  if (!shares_random) return Fail(shares_random.error());
  auto iv = Draw(**recovery_random, 12);
  auto wrapping_key = Draw(**shares_random, 32);
  auto secret_iv = Draw(**shares_random, 12);
  if (!iv || !wrapping_key || !secret_iv) return Fail("drawing from the deterministic source");
  parts.recovery_key_iv = std::move(*iv);
  parts.wrapping_key = std::move(*wrapping_key);
  parts.wrapped_secret_iv = std::move(*secret_iv);
  return {};
}

}  // namespace

std::array<uint8_t, snp::VirtualProvider::kMachineSecretSize> MachineSecretOf(
    const PlatformSpec& spec) {
  return Prefix<snp::VirtualProvider::kMachineSecretSize>(
      Digest(EVP_sha256(), "ledgerseal vectors v1 machine secret: ", spec.machine));
}

snp::VirtualLaunch LaunchOf(const PlatformSpec& spec) {
  snp::VirtualLaunch launch;
  launch.measurement =
      Prefix<48>(Digest(EVP_sha384(), "ledgerseal vectors v1 measurement: ", spec.measurement));
  launch.family_id =
      Prefix<16>(Digest(EVP_sha256(), "ledgerseal vectors v1 family id: ", spec.family));
  launch.image_id =
      Prefix<16>(Digest(EVP_sha256(), "ledgerseal vectors v1 image id: ", spec.image));
  launch.guest_svn = spec.guest_svn;
  launch.committed_tcb = spec.committed_tcb;
  launch.vmpl = spec.vmpl;
  return launch;
}

Result<std::unique_ptr<snp::VirtualProvider>> ProviderOf(const PlatformSpec& spec) {
  auto secret = MachineSecretOf(spec);
  auto provider = snp::VirtualProvider::FromSecret(secret, LaunchOf(spec));
  if (!provider) return Fail("virtual platform: " + provider.error().message);
  return std::move(*provider);
}

Result<snp::DerivedKeyRequest> RequestOf(const CaseSpec& spec) {
  auto bits = snp::ParsePolicy(spec.policy);
  if (!bits) return Fail("policy: " + bits.error().message);
  snp::DerivedKeyRequest request;
  request.root_key = spec.request.root_key;
  request.guest_field_select = *bits;
  request.vmpl = spec.request.vmpl;
  request.guest_svn = spec.request.guest_svn;
  request.tcb_version = spec.request.tcb_version;
  return request;
}

std::vector<uint8_t> LedgerSecretOf(const CaseSpec& spec) {
  auto digest = Digest(EVP_sha256(), "ledgerseal vectors v1 ledger secret: ", spec.id);
  digest.resize(32);
  return digest;
}

std::string RecoveryKeySeedOf(const CaseSpec& spec) {
  return "ledgerseal vectors v1 recovery key random: " + std::string(spec.id);
}

std::string SharesSeedOf(const CaseSpec& spec) {
  return "ledgerseal vectors v1 shares random: " + std::string(spec.id);
}

Result<std::unique_ptr<crypto::RandomSource>> RandomOf(const std::string& seed) {
  auto random = testing::DeterministicRandomSource::Create(kv::AsBytes(seed));
  if (!random) return Fail("deterministic random: " + random.error().ToString());
  return std::unique_ptr<crypto::RandomSource>(std::move(*random));
}

Result<DeterministicParts> ComputeDeterministicParts(const CaseSpec& spec) {
  DeterministicParts parts;
  parts.machine_secret = MachineSecretOf(spec.unsealer);
  auto provider = ProviderOf(spec.unsealer);
  if (!provider) return Fail(provider.error());
  parts.launch_json = snp::VirtualLaunchToJson((*provider)->launch());
  auto request = RequestOf(spec);
  if (!request) return Fail(request.error());
  parts.request = *request;
  auto derived_key = DerivedKeyOf(**provider, parts.request);
  if (!derived_key) return Fail(derived_key.error());
  parts.derived_key = std::move(*derived_key);
  if (auto s = AddSealingKey(**provider, parts); !s) return Fail(s.error());
  if (auto s = AddRandomDraws(spec, parts); !s) return Fail(s.error());
  parts.ledger_secret = LedgerSecretOf(spec);
  return parts;
}

}  // namespace ledgerseal::vectors
