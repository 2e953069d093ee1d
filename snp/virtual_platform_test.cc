#include "snp/public/virtual_platform.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "snp/test_util.h"

namespace ledgerseal::snp {
namespace {

namespace fs = std::filesystem;
using Secret = std::array<uint8_t, VirtualProvider::kMachineSecretSize>;
using KeyBytes = std::vector<uint8_t>;

Secret SecretA() {
  Secret secret{};
  for (size_t i = 0; i < secret.size(); ++i) secret[i] = static_cast<uint8_t>(i + 1);
  return secret;
}

Secret SecretB() {
  Secret secret = SecretA();
  secret[31] ^= 0x80;
  return secret;
}

VirtualLaunch BaseLaunch() {
  VirtualLaunch launch;
  launch.measurement.fill(0x11);
  launch.guest_policy = 0x30000;
  launch.family_id.fill(0x22);
  launch.image_id.fill(0x33);
  launch.guest_svn = 5;
  launch.committed_tcb = 0x0a;
  launch.vmpl = 0;
  return launch;
}

DerivedKeyRequest BaseRequest(uint64_t field_select) {
  DerivedKeyRequest request;
  request.guest_field_select = field_select;
  request.guest_svn = 5;
  request.tcb_version = 0x0a;
  return request;
}

std::unique_ptr<VirtualProvider> Provider(const Secret& secret, const VirtualLaunch& launch) {
  auto provider = VirtualProvider::FromSecret(secret, launch);
  EXPECT_TRUE(provider.has_value()) << provider.error().message;
  return provider ? std::move(*provider) : nullptr;
}

KeyBytes KeyOf(const DerivedKeyProvider& provider, const DerivedKeyRequest& request) {
  const auto key = provider.GetDerivedKey(request);
  EXPECT_TRUE(key.has_value()) << key.error().message;
  return key ? KeyBytes(key->bytes().begin(), key->bytes().end()) : KeyBytes();
}

KeyBytes KeyOf(const VirtualLaunch& launch, const DerivedKeyRequest& request,
               const Secret& secret = SecretA()) {
  return KeyOf(*Provider(secret, launch), request);
}

// One field-select bit and how to change the field it selects. The first four
// select launch fields; GUEST_SVN and TCB_VERSION select the *request's*
// values, as in the firmware (a guest may ask for a key at an older SVN/TCB).
struct BitCase {
  const char* name;
  uint64_t bit;
  std::function<void(VirtualLaunch&, DerivedKeyRequest&)> change;
};

std::vector<BitCase> BitCases() {
  return {
      {"guest_policy", kFieldGuestPolicy, [](VirtualLaunch& l, DerivedKeyRequest&) { l.guest_policy ^= 1; }},
      {"image_id", kFieldImageId, [](VirtualLaunch& l, DerivedKeyRequest&) { l.image_id[15] ^= 1; }},
      {"family_id", kFieldFamilyId, [](VirtualLaunch& l, DerivedKeyRequest&) { l.family_id[0] ^= 1; }},
      {"measurement", kFieldMeasurement, [](VirtualLaunch& l, DerivedKeyRequest&) { l.measurement[47] ^= 1; }},
      {"guest_svn", kFieldGuestSvn, [](VirtualLaunch&, DerivedKeyRequest& r) { r.guest_svn = 4; }},
      {"tcb_version", kFieldTcbVersion, [](VirtualLaunch&, DerivedKeyRequest& r) { r.tcb_version = 9; }},
  };
}

TEST(VirtualProviderTest, EachBitBindsItsFieldWhenSelectedAndOnlyThen) {
  const auto cases = BitCases();
  ASSERT_EQ(cases.size(), 6u);
  for (const BitCase& c : cases) {
    SCOPED_TRACE(c.name);
    for (uint64_t select : {c.bit, kAllFieldSelectBits, kAllFieldSelectBits & ~c.bit, uint64_t{0}}) {
      SCOPED_TRACE(select);
      VirtualLaunch launch = BaseLaunch();
      DerivedKeyRequest request = BaseRequest(select);
      const KeyBytes before = KeyOf(launch, request);
      c.change(launch, request);
      const KeyBytes after = KeyOf(launch, request);
      ASSERT_EQ(before.size(), DerivedKey::kSize);
      if (select & c.bit) {
        EXPECT_NE(before, after);
      } else {
        EXPECT_EQ(before, after);
      }
    }
  }
}

TEST(VirtualProviderTest, ChangingAnyFieldSelectBitChangesTheKey) {
  // Selecting a field is itself part of the key, even when its value is zero.
  std::vector<KeyBytes> keys;
  VirtualLaunch launch = BaseLaunch();
  launch.guest_policy = 0;
  launch.measurement.fill(0);
  for (uint64_t select = 0; select <= kAllFieldSelectBits; ++select) {
    DerivedKeyRequest request = BaseRequest(select);
    request.guest_svn = 0;
    request.tcb_version = 0;
    keys.push_back(KeyOf(launch, request));
  }
  std::ranges::sort(keys);
  EXPECT_EQ(std::ranges::unique(keys).begin(), keys.end());
}

TEST(VirtualProviderTest, RaisingLaunchSvnOrCommittedTcbKeepsKeysForOlderRequests) {
  // What makes "family+image+svn+tcb" survive upgrades: the key binds the
  // requested SVN/TCB, so a newer guest or firmware can still derive it.
  const DerivedKeyRequest request = BaseRequest(kFieldFamilyId | kFieldImageId | kFieldGuestSvn | kFieldTcbVersion);
  VirtualLaunch upgraded = BaseLaunch();
  upgraded.guest_svn = 9;
  upgraded.committed_tcb = 0x0b;
  upgraded.measurement.fill(0x99);  // new code, same ID block
  EXPECT_EQ(KeyOf(BaseLaunch(), request), KeyOf(upgraded, request));
}

TEST(VirtualProviderTest, ChipIdVmplAndRootKeyAlwaysBindTheKey) {
  for (uint64_t select : {uint64_t{0}, kAllFieldSelectBits}) {
    SCOPED_TRACE(select);
    const DerivedKeyRequest request = BaseRequest(select);
    const KeyBytes base = KeyOf(BaseLaunch(), request);

    VirtualLaunch other_chip = BaseLaunch();
    other_chip.chip_id = std::array<uint8_t, 64>{};
    EXPECT_NE(KeyOf(other_chip, request), base);

    DerivedKeyRequest vmpl1 = request;
    vmpl1.vmpl = 1;
    EXPECT_NE(KeyOf(BaseLaunch(), vmpl1), base);

    DerivedKeyRequest vmrk = request;
    vmrk.root_key = RootKey::kVmrk;
    EXPECT_NE(KeyOf(BaseLaunch(), vmrk), base);
  }
}

TEST(VirtualProviderTest, DifferentMachineSecretsGiveDifferentKeysAndChips) {
  const DerivedKeyRequest request = BaseRequest(kFieldMeasurement | kFieldTcbVersion);
  EXPECT_NE(KeyOf(BaseLaunch(), request, SecretA()), KeyOf(BaseLaunch(), request, SecretB()));
  EXPECT_NE(Provider(SecretA(), BaseLaunch())->launch().chip_id,
            Provider(SecretB(), BaseLaunch())->launch().chip_id);

  // Even with the same explicit chip id, the secret still decides the key.
  VirtualLaunch fixed_chip = BaseLaunch();
  fixed_chip.chip_id = std::array<uint8_t, 64>{};
  EXPECT_NE(KeyOf(fixed_chip, request, SecretA()), KeyOf(fixed_chip, request, SecretB()));
}

TEST(VirtualProviderTest, SameStateGivesTheSameKey) {
  const DerivedKeyRequest request = BaseRequest(kFieldMeasurement | kFieldTcbVersion);
  const auto provider = Provider(SecretA(), BaseLaunch());
  const KeyBytes first = KeyOf(*provider, request);
  EXPECT_EQ(KeyOf(*provider, request), first);
  EXPECT_EQ(KeyOf(BaseLaunch(), request), first);  // a fresh provider, same state

  // An explicit chip id equal to the derived default is the same chip.
  VirtualLaunch explicit_chip = BaseLaunch();
  explicit_chip.chip_id = provider->launch().chip_id;
  EXPECT_EQ(KeyOf(explicit_chip, request), first);
}

// The documented derivation (docs/SNP.md), built here byte by byte and
// computed with OpenSSL's one-shot EVP_Q_mac, independently of the provider.
void Put(std::vector<uint8_t>& out, std::initializer_list<uint8_t> bytes) {
  out.insert(out.end(), bytes);
}
void PutBytes(std::vector<uint8_t>& out, std::span<const uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

std::vector<uint8_t> QuickHmac(const char* digest, std::span<const uint8_t> key,
                               std::span<const uint8_t> data) {
  std::vector<uint8_t> out(64);
  size_t out_size = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.data(), key.size(), data.data(),
                data.size(), out.data(), out.size(), &out_size) == nullptr) {
    ADD_FAILURE() << "EVP_Q_mac failed";
  }
  out.resize(out_size);
  return out;
}

TEST(VirtualProviderTest, MatchesTheDocumentedDerivation) {
  const Secret secret = SecretA();
  const std::string chip_label = "ledgerseal virtual SNP chip id v1";
  const std::vector<uint8_t> chip_id = QuickHmac(
      "SHA512", secret, {reinterpret_cast<const uint8_t*>(chip_label.data()), chip_label.size()});
  ASSERT_EQ(chip_id.size(), 64u);

  DerivedKeyRequest request = BaseRequest(kFieldImageId | kFieldMeasurement | kFieldTcbVersion);
  request.vmpl = 1;
  request.root_key = RootKey::kVcek;
  const VirtualLaunch launch = BaseLaunch();

  std::vector<uint8_t> input;
  const std::string label = "ledgerseal virtual SNP derived key v1";
  Put(input, {37, 0, 0, 0});
  PutBytes(input, {reinterpret_cast<const uint8_t*>(label.data()), label.size()});
  Put(input, {4, 0, 0, 0, /*root key*/ 0, 0, 0, 0});
  Put(input, {4, 0, 0, 0, /*vmpl*/ 1, 0, 0, 0});
  Put(input, {8, 0, 0, 0, /*field select*/ 0x2a, 0, 0, 0, 0, 0, 0, 0});
  Put(input, {64, 0, 0, 0});
  PutBytes(input, chip_id);
  Put(input, {16, 0, 0, 0});  // bit 1: image id
  PutBytes(input, launch.image_id);
  Put(input, {48, 0, 0, 0});  // bit 3: measurement
  PutBytes(input, launch.measurement);
  Put(input, {8, 0, 0, 0, /*tcb*/ 0x0a, 0, 0, 0, 0, 0, 0, 0});  // bit 5: request tcb_version
  ASSERT_EQ(label.size(), 37u);

  const auto provider = Provider(secret, launch);
  ASSERT_TRUE(provider->launch().chip_id.has_value());
  EXPECT_TRUE(std::ranges::equal(*provider->launch().chip_id, chip_id));
  EXPECT_EQ(KeyOf(*provider, request), QuickHmac("SHA256", secret, input));
}

struct Refusal {
  const char* name;
  std::function<void(DerivedKeyRequest&)> change;
  DerivedKeyErrorCode expected;
  const char* expected_text;
};

TEST(VirtualProviderTest, RefusesWhatTheFirmwareRefuses) {
  const Refusal refusals[] = {
      {"tcb above committed", [](DerivedKeyRequest& r) { r.tcb_version = 0x0b; },
       DerivedKeyErrorCode::kTcbAboveCommitted, "above the committed TCB 0xa"},
      {"svn above launch", [](DerivedKeyRequest& r) { r.guest_svn = 6; },
       DerivedKeyErrorCode::kInvalidRequest, "above the launch guest SVN 5"},
      {"vmpl 4", [](DerivedKeyRequest& r) { r.vmpl = 4; }, DerivedKeyErrorCode::kInvalidRequest,
       "vmpl 4"},
      {"unknown bit", [](DerivedKeyRequest& r) { r.guest_field_select |= 0x40; },
       DerivedKeyErrorCode::kInvalidRequest, "unknown bits 0x40"},
  };
  const auto provider = Provider(SecretA(), BaseLaunch());
  for (const Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.name);
    DerivedKeyRequest request = BaseRequest(kFieldMeasurement | kFieldTcbVersion);
    refusal.change(request);
    const auto key = provider->GetDerivedKey(request);
    ASSERT_FALSE(key.has_value());
    EXPECT_EQ(key.error().code, refusal.expected);
    EXPECT_NE(key.error().message.find(refusal.expected_text), std::string::npos)
        << key.error().message;
  }
}

