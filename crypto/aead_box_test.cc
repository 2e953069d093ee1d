#include "crypto/public/aead_box.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "base/bytes.h"
#include "crypto/public/aes_gcm.h"
#include "crypto/testing/deterministic_random.h"

namespace ledgerseal::crypto {
namespace {

const std::vector<uint8_t> kKey(kAes256KeyBytes, 0x42);
const std::vector<uint8_t> kPlaintext{'p', 'r', 'i', 'v', 'a', 't', 'e'};
const std::vector<uint8_t> kAad{'a', 'a', 'd'};

class FailingRandom final : public RandomSource {
 public:
  CryptoStatus Fill(std::span<uint8_t> out) override {
    std::fill(out.begin(), out.end(), 0);
    return MakeCryptoError(CryptoErrorCode::kInternal, "no entropy");
  }
};

class AeadBoxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = testing::DeterministicRandomSource::Create(std::vector<uint8_t>{1, 2, 3});
    ASSERT_TRUE(r);
    random_ = std::move(*r);
  }
  AeadBox Seal() {
    auto box = SealAeadBox(*random_, kKey, kPlaintext, kAad);
    EXPECT_TRUE(box) << box.error().ToString();
    return box.value_or(AeadBox{});
  }
  CryptoStatus Open(const AeadBox& box, std::vector<uint8_t>& out) {
    out.assign(box.ciphertext.size(), 0xff);
    return OpenAeadBox(out, kKey, base::AsBytes(box.iv), base::AsBytes(box.ciphertext), base::AsBytes(box.tag), kAad);
  }
  std::unique_ptr<testing::DeterministicRandomSource> random_;
};

TEST_F(AeadBoxTest, RoundTripsWithSizedFields) {
  const AeadBox box = Seal();
  EXPECT_EQ(box.iv.size(), kAesGcmIvBytes);
  EXPECT_EQ(box.tag.size(), kAesGcmTagBytes);
  EXPECT_EQ(box.ciphertext.size(), kPlaintext.size());
  std::vector<uint8_t> out;
  ASSERT_TRUE(Open(box, out));
  EXPECT_EQ(out, kPlaintext);
}

TEST_F(AeadBoxTest, EachSealDrawsAFreshIv) {
  const AeadBox a = Seal(), b = Seal();
  EXPECT_NE(a.iv, b.iv);
  EXPECT_NE(a.ciphertext, b.ciphertext);
}

TEST_F(AeadBoxTest, AlteredFieldsFailAuthenticationAndReleaseNothing) {
  for (std::string AeadBox::* field : {&AeadBox::iv, &AeadBox::ciphertext, &AeadBox::tag}) {
    AeadBox box = Seal();
    (box.*field)[0] ^= 1;
    std::vector<uint8_t> out;
    auto s = Open(box, out);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, CryptoErrorCode::kAuthenticationFailed);
    EXPECT_EQ(out, std::vector<uint8_t>(out.size(), 0));
  }
}

TEST_F(AeadBoxTest, WrongSizedFieldsAreInvalidNotAuthenticationFailures) {
  for (std::string AeadBox::* field : {&AeadBox::iv, &AeadBox::tag}) {
    AeadBox box = Seal();
    (box.*field).pop_back();
    std::vector<uint8_t> out;
    auto s = Open(box, out);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, CryptoErrorCode::kInvalidArgument);
    EXPECT_EQ(out, std::vector<uint8_t>(out.size(), 0));
  }
  const std::vector<uint8_t> short_key(16, 0x42);
  auto sealed = SealAeadBox(*random_, short_key, kPlaintext, kAad);
  ASSERT_FALSE(sealed);
  EXPECT_EQ(sealed.error().code, CryptoErrorCode::kInvalidArgument);
}

TEST_F(AeadBoxTest, ARandomSourceFailureIsReported) {
  FailingRandom failing;
  auto sealed = SealAeadBox(failing, kKey, kPlaintext, kAad);
  ASSERT_FALSE(sealed);
  EXPECT_EQ(sealed.error().code, CryptoErrorCode::kInternal);
}

}  // namespace
}  // namespace ledgerseal::crypto
