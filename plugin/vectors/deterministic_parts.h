// TEST ONLY: everything in a conformance vector that does not depend on key
// generation or OpenSSL's DRBG (recovery keys, ECIES ephemeral keys, ECDSA
// nonces), computed from its CaseSpec: the platform
// (machine secret, launch), the request, the derived key and what HKDF makes
// of it, the IVs and the wrapping key drawn from the deterministic random
// source, and the ledger secret. The generator seals with these; the test
// recomputes them and compares them with the checked-in file.
//
// These are test keys, public by design.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_DETERMINISTIC_PARTS_H_
#define LEDGERSEAL_PLUGIN_VECTORS_DETERMINISTIC_PARTS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crypto/public/random_source.h"
#include "plugin/vectors/case_spec.h"
#include "plugin/vectors/result.h"
#include "snp/public/virtual_launch.h"
#include "snp/public/virtual_platform.h"

namespace ledgerseal::vectors {

// SHA-256("ledgerseal vectors v1 machine secret: " || spec.machine).
std::array<uint8_t, snp::VirtualProvider::kMachineSecretSize> MachineSecretOf(
    const PlatformSpec& spec);

// The launch `spec` describes; chip_id left empty (the provider derives it).
snp::VirtualLaunch LaunchOf(const PlatformSpec& spec);

// VirtualProvider::FromSecret(MachineSecretOf(spec), LaunchOf(spec)).
Result<std::unique_ptr<snp::VirtualProvider>> ProviderOf(const PlatformSpec& spec);

// spec.request with the field-select bits of spec.policy.
Result<snp::DerivedKeyRequest> RequestOf(const CaseSpec& spec);

// SHA-256("ledgerseal vectors v1 ledger secret: " || spec.id).
std::vector<uint8_t> LedgerSecretOf(const CaseSpec& spec);

// Seeds of the two DeterministicRandomSource streams: SealRecoveryKey draws
// its IV (12 B) from the first; SealShares draws the wrapping key (32 B),
// then the IV (12 B), then one ECIES IV (12 B) per share, from the second.
std::string RecoveryKeySeedOf(const CaseSpec& spec);
std::string SharesSeedOf(const CaseSpec& spec);

// A fresh DeterministicRandomSource for `seed`.
Result<std::unique_ptr<crypto::RandomSource>> RandomOf(const std::string& seed);

struct DeterministicParts {
  std::array<uint8_t, snp::VirtualProvider::kMachineSecretSize> machine_secret{};  // unsealer's
  std::string launch_json;  // VirtualLaunchToJson of the unsealer's launch (chip_id resolved)
  snp::DerivedKeyRequest request;
  std::vector<uint8_t> derived_key;  // unsealer's platform, stored request
  std::vector<uint8_t> sealing_key;  // plugin DeriveSealingKey of the above
  std::vector<uint8_t> key_id;
  std::vector<uint8_t> recovery_key_iv;
  std::vector<uint8_t> wrapping_key;
  std::vector<uint8_t> wrapped_secret_iv;
  std::vector<uint8_t> ledger_secret;
};

// Computes all of the above. Errors: a message naming the failed step.
Result<DeterministicParts> ComputeDeterministicParts(const CaseSpec& spec);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_DETERMINISTIC_PARTS_H_
