#include "plugin/bench/bench_fixture.h"

#include <openssl/rand.h>

#include <array>
#include <cstdio>

#include "kvstore_adapter/public/types.h"
#include "crypto/public/random_source.h"
#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealing_key.h"

namespace ledgerseal::bench {
namespace {

using Result = base::Expected<void, std::string>;

Bytes ToBytes(std::string_view bytes) { return {bytes.begin(), bytes.end()}; }

std::string NodeName(const char* prefix, size_t index) {
  char name[32];
  std::snprintf(name, sizeof(name), "%s%02zu", prefix, index);
  return name;
}

base::Expected<std::unique_ptr<snp::VirtualProvider>, std::string> NewMachine() {
  std::array<uint8_t, snp::VirtualProvider::kMachineSecretSize> secret{};
  if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
    return std::unexpected("RAND_bytes failed");
  }
  auto provider = snp::VirtualProvider::FromSecret(secret, snp::VirtualLaunch{});
  if (!provider) return std::unexpected(provider.error().message);
  return std::move(*provider);
}

base::Expected<sealing::v1::SealedRecoveryKey, std::string> SealKey(
    const snp::VirtualProvider& provider, const std::string& identity, const std::string& node_id,
    const kv::ServiceIdentity& service) {
  crypto::OpenSslRandomSource random;
  auto request = sealing::DefaultDerivedKeyRequest(provider);
  if (!request) return std::unexpected(request.error().ToString());
  auto key = sealing::SealRecoveryKey(provider, random, *request, identity, node_id, service);
  if (!key) return std::unexpected(key.error().ToString());
  return std::move(*key);
}

void CopyDerivation(const sealing::v1::DerivationParams& d, RawUnsealInput& in) {
  in.platform = d.platform();
  in.root_key_select = d.root_key_select();
  in.guest_field_select = d.guest_field_select();
  in.vmpl = d.vmpl();
  in.guest_svn = d.guest_svn();
  in.tcb_version = d.tcb_version();
}

void CopyShare(const sealing::v1::SealedShares& record, RawUnsealInput& in) {
  const auto& share = record.shares(0);
  const auto& key = share.recovery_key();
  in.public_key_der = ToBytes(key.public_key_der());
  in.key_id = ToBytes(key.key_id());
  in.binding_algorithm = key.service_identity_algorithm();
  in.binding_spki = ToBytes(key.service_identity_public_key_der());
  CopyDerivation(key.derivation(), in);
  in.sealed_key_iv = ToBytes(key.sealed_private_key().iv());
  in.sealed_key_ciphertext = ToBytes(key.sealed_private_key().ciphertext());
  in.sealed_key_tag = ToBytes(key.sealed_private_key().tag());
  in.sealing_identity = share.sealing_identity();
  in.node_id = share.node_id();
  in.service_id = record.service_id();
  in.version = record.ledger_secret_version();
  in.encrypted_wrapping_key = ToBytes(share.encrypted_wrapping_key());
  in.secret_iv = ToBytes(record.wrapped_ledger_secret().iv());
  in.secret_ciphertext = ToBytes(record.wrapped_ledger_secret().ciphertext());
  in.secret_tag = ToBytes(record.wrapped_ledger_secret().tag());
}

}  // namespace

base::Expected<const BenchFixture*, std::string> BenchFixture::Get() {
  using Built = base::Expected<const BenchFixture*, std::string>;
  static const Built built = []() -> Built {
    auto* fixture = new BenchFixture;  // lives for the process
    if (auto s = fixture->Build(); !s) {
      delete fixture;
      return std::unexpected(s.error());
    }
    return fixture;
  }();
  return built;
}

Result BenchFixture::Build() {
  auto raw_crypto = RawCrypto::Create();
  if (!raw_crypto) return std::unexpected(raw_crypto.error());
  raw_crypto_ = std::make_unique<RawCrypto>(std::move(*raw_crypto));
  auto service_key = kv::ServiceKey::Generate();
  if (!service_key) return std::unexpected(service_key.error().ToString());
  service_key_ = std::make_unique<kv::ServiceKey>(std::move(*service_key));
  auto raw_key = GenerateP256();
  if (!raw_key) return std::unexpected(raw_key.error());
  auto raw_spki = PublicKeyDerOf(raw_key->get());
  if (!raw_spki) return std::unexpected(raw_spki.error());
  raw_signer_ = {std::move(*raw_key), std::move(*raw_spki)};
  for (size_t i = 0; i < kMaxNodes; ++i) {
    if (auto s = AddNode(i); !s) return s;
  }
  ledger_secret_ = kv::SecretBytes(32);
  if (RAND_bytes(ledger_secret_.mutable_bytes().data(), 32) != 1) {
    return std::unexpected("RAND_bytes failed");
  }
  return BuildUnsealInputs();
}

Result BenchFixture::AddNode(size_t index) {
  auto provider = NewMachine();
  if (!provider) return std::unexpected(provider.error());
  const std::string identity = NodeName("node-", index);
  const std::string node_id = NodeName("n", index);
  auto key = SealKey(**provider, identity, node_id, service_key_->identity());
  if (!key) return std::unexpected(key.error());
  const Bytes der = ToBytes(key->public_key_der());
  auto parsed = ParseEcPublicKeyDer(der);
  if (!parsed) return std::unexpected(parsed.error());
  raw_recipients_.push_back({identity, node_id, der, std::move(*parsed), ToBytes(key->SerializeAsString()),
                             ToBytes(key->service_identity_public_key_der())});
  recipients_.push_back({identity, node_id, std::move(*key)});
  auto prepared = sealing::PreparedRecipient::Prepare(recipients_.back());
  if (!prepared) return std::unexpected(prepared.error().ToString());
  prepared_.push_back(std::move(*prepared));
  providers_.push_back(std::move(*provider));
  return {};
}

Result BenchFixture::BuildUnsealInputs() {
  crypto::OpenSslRandomSource random;
  auto record = sealing::SealShares(random, *service_key_, kLedgerSecretVersion, ledger_secret_,
                                    recipients(kUnsealRecordNodes));
  if (!record) return std::unexpected(record.error().ToString());
  auto value = sealing::SerializeRecord(*record);
  if (!value) return std::unexpected(value.error().ToString());
  unseal_record_ = std::move(*value);
  if (!unseal_body_.ParseFromString(record->body())) return std::unexpected("the body does not parse");
  raw_unseal_.body = ToBytes(record->body());
  raw_unseal_.signature = ToBytes(record->signature());
  const auto& stored = unseal_body_.shares(0).recovery_key().derivation();
  auto request = sealing::ToDerivedKeyRequest(stored);
  if (!request) return std::unexpected(request.error().ToString());
  auto derived_key = providers_[0]->GetDerivedKey(*request);
  if (!derived_key) return std::unexpected(derived_key.error().message);
  raw_unseal_.derived_key.assign(derived_key->bytes().begin(), derived_key->bytes().end());
  CopyShare(unseal_body_, raw_unseal_);
  return {};
}

}  // namespace ledgerseal::bench