TEST(VirtualProviderTest, TcbAboveCommittedIsOnlyRefusedWhenTcbIsSelected) {
  DerivedKeyRequest request = BaseRequest(kFieldMeasurement);
  request.tcb_version = 0xff;
  EXPECT_EQ(KeyOf(BaseLaunch(), request), KeyOf(BaseLaunch(), BaseRequest(kFieldMeasurement)));
}

TEST(VirtualProviderTest, RefusesAVmplMorePrivilegedThanTheGuest) {
  VirtualLaunch launch = BaseLaunch();
  launch.vmpl = 2;
  const auto provider = Provider(SecretA(), launch);
  DerivedKeyRequest request = BaseRequest(kFieldMeasurement);
  request.vmpl = 1;
  const auto key = provider->GetDerivedKey(request);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, DerivedKeyErrorCode::kInvalidRequest);
  request.vmpl = 2;
  EXPECT_TRUE(provider->GetDerivedKey(request).has_value());
}

TEST(VirtualProviderTest, VcekVlekAndVmrkRootsGiveDifferentKeys) {
  VirtualLaunch with_vlek = BaseLaunch();
  with_vlek.vlek_installed = true;
  DerivedKeyRequest vcek = BaseRequest(kFieldMeasurement);
  vcek.key_select = KeySelect::kVcek;
  DerivedKeyRequest vlek = vcek;
  vlek.key_select = KeySelect::kVlek;
  DerivedKeyRequest vmrk = BaseRequest(kFieldMeasurement);
  vmrk.root_key = RootKey::kVmrk;
  const DerivedKeyRequest by_default = BaseRequest(kFieldMeasurement);

  const KeyBytes vcek_key = KeyOf(with_vlek, vcek);
  const KeyBytes vlek_key = KeyOf(with_vlek, vlek);
  const KeyBytes vmrk_key = KeyOf(with_vlek, vmrk);
  EXPECT_NE(vcek_key, vlek_key);
  EXPECT_NE(vcek_key, vmrk_key);
  EXPECT_NE(vlek_key, vmrk_key);
  // KEY_SEL 0 is the VLEK where one is installed, else the VCEK; the key
  // depends on the root, not on how it was named.
  EXPECT_EQ(KeyOf(with_vlek, by_default), vlek_key);
  EXPECT_EQ(KeyOf(BaseLaunch(), by_default), KeyOf(BaseLaunch(), vcek));
  EXPECT_EQ(KeyOf(BaseLaunch(), vcek), vcek_key);
}

