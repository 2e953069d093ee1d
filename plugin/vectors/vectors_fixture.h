// TEST ONLY: the gtest fixture of //plugin/vectors:sealing_vectors_test:
// loads testdata/vectors/sealing_v1.json (format 1, frozen input) once and
// pairs every case with the frozen CaseSpec of the same id.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_VECTORS_FIXTURE_H_
#define LEDGERSEAL_PLUGIN_VECTORS_VECTORS_FIXTURE_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "plugin/vectors/case_spec.h"
#include "plugin/vectors/vector_fields.h"
#include "plugin/vectors/vector_file.h"

namespace ledgerseal::vectors {

class SealingVectorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  void SetUp() override;

  // The case's spec, or nullptr (a failure is recorded) when V1CaseSpecs
  // has no case of that id.
  static const CaseSpec* SpecFor(const VectorFields& vector);

  static inline std::string load_error_;
  static inline VectorFile file_;
  static inline std::vector<VectorFields> cases_;
};

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_VECTORS_FIXTURE_H_
