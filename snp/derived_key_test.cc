#include "snp/public/derived_key.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <new>
#include <set>
#include <string>

namespace ledgerseal::snp {
namespace {

std::array<uint8_t, DerivedKey::kSize> Pattern() {
  std::array<uint8_t, DerivedKey::kSize> bytes{};
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(0xA0 + i);
  return bytes;
}

bool AllZero(std::span<const uint8_t> bytes) {
  return std::ranges::all_of(bytes, [](uint8_t b) { return b == 0; });
}

TEST(ErrorCodeNameTest, EveryCodeHasItsOwnStableName) {
  EXPECT_EQ(ErrorCodeName(DerivedKeyErrorCode::kDeviceUnavailable), "device_unavailable");
  EXPECT_EQ(ErrorCodeName(DerivedKeyErrorCode::kIoctlFailed), "ioctl_failed");
  EXPECT_EQ(ErrorCodeName(DerivedKeyErrorCode::kFirmwareError), "firmware_error");
  EXPECT_EQ(ErrorCodeName(DerivedKeyErrorCode::kMalformedResponse), "malformed_response");
  EXPECT_EQ(ErrorCodeName(DerivedKeyErrorCode::kInvalidRequest), "invalid_request");
  EXPECT_EQ(ErrorCodeName(DerivedKeyErrorCode::kTcbAboveCommitted), "tcb_above_committed");
  EXPECT_EQ(ErrorCodeName(DerivedKeyErrorCode::kPlatformStateError), "platform_state_error");
  EXPECT_EQ(ErrorCodeName(static_cast<DerivedKeyErrorCode>(99)), "unknown");
}

TEST(ValidateRequestTest, AcceptsEveryDefinedBitAndVmpl) {
  DerivedKeyRequest request;
  EXPECT_TRUE(ValidateRequest(request).has_value());
  request.guest_field_select = kAllFieldSelectBits;
  request.vmpl = kMaxVmpl;
  request.root_key = RootKey::kVmrk;
  EXPECT_TRUE(ValidateRequest(request).has_value());
}

TEST(ValidateRequestTest, RejectsUnknownFieldSelectBits) {
  DerivedKeyRequest request;
  request.guest_field_select = 0x40 | kFieldMeasurement;
  const auto result = ValidateRequest(request);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, DerivedKeyErrorCode::kInvalidRequest);
  EXPECT_NE(result.error().message.find("0x40"), std::string::npos) << result.error().message;
}

TEST(ValidateRequestTest, RejectsVmplAboveThree) {
  DerivedKeyRequest request;
  request.vmpl = 4;
  const auto result = ValidateRequest(request);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, DerivedKeyErrorCode::kInvalidRequest);
  EXPECT_NE(result.error().message.find("vmpl 4"), std::string::npos) << result.error().message;
}

TEST(ValidateRequestTest, RejectsUnknownRootKey) {
  DerivedKeyRequest request;
  request.root_key = static_cast<RootKey>(2);
  const auto result = ValidateRequest(request);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, DerivedKeyErrorCode::kInvalidRequest);
}

TEST(RootKeySelectTest, EncodesRootKeySelInBitZeroAndKeySelInBitsTwoToOne) {
  DerivedKeyRequest request;
  EXPECT_EQ(EncodeRootKeySelect(request), 0u);
  request.root_key = RootKey::kVmrk;
  EXPECT_EQ(EncodeRootKeySelect(request), 1u);
  request.root_key = RootKey::kVcek;
  request.key_select = KeySelect::kVcek;
  EXPECT_EQ(EncodeRootKeySelect(request), 2u);
  request.key_select = KeySelect::kVlek;
  EXPECT_EQ(EncodeRootKeySelect(request), 4u);
}

TEST(RootKeySelectTest, DecodesEveryValidWordAndRefusesTheRest) {
  for (uint32_t word : {0u, 1u, 2u, 4u}) {
    DerivedKeyRequest request;
    ASSERT_TRUE(DecodeRootKeySelect(word, request).has_value()) << word;
    EXPECT_EQ(EncodeRootKeySelect(request), word);
    EXPECT_TRUE(ValidateRequest(request).has_value()) << word;
  }
  // 3, 5: KEY_SEL with the VMRK; 6, 7: KEY_SEL 3 (reserved); 8 and up: reserved bits.
  for (uint32_t word : {3u, 5u, 6u, 7u, 8u, 0x10u, 0x80000000u}) {
    DerivedKeyRequest request;
    request.guest_svn = 9;
    const auto decoded = DecodeRootKeySelect(word, request);
    ASSERT_FALSE(decoded.has_value()) << word;
    EXPECT_EQ(decoded.error().code, DerivedKeyErrorCode::kInvalidRequest);
    EXPECT_EQ(request.root_key, RootKey::kVcek) << "unchanged on error";
    EXPECT_EQ(request.key_select, KeySelect::kDefault) << "unchanged on error";
    EXPECT_EQ(request.guest_svn, 9u);
  }
}

TEST(RootKeySelectTest, DescribesTheRoot) {
  DerivedKeyRequest request;
  EXPECT_EQ(RootKeyDescription(request), "default (VLEK if installed, else VCEK)");
  request.key_select = KeySelect::kVlek;
  EXPECT_EQ(RootKeyDescription(request), "vlek");
  request.root_key = RootKey::kVmrk;
  request.key_select = KeySelect::kDefault;
  EXPECT_EQ(RootKeyDescription(request), "vmrk");
}

TEST(DerivedKeyTest, HoldsTheGivenBytes) {
  const auto pattern = Pattern();
  const DerivedKey key(pattern);
  EXPECT_TRUE(std::ranges::equal(key.bytes(), pattern));
  EXPECT_TRUE(AllZero(DerivedKey().bytes()));
}

TEST(DerivedKeyTest, MoveConstructionWipesTheSource) {
  const auto pattern = Pattern();
  DerivedKey source(pattern);
  const DerivedKey target(std::move(source));
  EXPECT_TRUE(std::ranges::equal(target.bytes(), pattern));
  EXPECT_TRUE(AllZero(source.bytes()));  // NOLINT(bugprone-use-after-move): documented state
}

TEST(DerivedKeyTest, MoveAssignmentWipesTheSourceAndSelfMoveKeepsTheKey) {
  const auto pattern = Pattern();
  DerivedKey source(pattern);
  DerivedKey target;
  target = std::move(source);
  EXPECT_TRUE(std::ranges::equal(target.bytes(), pattern));
  EXPECT_TRUE(AllZero(source.bytes()));  // NOLINT(bugprone-use-after-move): documented state

  DerivedKey& alias = target;
  target = std::move(alias);
  EXPECT_TRUE(std::ranges::equal(target.bytes(), pattern));
}

TEST(DerivedKeyTest, DestructorWipesTheStorage) {
  alignas(DerivedKey) unsigned char storage[sizeof(DerivedKey)];
  const auto pattern = Pattern();
  auto* key = new (storage) DerivedKey(pattern);
  ASSERT_TRUE(std::ranges::equal(std::span<const unsigned char>(storage, DerivedKey::kSize), pattern));
  key->~DerivedKey();
  EXPECT_TRUE(AllZero(std::span<const unsigned char>(storage, sizeof(storage))));
}

}  // namespace
}  // namespace ledgerseal::snp