TEST(VirtualProviderTest, RefusesTheVlekWhereNoneIsInstalled) {
  DerivedKeyRequest request = BaseRequest(kFieldMeasurement);
  request.key_select = KeySelect::kVlek;
  const auto key = Provider(SecretA(), BaseLaunch())->GetDerivedKey(request);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, DerivedKeyErrorCode::kInvalidRequest);
  EXPECT_NE(key.error().message.find("no VLEK is installed"), std::string::npos) << key.error().message;
}

TEST(VirtualProviderTest, AGuestAtVmplOneDerivesAtItsOwnLevelOrBelow) {
  // A guest under an SVSM runs at VMPL 1 or higher: VMPL 0 is refused, its
  // own level and every less privileged one works, and each gives its own key.
  VirtualLaunch launch = BaseLaunch();
  launch.vmpl = 1;
  const auto provider = Provider(SecretA(), launch);
  DerivedKeyRequest request = BaseRequest(kFieldMeasurement);
  request.vmpl = 0;
  ASSERT_FALSE(provider->GetDerivedKey(request).has_value());
  std::vector<KeyBytes> keys;
  for (uint32_t vmpl = 1; vmpl <= kMaxVmpl; ++vmpl) {
    request.vmpl = vmpl;
    keys.push_back(KeyOf(*provider, request));
  }
  EXPECT_NE(keys[0], keys[1]);
  EXPECT_NE(keys[1], keys[2]);
}

