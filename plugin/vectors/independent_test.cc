// Every vector unsealed from its documented fields alone (HKDF, AES-GCM,
// RSA-OAEP through the crypto wrappers; AADs and label from this package's
// FORMAT.md encoder), reaching exactly the documented outcome.
#include "plugin/vectors/format_layout.h"
#include "plugin/vectors/independent_unseal.h"
#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/pem.h"
#include "plugin/vectors/vectors_fixture.h"

namespace ledgerseal::vectors {
namespace {

TEST_F(SealingVectorsTest, IndependentUnsealingReachesTheDocumentedOutcome) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto outcome = RunIndependentChain(v);
    ASSERT_TRUE(outcome) << outcome.error();
    EXPECT_EQ(outcome->failing_step, v.failing_step);
    if (v.expects_success()) {
      EXPECT_EQ(Hex(outcome->ledger_secret), Hex(v.ledger_secret));
    }
  }
}

// Every AAD and label, including those an error case never reaches, is the
// FORMAT.md §4 encoding of the case's own fields.
TEST_F(SealingVectorsTest, EveryAadAndLabelFollowsTheDocumentedLayout) {
  for (const VectorFields& v : cases_) {
    SCOPED_TRACE(v.id);
    auto public_der = PemToDer(kPublicKeyPemLabel, v.public_key_pem);
    ASSERT_TRUE(public_der) << public_der.error();
    EXPECT_EQ(Hex(EncodeRecoveryKeyAad(*public_der, v.sealing_identity, v.node_id,
                                       DerivationFieldsOf(v), v.stored_key_id)),
              Hex(v.sealed_key.aad));
    EXPECT_EQ(Hex(EncodeWrappedLedgerSecretAad(v.service_id, v.ledger_secret_version)),
              Hex(v.wrapped_secret.aad));
    EXPECT_EQ(Hex(EncodeWrappingKeyLabel(v.sealing_identity, v.node_id, v.service_id,
                                         v.ledger_secret_version)),
              Hex(v.wrapping_key_label));
  }
}

}  // namespace
}  // namespace ledgerseal::vectors
