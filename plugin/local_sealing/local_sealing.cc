#include "plugin/local_sealing/public/local_sealing.h"

#include "crypto/public/hkdf.h"
#include "crypto/public/ecies.h"
#include "plugin/local_sealing/sealing_hooks.h"
#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealing_key.h"
#include "snp/public/policy.h"
#include "snp/public/provider_factory.h"
#include "snp/public/virtual_launch.h"
#include "snp/public/virtual_platform.h"

namespace ledgerseal::sealing {
namespace {

constexpr std::string_view kStoreKeyInfo = "ledgerseal store key v1";

kv::Status CheckOptions(const LocalSealingOptions& o) {
  auto invalid = [](std::string what) { return kv::MakeError(kv::ErrorCode::kInvalidArgument, what); };
  if (o.node_id.empty()) return invalid("local sealing: node_id is empty");
  if (o.sealing_identity.empty()) return invalid("sealing.sealing_identity is required with local sealing");
  if (auto p = snp::MakeSealingPolicy(o.policy, o.root_key, o.vmpl); !p) {
    return invalid("sealing.policy / root_key / vmpl: " + p.error().message);
  }
  if (!o.provider && o.platform == snp::kVirtualPlatformName && o.virtual_machine_secret_path.empty()) {
    return invalid("sealing.virtual_machine_secret_path is required on the virtual platform");
  }
  return {};
}

kv::Result<std::shared_ptr<const snp::DerivedKeyProvider>> OpenProvider(const LocalSealingOptions& o) {
  snp::VirtualPlatformOptions virtual_options;
  virtual_options.machine_secret_path = o.virtual_machine_secret_path;
  virtual_options.create_machine_secret = o.create_virtual_machine_secret;
  std::error_code ec;
  const bool existed = std::filesystem::exists(o.virtual_machine_secret_path, ec);
  if (!o.virtual_launch_json.empty()) {
    auto launch = snp::ParseVirtualLaunchJson(o.virtual_launch_json);
    if (!launch) {
      return kv::MakeError(kv::ErrorCode::kInvalidArgument, "sealing.virtual_launch: " + launch.error().message);
    }
    virtual_options.launch = *launch;
  }
  auto provider = snp::MakeProvider(o.platform, virtual_options);
  if (!provider) {
    const bool bad_name = provider.error().code == snp::DerivedKeyErrorCode::kInvalidRequest;
    return kv::MakeError(bad_name ? kv::ErrorCode::kInvalidArgument : kv::ErrorCode::kUnavailable,
                         "sealing.platform '" + o.platform + "': " + provider.error().message);
  }
  if (o.platform == snp::kVirtualPlatformName && !existed) {
    internal::Log(o, "created a new virtual machine secret at " + o.virtual_machine_secret_path.string() +
                         " (first start of this node)");
  }
  return std::shared_ptr<const snp::DerivedKeyProvider>(std::move(*provider));
}

// The request new material is sealed with: the platform's committed TCB and
// the configured policy's field-select bits.
kv::Result<snp::DerivedKeyRequest> SealingRequest(const LocalSealingOptions& o) {
  auto request = DefaultDerivedKeyRequest(*o.provider);
  if (!request) return std::unexpected(ToKvError(request.error()));
  auto policy = snp::MakeSealingPolicy(o.policy, o.root_key, o.vmpl);  // checked by Create
  if (!policy) return kv::MakeError(kv::ErrorCode::kInvalidArgument, policy.error().message);
  snp::ApplySealingPolicy(*policy, *request);
  return *request;
}

}  // namespace

LocalSealing::LocalSealing(LocalSealingOptions options)
    : options_(std::make_shared<const LocalSealingOptions>(std::move(options))) {
  transaction_hook_ = std::make_shared<internal::SealingTransactionHook>(*options_);
  recovery_hook_ = std::make_shared<internal::LocalUnsealingHook>(options_);
}

kv::Status LocalSealing::RegisterWith(kv::HookRegistrar& host) const {
  if (auto s = host.RegisterTransactionHook(std::string(kHookName), transaction_hook_); !s) return s;
  return host.RegisterRecoveryHook(std::string(kHookName), recovery_hook_);
}

kv::Status RegisterSealingOnly(kv::HookRegistrar& host, std::function<void(std::string_view)> log,
                               std::function<void(std::function<void()>)> background,
                               std::optional<recovery::v1::RecoveryConfig> recovery_members) {
  return host.RegisterTransactionHook(
      std::string(kHookName), NewSealingOnlyHook(std::move(log), std::move(background), std::move(recovery_members)));
}

kv::Result<std::unique_ptr<LocalSealing>> LocalSealing::Create(LocalSealingOptions options) {
  if (auto s = CheckOptions(options); !s) return std::unexpected(s.error());
  if (!options.provider) {
    auto provider = OpenProvider(options);
    if (!provider) return std::unexpected(provider.error());
    options.provider = std::move(*provider);
  }
  if (options.provider->platform_name() == snp::kVirtualPlatformName) {
    internal::Log(options, std::string(snp::kInsecureBanner));
  }
  if (!options.random) options.random = std::make_shared<crypto::OpenSslRandomSource>();
  return std::unique_ptr<LocalSealing>(new LocalSealing(std::move(options)));
}

std::shared_ptr<kv::TransactionHook> NewSealingOnlyHook(std::function<void(std::string_view)> log,
                                                        std::function<void(std::function<void()>)> background,
                                                        std::optional<recovery::v1::RecoveryConfig> recovery_members) {
  LocalSealingOptions options;
  options.log = std::move(log);
  options.background = std::move(background);
  options.recovery_members = std::move(recovery_members);
  options.random = std::make_shared<crypto::OpenSslRandomSource>();
  return std::make_shared<internal::SealingTransactionHook>(std::move(options));
}

kv::Result<kv::Bytes> LocalSealing::NewJoinPayload(const kv::ServiceIdentity& service) const {
  // Checked before any key generation: a host passing an unchecked identity
  // is told so, not handed a payload bound to something unreadable.
  auto checked = kv::ServiceIdentityFromPublicKey(static_cast<uint32_t>(service.algorithm),
                                                  service.public_key_der);
  if (!checked || checked->service_id != service.service_id) {
    return kv::MakeError(kv::ErrorCode::kInvalidArgument,
                         "local sealing: cannot bind the recovery key to service '" + service.service_id +
                             "': " + (checked ? "its id is not the id of its key" : checked.error().message));
  }
  auto request = SealingRequest(*options_);
  if (!request) return std::unexpected(request.error());
  // One lock for generation and sealing: payloads are made a few times per
  // process (start, join, recovery), never on a hot path.
  std::lock_guard lock(recovery_key_mu_);
  if (!recovery_key_) {
    auto generated = crypto::EcdhPrivateKey::Generate();
    if (!generated) {
      return kv::MakeError(kv::ErrorCode::kInternal,
                           "local sealing: generating the recovery key: " + generated.error().ToString());
    }
    recovery_key_ = std::make_unique<const crypto::EcdhPrivateKey>(std::move(*generated));
  }
  auto sealed = SealExistingRecoveryKey(*options_->provider, *options_->random, *request,
                                        options_->sealing_identity, options_->node_id, service,
                                        *recovery_key_);
  if (!sealed) return std::unexpected(ToKvError(sealed.error()));
  auto bytes = SerializeRecord(*sealed);
  if (!bytes) return std::unexpected(ToKvError(bytes.error()));
  internal::Log(*options_, "sealed this node's recovery key for service " + service.service_id);
  return *bytes;
}

kv::Result<kv::SecretBytes> LocalSealing::DeriveStoreKey() const {
  auto request = SealingRequest(*options_);
  if (!request) return std::unexpected(request.error());
  auto key = DeriveSealingKey(*options_->provider,
                              MakeDerivationParams(options_->provider->platform_name(), *request));
  if (!key) return std::unexpected(ToKvError(key.error()));
  kv::Bytes info(kStoreKeyInfo.begin(), kStoreKeyInfo.end());
  info.insert(info.end(), options_->node_id.begin(), options_->node_id.end());
  kv::SecretBytes out(32);
  if (!crypto::HkdfSha256(out.mutable_bytes(), key->key.bytes(), {}, info)) {
    return kv::MakeError(kv::ErrorCode::kInternal, "deriving the store key failed");
  }
  return out;
}

}  // namespace ledgerseal::sealing
