#include "crypto/public/aes_gcm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "base/testing/hex.h"

namespace ledgerseal::crypto {
namespace {

using testing::FromHex;
using testing::ToHex;

using Key = std::array<uint8_t, kAes256KeyBytes>;
using Iv = std::array<uint8_t, kAesGcmIvBytes>;
using Tag = std::array<uint8_t, kAesGcmTagBytes>;

template <size_t N>
std::array<uint8_t, N> ToArray(const std::vector<uint8_t>& v) {
  std::array<uint8_t, N> out{};
  EXPECT_EQ(v.size(), N);
  std::copy_n(v.begin(), std::min(N, v.size()), out.begin());
  return out;
}

// McGrew & Viega, "The Galois/Counter Mode of Operation", test case 16
// (AES-256, 96-bit IV, 60-byte plaintext, 20-byte AAD).
struct Vector16 {
  Key key =
      ToArray<32>(FromHex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"));
  Iv iv = ToArray<12>(FromHex("cafebabefacedbaddecaf888"));
  std::vector<uint8_t> plaintext = FromHex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
  std::vector<uint8_t> aad = FromHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  std::string ciphertext_hex =
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662";
  std::string tag_hex = "76fc6ece0f4e1768cddf8853bb2d551b";
};

TEST(AesGcmTest, SealMatchesKnownAnswer) {
  Vector16 v;
  std::vector<uint8_t> ciphertext(v.plaintext.size());
  Tag tag{};
  auto status = Aes256GcmSeal(ciphertext, tag, v.key, v.iv, v.plaintext, v.aad);
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_EQ(ToHex(ciphertext), v.ciphertext_hex);
  EXPECT_EQ(ToHex(tag), v.tag_hex);
}

TEST(AesGcmTest, OpenMatchesKnownAnswer) {
  Vector16 v;
  const auto ciphertext = FromHex(v.ciphertext_hex);
  std::vector<uint8_t> plaintext(ciphertext.size());
  auto status =
      Aes256GcmOpen(plaintext, v.key, v.iv, ciphertext, ToArray<16>(FromHex(v.tag_hex)), v.aad);
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_EQ(plaintext, v.plaintext);
}

// Seals `plaintext`, then checks that every single-byte change of key, IV,
// AAD, ciphertext or tag is an authentication failure that leaves nothing in
// the output buffer.
class AesGcmTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (size_t i = 0; i < key_.size(); ++i) key_[i] = static_cast<uint8_t>(i * 7 + 1);
    for (size_t i = 0; i < iv_.size(); ++i) iv_[i] = static_cast<uint8_t>(i * 13 + 5);
    plaintext_.assign(48, 0x5a);
    aad_ = FromHex("00000005686f7374");
    ciphertext_.resize(plaintext_.size());
    ASSERT_TRUE(Aes256GcmSeal(ciphertext_, tag_, key_, iv_, plaintext_, aad_));
  }

  void ExpectAuthFailure(const Key& key, const Iv& iv, const std::vector<uint8_t>& ciphertext,
                         const Tag& tag, const std::vector<uint8_t>& aad, const char* what,
                         size_t index) {
    std::vector<uint8_t> out(ciphertext.size(), 0xee);
    auto status = Aes256GcmOpen(out, key, iv, ciphertext, tag, aad);
    ASSERT_FALSE(status) << what << " byte " << index;
    EXPECT_EQ(status.error().code, CryptoErrorCode::kAuthenticationFailed) << what << index;
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](uint8_t b) { return b == 0; }))
        << "unauthenticated plaintext left in the buffer (" << what << " byte " << index << ")";
  }

  Key key_{};
  Iv iv_{};
  Tag tag_{};
  std::vector<uint8_t> plaintext_, aad_, ciphertext_;
};

TEST_F(AesGcmTamperTest, UntamperedOpens) {
  std::vector<uint8_t> out(ciphertext_.size());
  ASSERT_TRUE(Aes256GcmOpen(out, key_, iv_, ciphertext_, tag_, aad_));
  EXPECT_EQ(out, plaintext_);
}

TEST_F(AesGcmTamperTest, EveryFlippedByteFailsAuthentication) {
  for (size_t i = 0; i < key_.size(); ++i) {
    Key k = key_;
    k[i] ^= 0x01;
    ExpectAuthFailure(k, iv_, ciphertext_, tag_, aad_, "key", i);
  }
  for (size_t i = 0; i < iv_.size(); ++i) {
    Iv iv = iv_;
    iv[i] ^= 0x80;
    ExpectAuthFailure(key_, iv, ciphertext_, tag_, aad_, "iv", i);
  }
  for (size_t i = 0; i < ciphertext_.size(); ++i) {
    auto c = ciphertext_;
    c[i] ^= 0xff;
    ExpectAuthFailure(key_, iv_, c, tag_, aad_, "ciphertext", i);
  }
  for (size_t i = 0; i < tag_.size(); ++i) {
    Tag t = tag_;
    t[i] ^= 0x01;
    ExpectAuthFailure(key_, iv_, ciphertext_, t, aad_, "tag", i);
  }
  for (size_t i = 0; i < aad_.size(); ++i) {
    auto a = aad_;
    a[i] ^= 0x01;
    ExpectAuthFailure(key_, iv_, ciphertext_, tag_, a, "aad", i);
  }
}

TEST_F(AesGcmTamperTest, TruncatedOrExtendedMessageFails) {
  auto shorter = ciphertext_;
  shorter.pop_back();
  ExpectAuthFailure(key_, iv_, shorter, tag_, aad_, "truncated ciphertext", 0);
  auto longer_aad = aad_;
  longer_aad.push_back(0);
  ExpectAuthFailure(key_, iv_, ciphertext_, tag_, longer_aad, "extended aad", 0);
  ExpectAuthFailure(key_, iv_, ciphertext_, tag_, {}, "missing aad", 0);
}

TEST(AesGcmTest, EmptyPlaintextStillAuthenticatesAad) {
  Key key{};
  Iv iv{};
  Tag tag{};
  const auto aad = FromHex("0102");
  ASSERT_TRUE(Aes256GcmSeal({}, tag, key, iv, {}, aad));
  EXPECT_TRUE(Aes256GcmOpen({}, key, iv, {}, tag, aad));
  auto status = Aes256GcmOpen({}, key, iv, {}, tag, FromHex("0103"));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, CryptoErrorCode::kAuthenticationFailed);
}

TEST(AesGcmTest, InPlaceRoundTrip) {
  Key key{};
  key[0] = 1;
  Iv iv{};
  Tag tag{};
  std::vector<uint8_t> buffer = FromHex("00112233445566778899");
  const auto original = buffer;
  ASSERT_TRUE(Aes256GcmSeal(buffer, tag, key, iv, buffer, {}));
  EXPECT_NE(buffer, original);
  ASSERT_TRUE(Aes256GcmOpen(buffer, key, iv, buffer, tag, {}));
  EXPECT_EQ(buffer, original);
}

TEST(AesGcmTest, RejectsMismatchedOutputSizes) {
  Key key{};
  Iv iv{};
  Tag tag{};
  std::vector<uint8_t> plaintext(10), out(9);
  auto seal = Aes256GcmSeal(out, tag, key, iv, plaintext, {});
  ASSERT_FALSE(seal);
  EXPECT_EQ(seal.error().code, CryptoErrorCode::kInvalidArgument);
  auto open = Aes256GcmOpen(out, key, iv, plaintext, tag, {});
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().code, CryptoErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledgerseal::crypto
