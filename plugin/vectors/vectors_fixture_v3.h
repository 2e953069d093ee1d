// TEST ONLY: the gtest fixture of //plugin/vectors:sealing_vectors_v3_test:
// loads testdata/vectors/sealing_v3.json once and pairs every shares case
// with the generator's CaseSpec of the same id.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_VECTORS_FIXTURE_V3_H_
#define LEDGERSEAL_PLUGIN_VECTORS_VECTORS_FIXTURE_V3_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "plugin/vectors/case_spec.h"
#include "plugin/vectors/vector_fields.h"
#include "plugin/vectors/vector_file.h"

namespace ledgerseal::vectors {

class SealingVectorsV3Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  void SetUp() override;

  // The case's spec, or nullptr (a failure is recorded) when the generator
  // has no case of that id.
  static const CaseSpec* SpecFor(const VectorFields& vector);

  static inline std::string load_error_;
  static inline VectorFile file_;
  static inline std::vector<VectorFields> cases_;
  static inline std::vector<EndorsementFields> endorsements_;
};

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_VECTORS_FIXTURE_V3_H_