TEST(VirtualProviderTest, RejectsALaunchVmplAboveThree) {
  VirtualLaunch launch = BaseLaunch();
  launch.vmpl = 4;
  const auto provider = VirtualProvider::FromSecret(SecretA(), launch);
  ASSERT_FALSE(provider.has_value());
  EXPECT_EQ(provider.error().code, DerivedKeyErrorCode::kPlatformStateError);
}

TEST(VirtualProviderTest, IsLoudlyInsecureAndReportsItsState) {
  const auto provider = Provider(SecretA(), BaseLaunch());
  EXPECT_EQ(provider->banner(), kInsecureBanner);
  EXPECT_TRUE(provider->banner().starts_with("INSECURE"));
  EXPECT_EQ(provider->platform_name(), "virtual");
  EXPECT_EQ(provider->CommittedTcb(), uint64_t{0x0a});
}

TEST(VirtualProviderTest, ConcurrentCallsAgree) {
  const auto provider = Provider(SecretA(), BaseLaunch());
  const DerivedKeyRequest request = BaseRequest(kAllFieldSelectBits);
  const KeyBytes expected = KeyOf(*provider, request);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (KeyOf(*provider, request) != expected) ++mismatches;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// ------------------------------------------------- with a machine secret file

TEST(VirtualProviderFileTest, CreatesThePrivateSecretOnceAndKeepsTheKeysStable) {
  const fs::path path = testing::TestDir() / "machine_secret";
  const VirtualPlatformOptions options{.machine_secret_path = path, .launch = BaseLaunch()};
  const DerivedKeyRequest request = BaseRequest(kFieldMeasurement | kFieldTcbVersion);

  auto first = VirtualProvider::Open(options);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  EXPECT_EQ(info.st_size, 32);

  auto second = VirtualProvider::Open(options);  // a restart on the same machine
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(KeyOf(**first, request), KeyOf(**second, request));
  EXPECT_EQ((*first)->launch().chip_id, (*second)->launch().chip_id);

  auto other_machine = VirtualProvider::Open(
      {.machine_secret_path = path.parent_path() / "other_machine_secret", .launch = BaseLaunch()});
  ASSERT_TRUE(other_machine.has_value()) << other_machine.error().message;
  EXPECT_NE(KeyOf(**first, request), KeyOf(**other_machine, request));
}

TEST(VirtualProviderFileTest, CorruptedSecretFilesGiveAClearError) {
  const fs::path dir = testing::TestDir();
  const fs::path short_file = dir / "short_secret";
  std::ofstream(short_file) << "too short";
  ::chmod(short_file.c_str(), 0600);
  const fs::path shared_file = dir / "shared_secret";
  std::ofstream(shared_file) << std::string(32, 's');
  ::chmod(shared_file.c_str(), 0644);

  for (const fs::path& path : {short_file, shared_file}) {
    SCOPED_TRACE(path.string());
    const auto provider = VirtualProvider::Open({.machine_secret_path = path, .launch = BaseLaunch()});
    ASSERT_FALSE(provider.has_value());
    EXPECT_EQ(provider.error().code, DerivedKeyErrorCode::kPlatformStateError);
    EXPECT_NE(provider.error().message.find(path.string()), std::string::npos)
        << provider.error().message;
  }
}

TEST(VirtualProviderFileTest, AnEmptyPathIsAnError) {
  const auto provider = VirtualProvider::Open({.machine_secret_path = {}, .launch = BaseLaunch()});
  ASSERT_FALSE(provider.has_value());
  EXPECT_EQ(provider.error().code, DerivedKeyErrorCode::kPlatformStateError);
}

}  // namespace
}  // namespace ledgerseal::snp
