#include "plugin/vectors/format_layout.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace ledgerseal::vectors {
namespace {

// Literal copies of the FORMAT.md labels (not plugin/public/sealing_format.h),
// so that a changed constant in the plugin is caught here.
constexpr std::string_view kRecoveryKeyLabel = "ledgerseal sealed recovery key v1";
constexpr std::string_view kRecoveryKeyLabelV2 = "ledgerseal sealed recovery key v2";
constexpr std::string_view kRecoveryKeyLabelV3 = "ledgerseal sealed recovery key v3";
constexpr std::string_view kWrappedSecretLabel = "ledgerseal wrapped ledger secret v1";
constexpr std::string_view kWrappingKeyLabel = "ledgerseal wrapping key v1";

void AppendBigEndian(std::vector<uint8_t>& out, uint64_t value, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out.push_back(static_cast<uint8_t>(value >> shift));
  }
}

// "u32be(length of item) || item bytes".
void Item(std::vector<uint8_t>& out, std::span<const uint8_t> bytes) {
  AppendBigEndian(out, bytes.size(), 4);
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void Item(std::vector<uint8_t>& out, std::string_view text) {
  Item(out, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

void ItemU32(std::vector<uint8_t>& out, uint32_t value) {
  AppendBigEndian(out, 4, 4);
  AppendBigEndian(out, value, 4);
}

void ItemU64(std::vector<uint8_t>& out, uint64_t value) {
  AppendBigEndian(out, 8, 4);
  AppendBigEndian(out, value, 8);
}

}  // namespace

std::vector<uint8_t> EncodeP(const DerivationFields& params) {
  std::vector<uint8_t> out;
  ItemU32(out, params.derivation_version);
  Item(out, params.platform);
  ItemU32(out, params.root_key_select);
  ItemU64(out, params.guest_field_select);
  ItemU32(out, params.vmpl);
  ItemU32(out, params.guest_svn);
  ItemU64(out, params.tcb_version);
  return out;
}

std::vector<uint8_t> EncodeRecoveryKeyAad(std::span<const uint8_t> public_key_der,
                                          std::string_view sealing_identity,
                                          std::string_view node_id, const DerivationFields& params,
                                          std::span<const uint8_t> key_id) {
  std::vector<uint8_t> out;
  Item(out, kRecoveryKeyLabel);
  Item(out, public_key_der);
  Item(out, sealing_identity);
  Item(out, node_id);
  Item(out, EncodeP(params));
  Item(out, key_id);
  return out;
}

namespace {

// AAD_rk2 / AAD_rk3: the same items after a label naming the format.
std::vector<uint8_t> EncodeBoundRecoveryKeyAad(std::string_view label, std::span<const uint8_t> public_key_der,
                                               std::string_view sealing_identity, std::string_view node_id,
                                               const DerivationFields& params, std::span<const uint8_t> key_id,
                                               uint32_t service_identity_algorithm,
                                               std::span<const uint8_t> service_identity_spki) {
  std::vector<uint8_t> out;
  Item(out, label);
  Item(out, public_key_der);
  Item(out, sealing_identity);
  Item(out, node_id);
  Item(out, EncodeP(params));
  Item(out, key_id);
  ItemU32(out, service_identity_algorithm);
  Item(out, service_identity_spki);
  return out;
}

}  // namespace

std::vector<uint8_t> EncodeRecoveryKeyAadV2(std::span<const uint8_t> public_key_der,
                                            std::string_view sealing_identity,
                                            std::string_view node_id, const DerivationFields& params,
                                            std::span<const uint8_t> key_id,
                                            uint32_t service_identity_algorithm,
                                            std::span<const uint8_t> service_identity_spki) {
  return EncodeBoundRecoveryKeyAad(kRecoveryKeyLabelV2, public_key_der, sealing_identity, node_id, params, key_id,
                                   service_identity_algorithm, service_identity_spki);
}

std::vector<uint8_t> EncodeRecoveryKeyAadV3(std::span<const uint8_t> public_key_der,
                                            std::string_view sealing_identity,
                                            std::string_view node_id, const DerivationFields& params,
                                            std::span<const uint8_t> key_id,
                                            uint32_t service_identity_algorithm,
                                            std::span<const uint8_t> service_identity_spki) {
  return EncodeBoundRecoveryKeyAad(kRecoveryKeyLabelV3, public_key_der, sealing_identity, node_id, params, key_id,
                                   service_identity_algorithm, service_identity_spki);
}

std::vector<uint8_t> Sha256Of(std::span<const uint8_t> bytes) {
  std::vector<uint8_t> digest(32);
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1 ||
      size != digest.size()) {
    std::fputs("format_layout: EVP_Digest failed\n", stderr);
    std::abort();
  }
  return digest;
}

std::string ServiceIdOfSpki(std::span<const uint8_t> spki) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const auto digest = Sha256Of(spki);
  std::string id;
  for (size_t i = 0; i < 16; ++i) {
    id.push_back(kDigits[digest[i] >> 4]);
    id.push_back(kDigits[digest[i] & 0xf]);
  }
  return id;
}

std::vector<uint8_t> EncodeSignedMessage(std::string_view domain, std::span<const uint8_t> signer_spki,
                                         std::span<const uint8_t> body) {
  std::vector<uint8_t> out;
  Item(out, domain);
  Item(out, Sha256Of(signer_spki));
  Item(out, body);
  return out;
}

std::vector<uint8_t> EncodeEndorsementBody(uint32_t algorithm, std::span<const uint8_t> spki,
                                           uint64_t recovery_count, uint64_t created_at_version,
                                           uint64_t recovered_to_version,
                                           std::span<const uint8_t> tail_digest) {
  std::vector<uint8_t> out;
  ItemU32(out, algorithm);
  Item(out, spki);
  ItemU64(out, recovery_count);
  ItemU64(out, created_at_version);
  ItemU64(out, recovered_to_version);
  Item(out, tail_digest);
  return out;
}

std::vector<uint8_t> EncodeWrappedLedgerSecretAad(std::string_view service_id,
                                                  uint64_t ledger_secret_version) {
  std::vector<uint8_t> out;
  Item(out, kWrappedSecretLabel);
  Item(out, service_id);
  ItemU64(out, ledger_secret_version);
  return out;
}

std::vector<uint8_t> EncodeWrappingKeyLabel(std::string_view sealing_identity,
                                            std::string_view node_id, std::string_view service_id,
                                            uint64_t ledger_secret_version) {
  std::vector<uint8_t> out;
  Item(out, kWrappingKeyLabel);
  Item(out, sealing_identity);
  Item(out, node_id);
  Item(out, service_id);
  ItemU64(out, ledger_secret_version);
  return out;
}

}  // namespace ledgerseal::vectors
