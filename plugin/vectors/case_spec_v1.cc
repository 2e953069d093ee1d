// TEST ONLY: the format 1 cases of testdata/vectors/sealing_v1.json, frozen
// as they were when that file was generated. Format 2 cannot write them any
// more; the tests still reproduce their deterministic parts and check that
// the production code refuses every one of them.
#include <array>

#include "plugin/vectors/case_spec.h"
#include "plugin/vectors/platforms.h"

namespace ledgerseal::vectors {
namespace {

using namespace platforms;  // NOLINT: the shared machines of every case list


// A 2048-bit measurement+tcb case on machine "a" altered by `tamper`.
constexpr CaseSpec Negative(std::string_view id, std::string_view description, Tamper tamper,
                            const PlatformSpec& unsealer = kMachineA) {
  return {id,       description, 2048,      kMt, kMachineA, unsealer, kDefaultRequest,
          "node-a", "n1",        "svc-neg", 9,   tamper};
}

constexpr std::array kCases = {
    CaseSpec{"rsa2048-measurement-tcb",
             "RSA-2048, policy measurement+tcb (default request: VCEK, VMPL 0, committed TCB)",
             2048, kMt, kMachineA, kMachineA, kDefaultRequest, "node-a", "n1", "svc-1", 1},
    CaseSpec{"rsa2048-family-image-svn-tcb",
             "RSA-2048, policy family+image+svn+tcb, guest SVN 4; 64-bit ledger secret version",
             2048, kFist, kMachineB, kMachineB, RequestSpec{snp::RootKey::kVcek, 0, 4, kTcbOld},
             "node-b", "n2", "svc-2", 0x0102030405060708},
    CaseSpec{"rsa2048-family-image-svn-tcb-after-upgrade",
             "RSA-2048, policy family+image+svn+tcb: sealed at measurement 1.0.0 / SVN 4 / old "
             "TCB, unsealed after a code upgrade (measurement 1.1.0, SVN 5) and a firmware update "
             "(committed TCB raised) by repeating the stored request",
             2048, kFist, kMachineB, kMachineBUpgraded,
             RequestSpec{snp::RootKey::kVcek, 0, 4, kTcbOld}, "node-b", "n2", "svc-2", 3},
    CaseSpec{"rsa3072-measurement-tcb", "RSA-3072 (default size), policy measurement+tcb", 3072,
             kMt, kMachineA, kMachineA, kDefaultRequest, "node-c", "n3", "ledgerseal-test-service",
             7},
    CaseSpec{"rsa3072-family-image-svn-tcb",
             "RSA-3072, policy family+image+svn+tcb, VMPL 1 request, non-ASCII UTF-8 identity",
             3072, kFist, kMachineB, kMachineB, RequestSpec{snp::RootKey::kVcek, 1, 4, kTcbOld},
             "n\u0153ud-d", "n4", "svc-\u00e9t\u00e9", 12},
    CaseSpec{"rsa4096-measurement-tcb", "RSA-4096, policy measurement+tcb, root key VMRK", 4096,
             kMt, kMachineA, kMachineA, RequestSpec{snp::RootKey::kVmrk, 0, 0, kTcbOld}, "node-e",
             "n5", "svc-1", 2},
    Negative("tampered-sealed-key-ciphertext",
             "negative: one byte of the sealed private key's ciphertext flipped",
             Tamper::kSealedKeyCiphertext),
    Negative("tampered-sealed-key-tag",
             "negative: one byte of the sealed private key's tag flipped", Tamper::kSealedKeyTag),
    Negative("tampered-sealed-key-aad-public-key",
             "negative: AAD_rk altered: public_key_der replaced by another RSA-2048 public key",
             Tamper::kSealedKeyAadPublicKey),
    Negative("tampered-sealed-key-aad-identity",
             "negative: AAD_rk altered: the share and its recovery-key copy moved to sealing "
             "identity node-z / node id n26",
             Tamper::kSealedKeyAadIdentity),
    Negative("tampered-encrypted-wrapping-key",
             "negative: one byte of the RSA-OAEP encrypted wrapping key flipped",
             Tamper::kEncryptedWrappingKey),
    Negative("tampered-wrapped-secret-ciphertext",
             "negative: one byte of the wrapped ledger secret's ciphertext flipped",
             Tamper::kWrappedSecretCiphertext),
    Negative("tampered-wrapped-secret-tag",
             "negative: one byte of the wrapped ledger secret's tag flipped",
             Tamper::kWrappedSecretTag),
    Negative("wrong-key-other-chip",
             "negative: wrong key: unsealed on another chip (another machine secret)",
             Tamper::kWrongKey, kOtherChip),
    Negative("wrong-key-other-measurement",
             "negative: wrong key: unsealed on the same chip running another measurement",
             Tamper::kWrongKey, kMachineAOtherImage),
};

}  // namespace

std::span<const CaseSpec> V1CaseSpecs() { return kCases; }

}  // namespace ledgerseal::vectors
