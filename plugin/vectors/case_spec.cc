#include "plugin/vectors/case_spec.h"
#include "plugin/vectors/platforms.h"

#include <array>

namespace ledgerseal::vectors {
namespace {

using sealing::SealingErrorCode;

using namespace platforms;  // NOLINT: the shared machines of every case list
constexpr std::string_view kMeasurement = "raw:0x8";  // MEASUREMENT alone


// A measurement+tcb case on machine "a", altered by `tamper`.
constexpr CaseSpec Negative(std::string_view id, std::string_view description, Tamper tamper,
                            const PlatformSpec& unsealer = kMachineA, uint8_t pin_key = 0) {
  return {id,       description, 0,           kMt, kMachineA, unsealer, kDefaultRequest,
          "node-a", "n1",        kServiceId1, 9,   tamper,    pin_key};
}

constexpr std::array kCases = {
    CaseSpec{"p256-measurement-tcb",
             "policy measurement+tcb (default request: VCEK, VMPL 0, committed TCB)",
             0, kMt, kMachineA, kMachineA, kDefaultRequest, "node-a", "n1", kServiceId1, 1},
    CaseSpec{"p256-measurement",
             "policy measurement (raw:0x8: MEASUREMENT alone, no TCB); "
             "64-bit ledger secret version",
             0, kMeasurement, kMachineA, kMachineA, kDefaultRequest, "node-c", "n3", kServiceId1,
             0x0102030405060708},
    CaseSpec{"p256-measurement-tcb-vmrk", "policy measurement+tcb, root key VMRK", 0,
             kMt, kMachineA, kMachineA, RequestSpec{snp::RootKey::kVmrk, 0, 0, kTcbOld}, "node-e",
             "n5", kServiceId1, 2},
    CaseSpec{"p256-family-image-svn-tcb-after-upgrade",
             "policy family+image+svn+tcb, non-ASCII identity: sealed at measurement "
             "1.0.0 / SVN 4 / old TCB, unsealed after a code upgrade (measurement 1.1.0, SVN 5) and "
             "a firmware update (committed TCB raised) by repeating the stored request",
             0, kFist, kMachineB, kMachineBUpgraded,
             RequestSpec{snp::RootKey::kVcek, 0, 4, kTcbOld}, "n\u0153ud-b", "n2", kServiceId1, 3},
    CaseSpec{"pinned-previous-identity",
             "unsealed as the recovering node of the previous service with the operator's "
             "pin expected_previous_service_id set to that service (TEST KEY 1)",
             0, kMt, kMachineA, kMachineA, kDefaultRequest, "node-a", "n1", kServiceId1, 4,
             Tamper::kNone, 1},
    // The sealed material, re-signed by the genuine key after the alteration.
    Negative("tampered-sealed-key-ciphertext",
             "negative: one byte of the sealed private key's ciphertext flipped (re-signed)",
             Tamper::kSealedKeyCiphertext),
    Negative("tampered-sealed-key-tag",
             "negative: one byte of the sealed private key's tag flipped (re-signed)",
             Tamper::kSealedKeyTag),
    Negative("tampered-sealed-key-aad-public-key",
             "negative: AAD_rk3 altered: public_key_der replaced by another P-256 public key "
             "(re-signed)",
             Tamper::kSealedKeyAadPublicKey),
    Negative("tampered-sealed-key-aad-identity",
             "negative: AAD_rk3 altered: the share and its recovery-key copy moved to sealing "
             "identity node-z / node id n26 (re-signed)",
             Tamper::kSealedKeyAadIdentity),
    Negative("tampered-encrypted-wrapping-key",
             "negative: one byte of the ECIES ciphertext of the wrapping key flipped (re-signed)",
             Tamper::kEncryptedWrappingKey),
    Negative("tampered-wrapped-secret-ciphertext",
             "negative: one byte of the wrapped ledger secret's ciphertext flipped (re-signed)",
             Tamper::kWrappedSecretCiphertext),
    Negative("tampered-wrapped-secret-tag",
             "negative: one byte of the wrapped ledger secret's tag flipped (re-signed)",
             Tamper::kWrappedSecretTag),
    Negative("wrong-key-other-chip",
             "negative: wrong key: unsealed on another chip (another machine secret)",
             Tamper::kWrongKey, kOtherChip),
    Negative("wrong-key-other-measurement",
             "negative: wrong key: unsealed on the same chip running another measurement",
             Tamper::kWrongKey, kMachineAOtherImage),
    // The service identity (docs/SERVICE_IDENTITY.md §8, "Vectors v2", regenerated for format 3).
    Negative("unsigned-format-1-record",
             "negative: the value as format 1 wrote it (the body alone, format_version 1): "
             "forgeable from public data, refused",
             Tamper::kFormat1Record),
    Negative("unsigned-empty-signature",
             "negative: the genuine envelope with its signature removed", Tamper::kEmptySignature),
    Negative("unsigned-forgery",
             "negative: the forgery of issue 11, unsigned: a record built from public data only "
             "(the node's recovery-key copy, a chosen secret) in an envelope with no signer and no "
             "signature",
             Tamper::kUnsignedForgery),
    Negative("other-service-signer-2",
             "negative: a record of service 2, signed by TEST KEY 2 as signer 2, while the node's "
             "sealed key is bound to service 1",
             Tamper::kSignedByOtherService),
    Negative("other-service-service-id",
             "negative: signed by the genuine signer 1, but the body names service 2",
             Tamper::kServiceIdNotSigner),
    Negative("other-service-forger",
             "negative: the forgery signed by the forger's own key (TEST KEY 3) as signer 3, the "
             "body naming service 1",
             Tamper::kSignedByForger),
    Negative("bad-signature-borrowed",
             "negative: signer 1 claimed, but the signature is TEST KEY 2's signature of the body",
             Tamper::kBorrowedSignature),
    Negative("bad-signature-body-bit-flip",
             "negative: one bit of the wrapped ledger secret flipped after signing (not re-signed)",
             Tamper::kBodyBitFlip),
    Negative("bad-signature-older-binding",
             "negative: the node's copy swapped for its key sealed for an older service (TEST KEY "
             "2), signer and service relabelled to 2 so that every claim matches the copy, TEST "
             "KEY 1's signature kept",
             Tamper::kOlderBindingCopy),
    Negative("tampered-clear-binding",
             "negative: the copy's clear service binding rewritten to service 2, the body naming "
             "service 2 and re-signed by TEST KEY 2: AAD_rk3 no longer matches",
             Tamper::kClearBindingAltered),
    Negative("wrong-service-pin",
             "negative: a genuine record of service 1 with the operator's pin naming service 2",
             Tamper::kNone, kMachineA, 2),
    Negative("unknown-format-version-4", "negative: the envelope's format_version is 4",
             Tamper::kFormat4),
};

}  // namespace

std::span<const CaseSpec> AllCaseSpecs() { return kCases; }

std::optional<SealingErrorCode> ExpectedError(const CaseSpec& spec) {
  switch (spec.tamper) {
    case Tamper::kNone:
      if (spec.pin_key > 1) return SealingErrorCode::kWrongService;
      return std::nullopt;
    case Tamper::kWrongKey: return SealingErrorCode::kPlatformMismatch;
    case Tamper::kSealedKeyCiphertext:
    case Tamper::kSealedKeyTag:
    case Tamper::kSealedKeyAadPublicKey:
    case Tamper::kSealedKeyAadIdentity:
    case Tamper::kEncryptedWrappingKey:
    case Tamper::kWrappedSecretCiphertext:
    case Tamper::kWrappedSecretTag:
    case Tamper::kClearBindingAltered: return SealingErrorCode::kTampered;
    case Tamper::kFormat1Record:
    case Tamper::kEmptySignature:
    case Tamper::kUnsignedForgery: return SealingErrorCode::kUnsigned;
    case Tamper::kSignedByOtherService:
    case Tamper::kServiceIdNotSigner:
    case Tamper::kSignedByForger: return SealingErrorCode::kOtherService;
    case Tamper::kBorrowedSignature:
    case Tamper::kBodyBitFlip:
    case Tamper::kOlderBindingCopy: return SealingErrorCode::kBadSignature;
    case Tamper::kFormat4: return SealingErrorCode::kUnknownFormatVersion;
  }
  return std::nullopt;
}

std::string_view FailingStep(const CaseSpec& spec) {
  switch (spec.tamper) {
    case Tamper::kNone: return spec.pin_key > 1 ? kStepPin : "";
    case Tamper::kWrongKey: return kStepKeyId;
    case Tamper::kSealedKeyCiphertext:
    case Tamper::kSealedKeyTag:
    case Tamper::kSealedKeyAadPublicKey:
    case Tamper::kSealedKeyAadIdentity:
    case Tamper::kClearBindingAltered: return kStepSealedRecoveryKey;
    case Tamper::kEncryptedWrappingKey: return kStepEncryptedWrappingKey;
    case Tamper::kWrappedSecretCiphertext:
    case Tamper::kWrappedSecretTag: return kStepWrappedLedgerSecret;
    case Tamper::kFormat1Record:
    case Tamper::kEmptySignature:
    case Tamper::kUnsignedForgery:
    case Tamper::kFormat4: return kStepRecord;
    case Tamper::kSignedByOtherService:
    case Tamper::kServiceIdNotSigner:
    case Tamper::kSignedByForger: return kStepService;
    case Tamper::kBorrowedSignature:
    case Tamper::kBodyBitFlip:
    case Tamper::kOlderBindingCopy: return kStepSignature;
  }
  return "";
}

}  // namespace ledgerseal::vectors
