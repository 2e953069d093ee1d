// Pins the exact AAD and L_wk (ECIES info) bytes that docs/FORMAT.md and
// docs/SERVICE_IDENTITY.md §8 specify. The expected strings were written
// from the specification, not from the code: if either changes, this test
// fails.
#include "plugin/sealing/context_binding.h"

#include <gtest/gtest.h>

#include <array>

#include "base/testing/hex.h"
#include "kvstore_adapter/public/service_identity.h"
#include "kvstore_adapter/public/types.h"

namespace ledgerseal::sealing::internal {
namespace {

using testing::ToHex;

v1::DerivationParams ExampleParams() {
  v1::DerivationParams params;
  params.set_derivation_version(1);
  params.set_platform("virtual");
  params.set_root_key_select(0);
  params.set_guest_field_select(0x28);
  params.set_vmpl(0);
  params.set_guest_svn(0);
  params.set_tcb_version(0x1234);
  return params;
}

// clang-format off
constexpr char kExampleParamsHex[] =
    "00000004" "00000001"                  // derivation_version
    "00000007" "7669727475616c"            // "virtual"
    "00000004" "00000000"                  // root_key_select
    "00000008" "0000000000000028"          // guest_field_select
    "00000004" "00000000"                  // vmpl
    "00000004" "00000000"                  // guest_svn
    "00000008" "0000000000001234";         // tcb_version
// clang-format on

TEST(ContextBindingTest, DerivationParamsEncoding) {
  EXPECT_EQ(ToHex(EncodeDerivationParams(ExampleParams())), kExampleParamsHex);
}

// The service identity of docs/SERVICE_IDENTITY.md §8: P-256 private key 1
// (TEST KEY ONLY), its SubjectPublicKeyInfo, and the SHA-256 of that.
constexpr char kSpki1Hex[] =
    "3059301306072a8648ce3d020106082a8648ce3d030107034200"
    "04" "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
         "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
constexpr char kSpki1Sha256Hex[] = "5cd252fb0ce8932436faf8ccd1040981b89ee4ad6b9fe9e2a2b7e71aacb27cd3";

// clang-format off
// AAD_rk3 (FORMAT.md §4.2): AAD_rk of FORMAT.md §4.5 with the label's last
// byte 0x33 ("v3"), then the algorithm and the whole SPKI.
TEST(ContextBindingTest, RecoveryKeyAadV3) {
  std::array<uint8_t, 16> key_id{};
  for (size_t i = 0; i < key_id.size(); ++i) key_id[i] = static_cast<uint8_t>(i);
  const std::array<uint8_t, 2> der = {0x30, 0x82};
  const auto spki = testing::FromHex(kSpki1Hex);
  ASSERT_EQ(spki.size(), 91u);
  const std::string expected = std::string("00000021") +
                               "6c65646765727365616c207365616c6564207265636f76657279206b6579207633" +
                               "00000002" "3082" +
                               "00000006" + ToHex(kv::AsBytes("node-a")) +
                               "00000002" + ToHex(kv::AsBytes("n1")) +
                               "00000043" + kExampleParamsHex +
                               "00000010" "000102030405060708090a0b0c0d0e0f" +
                               "00000004" "00000002" +
                               "0000005b" + kSpki1Hex;
  EXPECT_EQ(ToHex(RecoveryKeyAad(der, "node-a", "n1", ExampleParams(), key_id, 2, spki)), expected);
  EXPECT_EQ(ToHex(kv::AsBytes("ledgerseal sealed recovery key v2")),
            "6c65646765727365616c207365616c6564207265636f76657279206b6579207632");
}

// The identity's id and the message its signature of a shares record covers
// (M_ss of SERVICE_IDENTITY.md §8, with the body stand-in 0802): the plugin
// signs and verifies exactly these bytes through the interface.
TEST(ContextBindingTest, ServiceIdAndSignedSharesMessage) {
  const auto spki = testing::FromHex(kSpki1Hex);
  EXPECT_EQ(kv::ServiceIdOf(spki), "5cd252fb0ce8932436faf8ccd1040981");
  EXPECT_EQ(ToHex(kv::AsBytes(kv::kSealedSharesDomain)),
            "6c65646765727365616c207365616c656420736861726573207632");
  const std::array<uint8_t, 2> body = {0x08, 0x02};
  const auto message = kv::ServiceSignedMessage(kv::kSealedSharesDomain, spki, body);
  EXPECT_EQ(message.size(), 73u);
  EXPECT_EQ(ToHex(message), std::string("0000001b") +
                                "6c65646765727365616c207365616c656420736861726573207632" +
                                "00000020" + kSpki1Sha256Hex + "00000002" "0802");
}

TEST(ContextBindingTest, WrappedLedgerSecretAad) {
  EXPECT_EQ(ToHex(WrappedLedgerSecretAad("svc-1", 7)),
            "00000023" + ToHex(kv::AsBytes("ledgerseal wrapped ledger secret v1")) +
                "00000005" + ToHex(kv::AsBytes("svc-1")) + "00000008" "0000000000000007");
}

TEST(ContextBindingTest, WrappingKeyOaepLabel) {
  EXPECT_EQ(ToHex(WrappingKeyOaepLabel("node-a", "n1", "svc-1", 0x0102030405060708)),
            "0000001a" + ToHex(kv::AsBytes("ledgerseal wrapping key v1")) + "00000006" +
                ToHex(kv::AsBytes("node-a")) + "00000002" + ToHex(kv::AsBytes("n1")) +
                "00000005" + ToHex(kv::AsBytes("svc-1")) + "00000008" "0102030405060708");
}

// clang-format on

TEST(ContextBindingTest, EveryContextFieldChangesTheBytes) {
  const auto base = WrappingKeyOaepLabel("a", "n", "s", 1);
  EXPECT_NE(WrappingKeyOaepLabel("b", "n", "s", 1), base);
  EXPECT_NE(WrappingKeyOaepLabel("a", "m", "s", 1), base);
  EXPECT_NE(WrappingKeyOaepLabel("a", "n", "t", 1), base);
  EXPECT_NE(WrappingKeyOaepLabel("a", "n", "s", 2), base);
  // Identity and node id cannot trade bytes.
  EXPECT_NE(WrappingKeyOaepLabel("an", "", "s", 1), WrappingKeyOaepLabel("a", "n", "s", 1));
  EXPECT_NE(WrappedLedgerSecretAad("s", 1), WrappedLedgerSecretAad("s", 2));
  EXPECT_NE(WrappedLedgerSecretAad("s", 1), WrappedLedgerSecretAad("t", 1));
  // The service binding: algorithm and key, and no trading of bytes between
  // the key id and the SPKI.
  const v1::DerivationParams p = ExampleParams();
  const std::array<uint8_t, 2> der = {0x30, 0x82};
  const std::array<uint8_t, 3> spki = {1, 2, 3};
  const std::array<uint8_t, 2> key_id = {9, 9};
  const auto aad = RecoveryKeyAad(der, "a", "n", p, key_id, 2, spki);
  EXPECT_NE(RecoveryKeyAad(der, "a", "n", p, key_id, 3, spki), aad);
  EXPECT_NE(RecoveryKeyAad(der, "a", "n", p, key_id, 2, std::span(spki).first(2)), aad);
  const std::array<uint8_t, 3> longer_id = {9, 9, 1};
  EXPECT_NE(RecoveryKeyAad(der, "a", "n", p, longer_id, 2, std::span(spki).subspan(1)), aad);
}

}  // namespace
}  // namespace ledgerseal::sealing::internal
