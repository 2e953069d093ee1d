// Pins the exact AAD and OAEP-label bytes that docs/FORMAT.md specifies. The
// expected strings were written from the specification, not from the code:
// if either changes, this test fails.
#include "plugin/sealing/context_binding.h"

#include <gtest/gtest.h>

#include <array>

#include "kvstore_adapter/public/types.h"
#include "base/testing/hex.h"

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

// clang-format off
TEST(ContextBindingTest, RecoveryKeyAad) {
  std::array<uint8_t, 16> key_id{};
  for (size_t i = 0; i < key_id.size(); ++i) key_id[i] = static_cast<uint8_t>(i);
  const std::array<uint8_t, 2> der = {0x30, 0x82};
  const std::string expected = std::string("00000021") +
                               ToHex(kv::AsBytes("ledgerseal sealed recovery key v1")) +
                               "00000002" "3082" +
                               "00000006" + ToHex(kv::AsBytes("node-a")) +
                               "00000002" + ToHex(kv::AsBytes("n1")) +
                               "00000043" + kExampleParamsHex +
                               "00000010" "000102030405060708090a0b0c0d0e0f";
  EXPECT_EQ(ToHex(RecoveryKeyAad(der, "node-a", "n1", ExampleParams(), key_id)), expected);
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
}

}  // namespace
}  // namespace ledgerseal::sealing::internal
