// The local-sealing plugin as a host loads it: a transaction hook that seals
// the ledger secret for every trusted node in the same transaction as each
// rotation or membership change, signed by the service identity, and a
// recovery hook that unseals it from the ledger before replay, trusting only
// the service its own sealed key is bound to (docs/ARCHITECTURE.md,
// docs/HOSTING.md, docs/SERVICE_IDENTITY.md).
#ifndef LEDGERSEAL_PLUGIN_LOCAL_SEALING_PUBLIC_LOCAL_SEALING_H_
#define LEDGERSEAL_PLUGIN_LOCAL_SEALING_PUBLIC_LOCAL_SEALING_H_

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/public/random_source.h"
#include "crypto/public/ecies.h"
#include "kvstore_adapter/public/hooks.h"
#include "kvstore_adapter/public/host.h"
#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/public/recovery_shares.h"
#include "snp/public/derived_key.h"

namespace ledgerseal::sealing {

inline constexpr std::string_view kHookName = "local-sealing";  // both hooks' name
inline constexpr std::string_view kSharesKey = "latest";       // sealing.shares
inline constexpr std::string_view kLastRecoveryKey = "last";   // sealing.last_recovery

struct LocalSealingOptions {
  std::string node_id;
  std::string sealing_identity;           // required to seal this node's key
  std::string previous_sealing_identity;  // recovery: unseal as this (default: sealing_identity)
  std::string platform = "virtual";       // "sev-guest" | "virtual"
  std::string policy = "measurement+tcb"; // snp policy preset or raw:0x..
  // The root of the derived key (KEY_SEL): "default" (the VLEK if the host
  // installed one, else the VCEK), "vcek" or "vlek" (docs/SNP.md).
  std::string root_key = "default";
  // The VMPL the key is requested for: 0..3, not below the guest's own (a
  // guest under an SVSM runs at VMPL >= 1).
  uint32_t vmpl = 0;
  // true: a failed unseal stops recovery. false (explicit fallback): the
  // failure is logged and the next recovery hook may supply the secret.
  bool fail_on_unseal_error = true;
  // `virtual` platform only.
  std::filesystem::path virtual_machine_secret_path;
  // `virtual` platform only: create the machine secret if it is missing.
  // Only a node's first start (genesis or join) may; recovery never does (a
  // new secret is another machine). When it creates one, it says so in the
  // log.
  bool create_virtual_machine_secret = false;
  std::string virtual_launch_json;  // empty: defaults
  // Injected for tests; null: built from `platform` / OpenSSL.
  std::shared_ptr<const snp::DerivedKeyProvider> provider;
  std::shared_ptr<crypto::RandomSource> random;
  // One line per event; never key material. Null: stderr.
  std::function<void(std::string_view)> log;
  // Runs sealing work off the commit path (docs/ARCHITECTURE.md,
  // "Pre-sealing"): after each sealing.shares record, the transaction hook
  // posts a task that draws the next wrapping key and ECIES-seals it to the
  // same nodes for the next ledger secret version, so that the next
  // rotation only wraps its secret and signs. The function must run each
  // task at most once, on another thread than its caller's, and may drop
  // it (pre-sealing is an optimisation: a commit that finds no matching
  // pre-sealed shares seals on its own). When set, `random` is called from
  // that thread too. Null: all sealing happens on the commit path.
  std::function<void(std::function<void()>)> background;
  // Operator recovery shares (docs/RECOVERY_SHARES.md): the members and
  // threshold a new service starts with. The transaction hook writes them
  // to `recovery.members` in the service's genesis commit (ledger secret 1)
  // only — never into a running service, whose members only a change
  // committed with a rotation may alter — and then, whenever the table
  // holds members, writes a `recovery.shares` record in every commit that
  // rotates the secret.
  std::optional<recovery::v1::RecoveryConfig> recovery_members;
};

// Thread safety: all methods may be called from any thread; the hooks follow
// the adapter interface's threading rules.
class LocalSealing {
 public:
  // Validates the options and opens the platform. Every misconfiguration is
  // a kInvalidArgument naming the option; an unusable platform is
  // kUnavailable (e.g. "sev-guest: /dev/sev-guest: no such device").
  static kv::Result<std::unique_ptr<LocalSealing>> Create(LocalSealingOptions options);

  // Registers both hooks with `host` under kHookName, as the interface
  // places them (host.h): the transaction hook (on every node; only the
  // primary runs it) and the recovery hook (run only in recovery mode).
  // Call once per host, before it serves transactions or recovers. The host
  // shares ownership of the hooks; they stay valid after this object is
  // destroyed. Errors: those of HookRegistrar (e.g. a hook of that name is
  // already registered).
  [[nodiscard]] kv::Status RegisterWith(kv::HookRegistrar& host) const;

