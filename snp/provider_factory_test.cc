#include "snp/public/provider_factory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "snp/test_util.h"

namespace ledgerseal::snp {
namespace {

TEST(MakeProviderTest, VirtualGivesAWorkingInsecureProvider) {
  const VirtualPlatformOptions options{.machine_secret_path = testing::TestDir() / "secret"};
  auto provider = MakeProvider("virtual", options);
  ASSERT_TRUE(provider.has_value()) << provider.error().message;
  EXPECT_EQ((*provider)->platform_name(), "virtual");
  const auto* virtual_provider = dynamic_cast<const VirtualProvider*>(provider->get());
  ASSERT_NE(virtual_provider, nullptr);
  EXPECT_EQ(virtual_provider->banner(), kInsecureBanner);
  EXPECT_TRUE((*provider)->GetDerivedKey(DerivedKeyRequest{}).has_value());
  EXPECT_TRUE(std::filesystem::exists(options.machine_secret_path));
}

TEST(MakeProviderTest, VirtualPassesOnItsErrors) {
  const auto provider = MakeProvider("virtual", VirtualPlatformOptions{});
  ASSERT_FALSE(provider.has_value());
  EXPECT_EQ(provider.error().code, DerivedKeyErrorCode::kPlatformStateError);
}

TEST(MakeProviderTest, SevGuestOpensTheConfiguredDevice) {
  const auto dir = testing::TestDir();
  const auto absent = MakeProvider("sev-guest", {}, {.device_path = (dir / "absent").string()});
  ASSERT_FALSE(absent.has_value());
  EXPECT_EQ(absent.error().code, DerivedKeyErrorCode::kDeviceUnavailable);

  std::ofstream(dir / "stand-in") << "x";
  const auto present = MakeProvider("sev-guest", {}, {.device_path = (dir / "stand-in").string()});
  ASSERT_TRUE(present.has_value()) << present.error().message;
  EXPECT_EQ((*present)->platform_name(), "sev-guest");
}

TEST(MakeProviderTest, UnknownPlatformListsTheValidNames) {
  for (const char* name : {"tpm", "", "Virtual", "sev_guest"}) {
    SCOPED_TRACE(name);
    const auto provider = MakeProvider(name, {});
    ASSERT_FALSE(provider.has_value());
    EXPECT_EQ(provider.error().code, DerivedKeyErrorCode::kInvalidRequest);
    EXPECT_NE(provider.error().message.find("valid platforms: sev-guest, virtual"),
              std::string::npos)
        << provider.error().message;
  }
}

}  // namespace
}  // namespace ledgerseal::snp
