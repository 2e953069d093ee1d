// Records written by independent implementations of docs/FORMAT.md (Python
// `cryptography`, hand-encoded protobuf), for sealing identity
// "node-0" on the test fake platform of machine "m0" with the default
// derivation request:
//  - format 3 (plugin/testing/make_golden_v3.py; format 2, make_golden_v2.py,
//    is the same with an RSA-2048 key and RSA-OAEP, and is now refused): a signed sealing.shares
//    value whose recovery key is bound to, and signed by, the service
//    identity of P-256 key 1 (docs/SERVICE_IDENTITY.md §3-§4). If the
//    derivation, the AADs, the ECIES construction or info, the signed message
//    or the message layout ever change, it stops unsealing: bump the version
//    numbers instead of breaking old ledgers.
//  - format 1: a SealedShares value as this build's predecessor wrote it.
//    Format 3 refuses it (it binds no service: it cannot be told apart from
//    a forgery), and must say so.
#include <gtest/gtest.h>

#include "plugin/public/records.h"
#include "plugin/public/recovery_key.h"
#include "plugin/public/sealed_shares.h"
#include "base/testing/hex.h"
#include "plugin/testing/sealing_test_util.h"
#include "plugin/testing/service_keys.h"

namespace ledgerseal::sealing {
namespace {

using testing::FromHex;
using testing::ToHex;

// clang-format off
// Format 3 (plugin/testing/make_golden_v3.py): P-256 ECIES recovery key.
constexpr char kGoldenV3Hex[] =
    "080312a80508031220356364323532666230636538393332343336666166386363643130343039383118888e98a8"
    "c0e080810122420a0c5ac561a132c111b2e5b1403812201d4093c35325bb0693170e5df81fd444408a47a9409293"
    "66b36e5fdbcbef58111a100f08de58448705ddbbff20f0f19edd1d2ab3040a066e6f64652d3012026e301a7d04e2"
    "d1a91289c23112f61f2e82b2b100bb6746cc5e5f47b76f6118877c7c5e4357b37930b3b8433f3c2f7e7bb829c332"
    "2a102a14265557fb0c587aa05118515af5459f45df0d96943f4d56e8c49843ee77094d0f8221bb6ef8320b54e345"
    "2f69b6b1a04153d1ccdd17cb78ccca7f00d5b9468cd84e67096ec2bf445cd122a503080312066e6f64652d301a02"
    "6e30225b3059301306072a8648ce3d020106082a8648ce3d03010703420004f1d6f2a4bd7852b34899791f66f6e3"
    "cce67e55edbb83e7631dc2cb612902a255f38c89bf4d6fd376a644ea415df972119cec9390cf5c11914297d26994"
    "c2a24c2a17080112077669727475616c202838b4a4808080808080033210f2d5236a2e09f2b3b3398c4aba79da2b"
    "3aad010a0ce3076ea89712ef9167f3f91a128a015550e2555cfe3050ae70bf60984e256242aff48085badc7567c1"
    "de1a00a141c5255812a5e71deff3ff1c6d5fd0fdc71026408b42c37b83155e15bfc6e6f06844279951f2ac30130f"
    "30e5f79b3f3d1ff60313aeba27bd5377b4d32d9dcbc444b6b14ba5b3fb3252e692b21f0740c0453de7ae7a3916fe"
    "c9a6ce42708a8c5d17259a1f104297ba607ca28e1a108b4babe7e8e7b5c1722321c0fb14d83440024a5b30593013"
    "06072a8648ce3d020106082a8648ce3d030107034200046b17d1f2e12c4247f8bce6e563a440f277037d812deb33"
    "a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f51802225b30"
    "59301306072a8648ce3d020106082a8648ce3d030107034200046b17d1f2e12c4247f8bce6e563a440f277037d81"
    "2deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f52a46"
    "304402207024d2a9abc6a4532fb57f9e4d645c6697d86e7c7182ca154cdd149731880f6a0220654562883bd229bd"
    "567859d72f7d6c95e68493aca23be6474676bb02ed7aeea4"
;

// Format 2 (plugin/testing/make_golden_v2.py): RSA-2048 recovery key; refused since format 3.
constexpr char kGoldenV2Hex[] =
    "080212b01008021220356364323532666230636538393332343336666166386363643130343039383118888e98a8"
    "c0e080810122420a0ca21796b94869ebbfe94c6e3c12206c486985cd781921e1fafc7e209f1b10c5d43fa9b4e2f6"
    "5e5fac3f2e6263e15c1a10053a5d7a4b82311017b09c4d4a3de0ef2abb0f0a066e6f64652d3012026e301a800218"
    "3e99a714c509257df8b1195f530ec0ceb60dac676cd034c04131bfdf4e77623c4008b5afb107bfd684385ddf88ab"
    "044b77ca5b41f9e95fbac86182c9406993a59bb46f3292cca58974dac705ebbdc18561a8d127239a8ee35a6a8b64"
    "05602577954d99bd6ef3a68e8c36fa73bf81061ec683a2658be97941503946148ee8e8ec92e0af3372dd0b1385ea"
    "8176cfe3dc0a969d3fe17cf8da4dae3370972eb8d486ea26d811530cc311218e1c1658432f92977c5d0986cd7662"
    "4ae31126d7db21bc9ecd43681851a2902e11df8f951f948ed472bf50e318946822fb075fec51334010f332ccad7e"
    "d27d928279bcb1f70d438f6e26dc783e8c44d73615d53f8ac322a90d080212066e6f64652d301a026e3022a60230"
    "820122300d06092a864886f70d01010105000382010f003082010a0282010100dcc47e52be71b65b2f1e703ce2ed"
    "28430a2f10a5f6731f93ddcead6dc3b30438dde8fa31593e8799116f9cab5dbe3b0b2de25e0b70a8a1fcccf58632"
    "6054ac0a211439da1b880c0e105f8e1d8681dcad01f22190767ef4cb48a19959cf47ac707060b6aeacb5f8fa5e86"
    "426a079942ed7f53710917eb54c6ea0a76edf73ee842c7bab730620f012647c70320756547ddd2d70d3c7e7af5fe"
    "8281d5ae2977569b82991cb80e8b574d86887cfe3af2de1c00be833031e627f72d6e556897bcbc76dcf009268554"
    "c7af3db15ea54ce6e9b288a186824db0a4328557cfb9a069e5d8d539150de882966acc8464938435ba5fe34d909c"
    "c5c6dd0abf9d1816ded2cde102030100012a17080112077669727475616c202838b4a4808080808080033210f2d5"
    "236a2e09f2b3b3398c4aba79da2b3ae5090a0c43cecfd665aceece7989f8b112c209ebd96fe5e761e59976513bfe"
    "3c26154c1b14d7dab4951f1feb715c8c3b321f8b65a8697c377bb3930e6cb4ae52bf881cfd6ab20f2904381a3a55"
    "dc092d0331c9a66237cf25273c7d694db2227458c17ed3b117c866845f0f1cc7e61dc65342cba23b210d82d2dfdf"
    "c3bde79f0a3462cc4609ef5ffb264b705f14ceebb0a0e0987cdd4ab237677491dc51c0ec46c14c2a3e36ec822c6f"
    "3e216bfea0ed304f0de665f643c48c16a73988c516fae6e2eb2b03f435c1f312ea5bddf8797c512495b15e65bb58"
    "9df4d7e15dec3386949a61841586ff81e50e420aa257974297f655f52004553787a11ed9b34e97680f38742bf796"
    "0cee534d3170d22900ada48d8f1209147acd8edf38f486793eca9bab3967c346476e0f832b16836f0965128ff4f8"
    "8e91cac0935001ae1c18f3b90ffb9f3696f13132a04fe3573f0b9c2ea04e48a0ef545b04581bc77124d00f5bb6c3"
    "728ce2092e6d42a39dc46695a5c81cb3af5d163a3de91a6469da6ae5a440ff40de2a9c4bd653ae0cde5e376913f2"
    "8a6c8264320147f9f73572a120f13432c9f03abb668c47a94137aa5fe36dc7dadb4b699c84e7974afeaff19aca81"
    "24fcca28c2b5d8bc09e8bffb4558acac0f8788cee45d6dcbcda7ffb2668b38f2171a3e3ce99e4602e7b51f67928a"
    "7eeb67109f6de6032a60c9ec4d0000af2f488f191367e808037f6230b7bbbbbbd3642e3242b35c5bd918263cf235"
    "2feed5644c58c94ee95db5ec99a094838528e74748cd17e37ec06d7884d18e4f1ca0be467174fa3e1dcf9daff889"
    "865e00634830b7bd630ff7fd705b1414c84ed4edb8f277bfdd85f5cd452c19b6ef8c7603cba5638cdea745f697dc"
    "946b91f749766f10c0d46c259672cedb465ece0fa7ef8d95f3cd035f2c90a521f549924f077f3287c74f0d058796"
    "d03b9660787dd4b51b8b765830502541c898f5d76a116fa79ec12be1efe25b6611b829d63d7012fa38076902193b"
    "aa53423cec62a7155b3bb1867bd2836195bd3e41b3c6c7867117af06ca7b5bb60c5380b2a18374e2b2081c80254c"
    "ebf03b492b3561c0508ba739f3e61c87cdc4e97779b3a9327c07cb1de1dd1cfadfc5b0a53e00a1496606460256d7"
    "b629f5bf627143a2db19647974206d0e200f440c58261f9e582a868471609dd4fef385602993e7c1404b0c628303"
    "ee2650bc93881e28d85ff8dd687d005a44eba0337cb9a68646f708a10d1b8b7061675387e7e30a7f64544a6cad5d"
    "ec9dd8c2559e5b9062d98765587a21e5bf53270279a1652c6ffd2d75747d344769301bffae46b45bf4dd39c6d392"
    "991253bcc713e672f874c2de49437b76af8043809e17caa207128ad098eb91296d65faa0923e60f23721903118c6"
    "71a5b9e978d143d8a97b53996a7ab7f74aee342456b2752f7ff6882484c795e1d6a1b578fead6bce4a34d2b5ba7d"
    "22eea040c678dca15765cf30c84602f35d64699a1d1b7dce5864feef35f0b12f1d587c0b6ab77d927822e66b67e5"
    "2dc2a29f393f9c70513e93f0ffa5c2035eefcede7ce37225811439a0feeb9a9313efb7e48273e32ffc893e69a79d"
    "ed48739b086f2627383bad022b80be3d3b30c370147dd237c2f80e1049b721c53b357fe4042f26a7ace8554d261e"
    "38a189d23d4d2346410c67d597b6588514aed7e11de079b92679d081b583c17f5bb3a1145741f07d7ac91af263e5"
    "809993917ac513ad4f281a104c59a0ccdd376651734e0ee9a74abf1040024a5b3059301306072a8648ce3d020106"
    "082a8648ce3d030107034200046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964f"
    "e342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f51802225b3059301306072a8648ce3d"
    "020106082a8648ce3d030107034200046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898"
    "c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f52a473045022100f69a4f72a5"
    "529a56306e10efb2249322ac8b54b2edfe817a3e6bb1dccdee16f702200a6ab03424b4b655c464df1c5de9fa7788"
    "435c268f4791abdbdf1576f28b81fe"
;
// clang-format on

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

constexpr uint64_t kGoldenVersion = 0x0102030405060708;
// The ledger secret the record seals: bytes a0 a1 ... bf.
constexpr char kGoldenSecretHex[] =
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";

// The service of the format 2 and 3 records: P-256 key 1 (TEST KEY).
constexpr char kGoldenServiceId[] = "5cd252fb0ce8932436faf8ccd1040981";

TEST(GoldenRecordTest, IndependentlyWrittenFormat3RecordUnseals) {
  auto provider = testing::MakeProvider("m0");
  auto secret = UnsealShares(*provider, FromHex(kGoldenV3Hex), "node-0", 1, kGoldenServiceId);
  ASSERT_TRUE(secret) << secret.error().ToString();
  EXPECT_EQ(ToHex(secret->secret.bytes()), kGoldenSecretHex);
  EXPECT_EQ(secret->ledger_secret_version, kGoldenVersion);
  EXPECT_EQ(secret->service, testing::TestServiceIdentity(1));
}

TEST(GoldenRecordTest, Format3RecordReserialisesToTheSameBytes) {
  const auto golden = FromHex(kGoldenV3Hex);
  auto record = ParseSignedShares(golden);
  ASSERT_TRUE(record) << record.error().ToString();
  EXPECT_EQ(record->signer.service_id, kGoldenServiceId);
  EXPECT_EQ(record->body.service_id(), kGoldenServiceId);
  EXPECT_EQ(ToHex(*SerializeRecord(record->envelope)), ToHex(golden));
  EXPECT_EQ(ToHex(*SerializeRecord(record->body)), ToHex(kv::AsBytes(record->envelope.body())));
}

TEST(GoldenRecordTest, Format3RecordRefusalsAreTyped) {
  auto m0 = testing::MakeProvider("m0");
  auto pinned = UnsealShares(*m0, FromHex(kGoldenV3Hex), "node-0", 1, testing::TestServiceIdentity(2).service_id);
  ASSERT_FALSE(pinned);
  EXPECT_EQ(pinned.error().code, SealingErrorCode::kWrongService);
  auto elsewhere = UnsealShares(*testing::MakeProvider("m1"), FromHex(kGoldenV3Hex), "node-0", 1, "");
  ASSERT_FALSE(elsewhere);
  EXPECT_EQ(elsewhere.error().code, SealingErrorCode::kPlatformMismatch);
  // The same body under another signature: the signature, not the body,
  // carries the authority.
  auto record = ParseSignedShares(FromHex(kGoldenV3Hex));
  ASSERT_TRUE(record);
  auto resigned = SignSealedShares(testing::TestServiceKey(2), record->body);
  ASSERT_TRUE(resigned);
  resigned->set_signer_public_key_der(record->envelope.signer_public_key_der());
  auto bad = UnsealShares(*m0, *SerializeRecord(*resigned), "node-0", 1, "");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, SealingErrorCode::kBadSignature);
}

TEST(GoldenRecordTest, Format2RecordIsRefusedSayingSo) {
  auto provider = testing::MakeProvider("m0");
  auto secret = UnsealShares(*provider, FromHex(kGoldenV2Hex), "node-0", 1, kGoldenServiceId);
  ASSERT_FALSE(secret) << "a format 2 record unsealed";
  EXPECT_EQ(secret.error().code, SealingErrorCode::kUnknownFormatVersion);
  EXPECT_NE(secret.error().message.find("RSA-OAEP"), std::string::npos) << secret.error().message;
}

TEST(GoldenRecordTest, Format1RecordIsRefusedAsUnsigned) {
  auto provider = testing::MakeProvider("m0");
  auto secret = UnsealShares(*provider, FromHex(kGoldenSharesHex), "node-0", 5, "");
  ASSERT_FALSE(secret) << "a format 1 record unsealed";
  EXPECT_EQ(secret.error().code, SealingErrorCode::kUnsigned);
  EXPECT_NE(secret.error().message.find("sealing.shares at version 5"), std::string::npos)
      << secret.error().message;
  EXPECT_NE(secret.error().message.find("written before service identities"), std::string::npos)
      << secret.error().message;
}

}  // namespace
}  // namespace ledgerseal::sealing