  // The hooks themselves (RegisterWith registers both). Shares live under
  // key kSharesKey.
  //
  // The transaction hook needs no platform: only the recipients' public
  // keys, and the host's CommitContext::service_signer, which signs every
  // sealing.shares record. It refuses (kInvalidArgument) a commit it must
  // seal for (a rotation or trusted-node change) or admit a joiner in when
  // the context has no signer, or a signer whose id is not the context's
  // service_id; it refuses a joiner whose payload is bound to another
  // identity than the signer's (naming both ids), and skips with a WARNING
  // in the log a trusted node whose payload is bound elsewhere.
  //
  // The recovery hook unseals the newest sealing.shares record as the
  // configured identity, in the order of docs/SERVICE_IDENTITY.md §4.4,
  // honours RecoveryContext::expected_previous_service_id (the pin), and
  // returns previous_service_id = the identity its own sealed key is bound
  // to, whose signature of the record verified. Its errors are ToKvError of
  // the sealing errors (unsigned, other_service, bad_signature and
  // wrong_service are kRecoveryFailed), each naming the record's version;
  // with fail_on_unseal_error = false they become kNotFound (the next hook
  // runs) after being logged.
  std::shared_ptr<kv::TransactionHook> transaction_hook() const { return transaction_hook_; }
  std::shared_ptr<kv::RecoveryHook> recovery_hook() const { return recovery_hook_; }

  // This node's recovery key sealed to this platform and bound to `service`,
  // serialised (a SealedRecoveryKey of format 3): the join payload this node
  // presents to the service `service` identifies (the primary records it in
  // sealing.recovery_keys; commit_context.h says how a host carries it).
  // Its signature fits kv::JoinPayloadFactory: a host calls it at genesis and
  // after a recovery's replay with the NEW identity, and on a joiner once it
  // learned and checked the service's identity (service_identity.h).
  //
  // The P-256 key pair is generated on the first call and kept in this object's memory for its lifetime, never on a
  // disk in the clear; every call seals that same pair again with a fresh
  // IV, so a recovered node reseals for its new service without generating
  // a key on the recovery path. OpenSSL wipes the private key when this
  // object is destroyed; its PKCS#8 bytes are wiped after each sealing.
  //
  // Preconditions: `service` is a valid identity (ECDSA P-256 SPKI) and its
  // service_id is ServiceIdOf(its SPKI); the caller checked that it is the
  // service the node means to serve (the binding is what a recovering node
  // will trust).
  // Errors: kInvalidArgument (an invalid `service`); otherwise ToKvError of
  // the sealing error (platform errors, malformed platform state, OpenSSL).
  // Thread safety: may be called from any thread; concurrent calls are
  // serialised (the first generates the key once).
  kv::Result<kv::Bytes> NewJoinPayload(const kv::ServiceIdentity& service) const;

  // A 32-byte store encryption key derived from this platform's sealing key
  // (HKDF-SHA256, info "ledgerseal store key v1" || node id), so private
  // data at rest is bound to this hardware and measurement.
  kv::Result<kv::SecretBytes> DeriveStoreKey() const;

  const LocalSealingOptions& options() const { return *options_; }

 private:
  explicit LocalSealing(LocalSealingOptions options);
  // Shared with the recovery hook, which may outlive this object.
  std::shared_ptr<const LocalSealingOptions> options_;
  std::shared_ptr<kv::TransactionHook> transaction_hook_;
  std::shared_ptr<kv::RecoveryHook> recovery_hook_;
  // This node's recovery key pair, made by the first NewJoinPayload call.
  mutable std::mutex recovery_key_mu_;
  mutable std::unique_ptr<const crypto::EcdhPrivateKey> recovery_key_;  // guarded by recovery_key_mu_
};

// The transaction hook alone, for a node that does not seal its own
// recovery key (local sealing disabled) but must, as primary, keep sealing
// the secret for the nodes that do. Needs no platform; needs the context's
// service signer as LocalSealing::transaction_hook() does. `log` and
// `background` as in LocalSealingOptions (random: OpenSSL's).
std::shared_ptr<kv::TransactionHook> NewSealingOnlyHook(
    std::function<void(std::string_view)> log,
    std::function<void(std::function<void()>)> background = nullptr,
    std::optional<recovery::v1::RecoveryConfig> recovery_members = std::nullopt);

// Registers NewSealingOnlyHook(log, background) with `host` under kHookName.
// Errors: those of HookRegistrar.
[[nodiscard]] kv::Status RegisterSealingOnly(
    kv::HookRegistrar& host, std::function<void(std::string_view)> log,
    std::function<void(std::function<void()>)> background = nullptr,
    std::optional<recovery::v1::RecoveryConfig> recovery_members = std::nullopt);

// The recovery hook for recovery members' shares (docs/RECOVERY_SHARES.md):
// the newest `recovery.shares` record opened with `shares`, under the
// RecoveryContext's expected_previous_service_id, which it requires (shares
// are sealed to public keys: only the pinned service's signature makes a
// record authentic). Shares that fail their checks are logged by member
// and not counted. Its OnRecovered records sealing.last_recovery with
// method RECOVERY_SHARES_FALLBACK and the members used.
// Errors of Unseal: kRecoveryFailed (no record, fewer valid shares than the
// threshold, no pin: the message names each rejected share), and
// RecoverFromMemberShares's others through ToKvError. Never kNotFound:
// shares given explicitly are the recovery the operator asked for.
std::shared_ptr<kv::RecoveryHook> NewRecoverySharesHook(std::vector<recovery::MemberShareFile> shares,
                                                        std::function<void(std::string_view)> log);

}  // namespace ledgerseal::sealing

#endif  // LEDGERSEAL_PLUGIN_LOCAL_SEALING_PUBLIC_LOCAL_SEALING_H_
