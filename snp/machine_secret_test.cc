#include "snp/machine_secret.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "snp/test_util.h"

namespace ledgerseal::snp {
namespace {

namespace fs = std::filesystem;
using Secret = std::array<uint8_t, kMachineSecretSize>;

std::vector<uint8_t> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteFile(const fs::path& path, size_t size, mode_t mode) {
  std::ofstream(path, std::ios::binary) << std::string(size, 'k');
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

mode_t ModeOf(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0);
  return info.st_mode & 07777;
}

bool AllZero(std::span<const uint8_t> bytes) {
  return std::ranges::all_of(bytes, [](uint8_t b) { return b == 0; });
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(MachineSecretTest, CreatesAPrivate32ByteRandomFileAndReusesIt) {
  const fs::path path = testing::TestDir() / "state" / "machine_secret";  // directory created too
  Secret first{};
  const auto created = LoadOrCreateMachineSecret(first, path);
  ASSERT_TRUE(created.has_value()) << created.error().message;
  EXPECT_FALSE(AllZero(first));
  EXPECT_EQ(ModeOf(path), 0600u);
  const std::vector<uint8_t> on_disk = ReadFile(path);
  EXPECT_TRUE(std::ranges::equal(on_disk, first));

  Secret second{};
  ASSERT_TRUE(LoadOrCreateMachineSecret(second, path).has_value());
  EXPECT_EQ(first, second);
  EXPECT_EQ(ReadFile(path), on_disk);  // not rewritten

  // Nothing left behind but the secret.
  EXPECT_EQ(std::distance(fs::directory_iterator(path.parent_path()), fs::directory_iterator()), 1);
}

TEST(MachineSecretTest, DifferentFilesHoldDifferentSecrets) {
  const fs::path dir = testing::TestDir();
  Secret a{}, b{};
  ASSERT_TRUE(LoadOrCreateMachineSecret(a, dir / "a").has_value());
  ASSERT_TRUE(LoadOrCreateMachineSecret(b, dir / "b").has_value());
  EXPECT_NE(a, b);
}

TEST(MachineSecretTest, ConcurrentCreatorsAllGetTheSameSecret) {
  const fs::path path = testing::TestDir() / "machine_secret";
  constexpr int kThreads = 8;
  std::vector<Secret> secrets(kThreads);
  std::vector<bool> ok(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { ok[i] = LoadOrCreateMachineSecret(secrets[i], path).has_value(); });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_TRUE(ok[i]);
    EXPECT_EQ(secrets[i], secrets[0]);
  }
  EXPECT_TRUE(std::ranges::equal(ReadFile(path), secrets[0]));
}

TEST(MachineSecretTest, WrongSizeIsAPlatformStateErrorNamingThePath) {
  const fs::path dir = testing::TestDir();
  for (size_t size : {0, 31, 33, 64}) {
    SCOPED_TRACE(size);
    const fs::path path = dir / ("secret_" + std::to_string(size));
    WriteFile(path, size, 0600);
    Secret out{};
    out.fill(0xee);
    const auto result = LoadOrCreateMachineSecret(out, path);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, DerivedKeyErrorCode::kPlatformStateError);
    EXPECT_TRUE(Contains(result.error().message, path.string())) << result.error().message;
    EXPECT_TRUE(Contains(result.error().message, "is " + std::to_string(size) + " bytes"))
        << result.error().message;
    EXPECT_TRUE(AllZero(out));
    EXPECT_EQ(ReadFile(path).size(), size);  // left alone, not "repaired"
  }
}

TEST(MachineSecretTest, GroupOrOtherPermissionsAreRefused) {
  const fs::path dir = testing::TestDir();
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    SCOPED_TRACE(mode);
    const fs::path path = dir / ("secret_" + std::to_string(mode));
    WriteFile(path, kMachineSecretSize, mode);
    Secret out{};
    const auto result = LoadOrCreateMachineSecret(out, path);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, DerivedKeyErrorCode::kPlatformStateError);
    EXPECT_TRUE(Contains(result.error().message, path.string())) << result.error().message;
    char octal[8];
    std::snprintf(octal, sizeof(octal), "%04o", static_cast<unsigned>(mode));
    EXPECT_TRUE(Contains(result.error().message, std::string("mode ") + octal))
        << result.error().message;
    EXPECT_TRUE(AllZero(out));
  }
}

TEST(MachineSecretTest, OwnerOnlyModesAreAccepted) {
  const fs::path path = testing::TestDir() / "read_only_secret";
  WriteFile(path, kMachineSecretSize, 0400);
  Secret out{};
  const auto result = LoadOrCreateMachineSecret(out, path);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(out[0], 'k');
}

TEST(MachineSecretTest, SymlinksDirectoriesAndEmptyPathsAreRefused) {
  const fs::path dir = testing::TestDir();
  WriteFile(dir / "real", kMachineSecretSize, 0600);
  fs::create_symlink(dir / "real", dir / "link");
  fs::create_directory(dir / "a_directory");
  for (const fs::path& path : {dir / "link", dir / "a_directory", fs::path()}) {
    SCOPED_TRACE(path.string());
    Secret out{};
    const auto result = LoadOrCreateMachineSecret(out, path);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, DerivedKeyErrorCode::kPlatformStateError);
  }
}

}  // namespace
}  // namespace ledgerseal::snp

namespace ledgerseal::snp {
namespace {

TEST(MachineSecretTest, WithoutCreateAMissingSecretIsAnErrorAndNothingIsCreated) {
  const auto dir = testing::TestDir();
  const auto path = dir / "not-yet" / "machine.secret";
  std::array<uint8_t, kMachineSecretSize> out{};
  out.fill(0xee);
  auto loaded = LoadOrCreateMachineSecret(out, path, /*create_if_missing=*/false);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, DerivedKeyErrorCode::kPlatformStateError);
  EXPECT_NE(loaded.error().message.find("does not exist"), std::string::npos) << loaded.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir / "not-yet")) << "a directory was created";
  EXPECT_EQ(out, (std::array<uint8_t, kMachineSecretSize>{})) << "out is zeroed on error";
  // With creation allowed the same call makes it.
  ASSERT_TRUE(LoadOrCreateMachineSecret(out, path, /*create_if_missing=*/true));
  EXPECT_TRUE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace ledgerseal::snp
