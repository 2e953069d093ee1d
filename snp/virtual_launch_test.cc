#include "snp/public/virtual_launch.h"

#include <gtest/gtest.h>

#include <string>

namespace ledgerseal::snp {
namespace {

VirtualLaunch Distinctive() {
  VirtualLaunch launch;
  for (size_t i = 0; i < launch.measurement.size(); ++i) launch.measurement[i] = static_cast<uint8_t>(i);
  launch.guest_policy = 0x3001f;
  launch.family_id.fill(0xfa);
  launch.image_id.fill(0x1e);
  launch.guest_svn = 7;
  launch.committed_tcb = 0xdb18000000000004;
  launch.vmpl = 1;
  launch.vlek_installed = true;
  std::array<uint8_t, 64> chip_id{};
  chip_id.fill(0xc1);
  chip_id[63] = 0x01;
  launch.chip_id = chip_id;
  return launch;
}

TEST(VirtualLaunchJsonTest, RoundTripsEveryField) {
  const VirtualLaunch launch = Distinctive();
  const auto parsed = ParseVirtualLaunchJson(VirtualLaunchToJson(launch));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(*parsed, launch);
}

TEST(VirtualLaunchJsonTest, VlekInstalledIsABooleanOmittedWhenFalse) {
  EXPECT_EQ(VirtualLaunchToJson(VirtualLaunch{}).find("vlek_installed"), std::string::npos);
  const auto parsed = ParseVirtualLaunchJson(R"({"vlek_installed": true})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_TRUE(parsed->vlek_installed);
  const auto bad = ParseVirtualLaunchJson(R"({"vlek_installed": 1})");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("vlek_installed"), std::string::npos) << bad.error().message;
}

TEST(VirtualLaunchJsonTest, RoundTripsAnAbsentChipId) {
  VirtualLaunch launch = Distinctive();
  launch.chip_id.reset();
  const std::string json = VirtualLaunchToJson(launch);
  EXPECT_EQ(json.find("chip_id"), std::string::npos);
  const auto parsed = ParseVirtualLaunchJson(json);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(*parsed, launch);
}

TEST(VirtualLaunchJsonTest, ReadsTheDocumentedFormat) {
  const auto parsed = ParseVirtualLaunchJson(R"({
    "measurement": ")" + std::string(94, '0') + R"(AB",
    "guest_policy": 196639,
    "family_id": "000102030405060708090a0b0c0d0e0f",
    "image_id": "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
    "guest_svn": 4294967295,
    "committed_tcb": "0xdb18000000000004",
    "vmpl": 3
  })");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->measurement[47], 0xab);
  EXPECT_EQ(parsed->measurement[0], 0x00);
  EXPECT_EQ(parsed->guest_policy, 0x3001fu);
  EXPECT_EQ(parsed->family_id[15], 0x0f);
  EXPECT_EQ(parsed->image_id[0], 0xff);
  EXPECT_EQ(parsed->guest_svn, 0xffffffffu);
  EXPECT_EQ(parsed->committed_tcb, 0xdb18000000000004u);
  EXPECT_EQ(parsed->vmpl, 3u);
  EXPECT_FALSE(parsed->chip_id.has_value());
}

TEST(VirtualLaunchJsonTest, MissingKeysKeepTheDefaults) {
  const auto parsed = ParseVirtualLaunchJson(R"({"guest_svn": 3})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  VirtualLaunch expected;
  expected.guest_svn = 3;
  EXPECT_EQ(*parsed, expected);
}

TEST(VirtualLaunchJsonTest, RejectsBadDocumentsWithAMessageNamingTheField) {
  struct Case {
    std::string json;
    std::string expected_text;
  };
  const Case cases[] = {
      {"{", "not valid JSON"},
      {"[1, 2]", "must be a JSON object"},
      {R"({"measurment": "00"})", "\"measurment\" is not a known field"},
      {R"({"measurement": "00"})", "\"measurement\" must be 96 hex digits"},
      {R"({"family_id": ")" + std::string(31, '0') + "g\"}", "\"family_id\" contains a non-hex"},
      {R"({"image_id": 5})", "\"image_id\" must be a hex string"},
      {R"({"guest_svn": -1})", "\"guest_svn\" must be a non-negative integer"},
      {R"({"guest_svn": 4294967296})", "\"guest_svn\" is out of range"},
      {R"({"guest_svn": "0x1"})", "\"guest_svn\" must be a non-negative integer"},
      {R"({"guest_svn": 1.5})", "\"guest_svn\" must be a non-negative integer"},
      {R"({"committed_tcb": "0x10000000000000000"})", "\"committed_tcb\" must be a \"0x\" hex"},
      {R"({"committed_tcb": "12"})", "\"committed_tcb\" must be a \"0x\" hex"},
      {R"({"guest_policy": "0x3zz"})", "\"guest_policy\" is not a valid hex number"},
      {R"({"vmpl": 4})", "\"vmpl\" is out of range"},
      {R"({"chip_id": "00"})", "\"chip_id\" must be 128 hex digits"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json);
    const auto parsed = ParseVirtualLaunchJson(c.json);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().code, DerivedKeyErrorCode::kPlatformStateError);
    EXPECT_NE(parsed.error().message.find(c.expected_text), std::string::npos)
        << parsed.error().message;
  }
}

}  // namespace
}  // namespace ledgerseal::snp
