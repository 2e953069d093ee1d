// A SealedShares record written by an independent implementation of
// docs/FORMAT.md (Python `cryptography`, hand-encoded protobuf; RSA-2048),
// for sealing identity "node-0" on the test fake platform of machine "m0"
// with the default derivation request. If the derivation, the AADs, the OAEP
// parameters or label, or the message layout ever change, this record stops
// unsealing: bump the version numbers instead of breaking old ledgers.
#include <gtest/gtest.h>

#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealed_shares.h"
#include "base/testing/hex.h"
#include "plugin/testing/sealing_test_util.h"

namespace ledgerseal::sealing {
namespace {

using testing::FromHex;
using testing::ToHex;

constexpr char kGoldenSharesHex[] =
    "0801120e676f6c64656e2d7365727669636518888e98a8c0e080810122420a0cb15fd2e06527478e919bc65a12"
    "20a6f661c8b9298bc357cb5ceb5cade37ec7b28f0b236f845ba65cf05ab20fc8b71a109bf3d0426e09fa25e6c5"
    "a9c8146cbdb52adc0e0a066e6f64652d3012026e301a80020e404b6bc092ab598b3712b9116cc54c2770b49594"
    "8ffcb4e12155a87cb5116d85e4cec8d5c5706d22101bad52e360efbd3d55f44d53b3498ab4401224ac3f997fef"
    "bb2aff5f85602b7d7b98ecde7f395c7be5782ac950ddf333efba58b5438b7ed451cfc0bd5ef8bffcc967b2bf61"
    "3c5b4c1003806e63a41dbb216748835c902fbeebfd7d0cac2f707d51f0b065d648c188c1c4bf1b93bc3590e77f"
    "eaf9206533d5f67b1a74c8845157757f9d19144252e1fb52e61042217848a716b540556cf41b2a8bd45c0c89ea"
    "65c2bd1a5fc726ec31086d399936b03380eb2176622f104931411bb863ee3b73a11e3a21382de4fbba51aea600"
    "bfc5c47e61dca4c91f4322ca0c080112066e6f64652d301a026e3022a60230820122300d06092a864886f70d01"
    "010105000382010f003082010a0282010100d146e5c6ae150c944617e990ae4e823f4985652173b4bcabf0bd51"
    "76b536e4976e3749cdfb9b09c4ef880bcf8406bc1c3a12658bf1f18f8852f1d314d64d24bbfb816213b6456d0f"
    "14459ee18c6db6451f9d979bd5798a838bbd75ba8738992bf371674a5afae386f20f9458b285acb41ceaca1212"
    "b453edb8eec91ad5130ad6535d3f43dc967aacbe53794f150dc8c9c5712e24a09dad994feae7ce256efab0aa55"
    "4357a529d9cf34509a5164527881d18931d0addea94c78a70d04b5033e0f6d4e230bd8f8c4a7325c5c8aa14050"
    "ba2aac0781b2658efaecadb94684ef1f03ba7696300dbfb96e949419c043633d23076cddae61a3e04a6e973fa9"
    "da7b45bd02030100012a17080112077669727475616c202838b4a4808080808080033210f2d5236a2e09f2b3b3"
    "398c4aba79da2b3ae5090a0c2749261c0cea184ab24f70ed12c2090da8b74170dc8dc25d6083796e9292978c32"
    "081bbec6bee1e8652f2229fe03ea35bc6a1afa0304bc8479bbc6b71eb60983124e764f776af9d44bcd4520e8f7"
    "e6fba5bbd0f9d1ee57482ada201835b057d75569244401ce993f85831f1cab9e3f66818c10f26cf9e6af3919b4"
    "5b0f0ad55203a427d472525cb95e06c1972f6a834131911b933dfe6ea9fba6b5c347dca51968e19bcb18a26cab"
    "a34c748b61de10fb443ece6fa4cc26825321fb61137757c0136f2a813b404937f4e405d573196362dda9348986"
    "7d0c6c5058f48db7b85af84e9465f3c7a5f2bd61c8c1a8c67975bd57e2a16288c9d483e749eb4c35edb7338255"
    "f1a0d898cc8ed4ef612d5be61bcef284b67403c697edf8f2e469b2c4aef8706e0343ff66110d5892d423ab711d"
    "b6d0fc8f82468d161dc64661d71607c888a72586d30db165a05c36369d87b19a24b5419386e744db672f461431"
    "a7e290cc485b703e22a8659a426fa11a5abcbe0253427e1dc62923dc3fe4404fb71fb46cb560a6add79ecab7e9"
    "f93e9e344a1a1fcff82faea179f123ce46f98795da65ca6065ebb9b383d4c230073be32f6ac1d5fa5a7a467766"
    "1dfa6528209e013853b79615579bea4dcc90174d8bda4d5f87cf91a65f2f9d52c83be43abebd95f21ccf174342"
    "914316f732b9a0830839d546c0cc5c68d72cfbb6746ba4926a98fc0d18dc00e2fb37dc885058cf4e5e6ebc9c24"
    "a720f89397a1ec6e070d0423aa579dd11ca31784f49afd2db323e007198553629cfc86c2c221ec8c59f4d5baa3"
    "74e2ac73c1a83da39bf09eb97c00a50ae795f0da5d6ff0d4ccdea78c56e7260d9f134564a77cc8597cacb24f40"
    "8982999a585cb0199c98009acac1bf2269a8269ef46804af7f197aab1497317fbeab6c4ad9fdeb23bc333b1f75"
    "98a1c748d96cd2540481a61aeaa6263bf26df36a1f304598540ef5021f2daf7598b90931d75cb9fefe3ed2f0ed"
    "e60a515587293cd6486c48a92dbd59487d38d86d7b35925ec09e5fb69cd1ad5c5fb299fbc535e21ab7cea452aa"
    "705fcfafd78d43454e216dddf1490749b2208633329bc8c042bcab7cd9aa0c383f7444e7e4278aae84eb1b90bc"
    "f201ad585513ba1b0dc05f1eeb62c5b1009d034ff1c9344cc978538bd3c2b8b0167623847bc2bfdbb5deeb9942"
    "3d173125492d345def76570b995faa4b8e897f87122a3ce05a2cd0096caa6c3b0da6d5a4dcf55fe2bf262b31d7"
    "55c565e56cd639e070acda678d8cd74a93b95e3ed1ac85b7ea2f3d7cdf4fbd7fe5bda7915fc032f8ca5380ba27"
    "62c9e6b706239aa1c17231ab23da0934ebb83966d0959776c6ddd88c1db8e2874450ed9c521dd1bbd3db720107"
    "4e8d7c0c0e3dd34af2b425152c4bc122a9f746d4615472f64ce5d95add6c725018b7faeecbd83a50227dcee0f9"
    "e45792ba8528599f429db9e7fe4beee1ce9e84648265afbae5921c346bfc797cca4621aa44b79479b01cfe0b96"
    "35ec0dc66739ba3eddd0bb29495eeec5870a075cf701c241e4c98ad1224395cc895366e3fb812fbf1078e666ac"
    "011dc7fe824e4ca7efbcdfa98a84ce05f37f021d49caead9c252c1f714b634b2f1f1a2ca1ec5055a7ec3aef4f0"
    "72ce4097d837d72e03c1ee08c7cedc8d24d68a43c378dcfae27466fd67480853321ee15963bf7db4a2fe056a7a"
    "1b6807054f2358916310eee79a84581ca7c727df7a08e286d4c6bb8c00e21a10a58eb1a111c4b27f42e087382f"
    "aaf999";

constexpr char kGoldenService[] = "golden-service";
constexpr uint64_t kGoldenVersion = 0x0102030405060708;
// The ledger secret the record seals: bytes a0 a1 ... bf.
constexpr char kGoldenSecretHex[] =
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";

TEST(GoldenRecordTest, IndependentlyWrittenRecordUnseals) {
  auto shares = ParseSealedShares(FromHex(kGoldenSharesHex));
  ASSERT_TRUE(shares) << shares.error().ToString();
  auto provider = testing::MakeProvider("m0");
  auto secret = UnsealShares(*provider, *shares, "node-0", kGoldenService, kGoldenVersion);
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_EQ(ToHex(secret->secret.bytes()), kGoldenSecretHex);
  EXPECT_EQ(secret->ledger_secret_version, kGoldenVersion);
}

TEST(GoldenRecordTest, ReserialisesToTheSameBytes) {
  const auto golden = FromHex(kGoldenSharesHex);
  auto shares = ParseSealedShares(golden);
  ASSERT_TRUE(shares);
  auto bytes = SerializeRecord(*shares);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(ToHex(*bytes), ToHex(golden));
}

TEST(GoldenRecordTest, OtherMachineIsPlatformMismatch) {
  auto shares = ParseSealedShares(FromHex(kGoldenSharesHex));
  ASSERT_TRUE(shares);
  auto secret =
      UnsealShares(*testing::MakeProvider("m1"), *shares, "node-0", std::nullopt, std::nullopt);
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().code, SealingErrorCode::kPlatformMismatch);
}

}  // namespace
}  // namespace ledgerseal::sealing
