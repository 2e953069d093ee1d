// Everything deterministic in the vectors is recomputed — from the
// generator's case specs, and from the vector's own platform fields — and
// compared with the checked-in values.
#include <array>

#include "kvstore_adapter/public/types.h"
#include "plugin/vectors/deterministic_parts.h"
#include "plugin/vectors/expect_reproduced.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/pem.h"
#include "plugin/vectors/platform_json.h"
#include "plugin/vectors/vectors_fixture.h"

namespace ledgerseal::vectors {
namespace {

using base::ToBytes;

void ExpectPlatformParts(const DeterministicParts& parts, const VectorFields& v) {
  EXPECT_EQ(Hex(parts.machine_secret), v.virtual_platform["machine_secret_hex"]);
  EXPECT_EQ(Json::parse(parts.launch_json), v.virtual_platform["launch"]);
  EXPECT_EQ(parts.request, v.request);
  EXPECT_EQ(Hex(parts.derived_key), Hex(v.derived_key));
  EXPECT_EQ(Hex(parts.sealing_key), Hex(v.sealing_key));
  EXPECT_EQ(Hex(parts.key_id), Hex(v.key_id));
}

void ExpectDraws(const CaseSpec& spec, const DeterministicParts& parts, const VectorFields& v) {
  EXPECT_EQ(v.recovery_key_seed, ToBytes(RecoveryKeySeedOf(spec)));
  EXPECT_EQ(v.shares_seed, ToBytes(SharesSeedOf(spec)));
  EXPECT_EQ(Hex(parts.recovery_key_iv), Hex(v.sealed_key.iv));
  EXPECT_EQ(Hex(parts.wrapping_key), Hex(v.wrapping_key));
  EXPECT_EQ(Hex(parts.wrapped_secret_iv), Hex(v.wrapped_secret.iv));
  EXPECT_EQ(Hex(parts.ledger_secret), Hex(v.ledger_secret));
}

void ExpectNames(const CaseSpec& spec, const VectorFields& v) {
  EXPECT_EQ(v.service_id, spec.service_id);
  EXPECT_EQ(v.ledger_secret_version, spec.ledger_secret_version);
  if (spec.tamper == Tamper::kSealedKeyAadIdentity) return;  // renamed on purpose
  EXPECT_EQ(v.sealing_identity, spec.sealing_identity);
  EXPECT_EQ(v.node_id, spec.node_id);
}

TEST_F(SealingVectorsTest, GeneratorsDeterministicPartsAreReproduced) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    const CaseSpec* spec = SpecFor(v);
    if (spec == nullptr) continue;
    auto parts = ComputeDeterministicParts(*spec);
    ASSERT_TRUE(parts) << parts.error();
    ExpectPlatformParts(*parts, v);
    ExpectDraws(*spec, *parts, v);
    ExpectNames(*spec, v);
  }
}

TEST_F(SealingVectorsTest, VirtualPlatformFieldsDeriveTheDerivedKey) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    ExpectDerivedKeyReproduced(v);
  }
}

TEST_F(SealingVectorsTest, AesGcmCiphertextsAreReproduced) {
  for (const VectorFields& v : cases_) {
    if (!v.expects_success()) continue;
    SCOPED_TRACE(v.id);
    ExpectAesGcmReproduced(v);
  }
}

}  // namespace
}  // namespace ledgerseal::vectors
