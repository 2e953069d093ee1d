// Everything deterministic in the format 3 vectors is recomputed — from the
// generator's case specs, and from the vector's own platform fields — and
// compared with the checked-in values.
#include <array>

#include "kvstore_adapter/public/types.h"
#include "plugin/vectors/deterministic_parts.h"
#include "plugin/vectors/expect_reproduced.h"
#include "plugin/vectors/format_layout.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/pem.h"
#include "plugin/vectors/platform_json.h"
#include "plugin/vectors/vectors_fixture_v3.h"

namespace ledgerseal::vectors {
namespace {

using base::ToBytes;

// Cases whose record names service 2 (TEST KEY 2) on purpose.
bool NamesService2(Tamper tamper) {
  return tamper == Tamper::kSignedByOtherService || tamper == Tamper::kServiceIdNotSigner ||
         tamper == Tamper::kClearBindingAltered || tamper == Tamper::kOlderBindingCopy;
}

TEST_F(SealingVectorsV3Test, GeneratorsDeterministicPartsAreReproduced) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    const CaseSpec* spec = SpecFor(v);
    if (spec == nullptr) continue;
    auto parts = ComputeDeterministicParts(*spec);
    ASSERT_TRUE(parts) << parts.error();
    EXPECT_EQ(Hex(parts->machine_secret), v.virtual_platform["machine_secret_hex"]);
    EXPECT_EQ(Json::parse(parts->launch_json), v.virtual_platform["launch"]);
    EXPECT_EQ(parts->request, v.request);
    EXPECT_EQ(Hex(parts->derived_key), Hex(v.derived_key));
    EXPECT_EQ(Hex(parts->sealing_key), Hex(v.sealing_key));
    EXPECT_EQ(Hex(parts->key_id), Hex(v.key_id));
    EXPECT_EQ(v.recovery_key_seed, ToBytes(RecoveryKeySeedOf(*spec)));
    EXPECT_EQ(v.shares_seed, ToBytes(SharesSeedOf(*spec)));
    if (spec->tamper != Tamper::kOlderBindingCopy) {  // its key was sealed again
      EXPECT_EQ(Hex(parts->recovery_key_iv), Hex(v.sealed_key.iv));
    }
    EXPECT_EQ(Hex(parts->wrapping_key), Hex(v.wrapping_key));
    EXPECT_EQ(Hex(parts->wrapped_secret_iv), Hex(v.wrapped_secret.iv));
    EXPECT_EQ(Hex(parts->ledger_secret), Hex(v.ledger_secret));
    EXPECT_EQ(v.ledger_secret_version, spec->ledger_secret_version);
    EXPECT_EQ(v.service_id, NamesService2(spec->tamper) ? "dc0ce633dbcc913dafafa4b89ac44d8c" : spec->service_id);
    EXPECT_EQ(v.expected_previous_service_id,
              spec->pin_key == 0 ? "" : spec->pin_key == 1 ? "5cd252fb0ce8932436faf8ccd1040981"
                                                           : "dc0ce633dbcc913dafafa4b89ac44d8c");
    if (spec->tamper == Tamper::kSealedKeyAadIdentity) continue;  // renamed on purpose
    EXPECT_EQ(v.sealing_identity, spec->sealing_identity);
    EXPECT_EQ(v.node_id, spec->node_id);
  }
}

TEST_F(SealingVectorsV3Test, VirtualPlatformFieldsDeriveTheDerivedKey) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    ExpectDerivedKeyReproduced(v);
  }
}

TEST_F(SealingVectorsV3Test, AesGcmCiphertextsAreReproduced) {
  for (const VectorFields& v : cases_) {
    if (!v.expects_success()) continue;
    SCOPED_TRACE(v.id);
    ExpectAesGcmReproduced(v);
  }
}

}  // namespace
}  // namespace ledgerseal::vectors
