#include "plugin/vectors/vectors_fixture_v3.h"

namespace ledgerseal::vectors {

void SealingVectorsV3Test::SetUpTestSuite() {
  auto file = LoadVectorFile(kVectorFileV3);
  if (!file) {
    load_error_ = file.error();
    return;
  }
  file_ = std::move(*file);
  for (const Json& vector : file_.cases["shares"]) {
    auto fields = ReadVectorFieldsV3(vector);
    if (!fields) {
      load_error_ = fields.error();
      return;
    }
    cases_.push_back(std::move(*fields));
  }
  for (const Json& vector : file_.cases["endorsements"]) {
    auto fields = ReadEndorsementFields(vector);
    if (!fields) {
      load_error_ = fields.error();
      return;
    }
    endorsements_.push_back(std::move(*fields));
  }
}

void SealingVectorsV3Test::SetUp() {
  ASSERT_EQ(load_error_, "");
  ASSERT_FALSE(cases_.empty());
  ASSERT_FALSE(endorsements_.empty());
}

const CaseSpec* SealingVectorsV3Test::SpecFor(const VectorFields& vector) {
  for (const CaseSpec& spec : AllCaseSpecs()) {
    if (spec.id == vector.id) return &spec;
  }
  ADD_FAILURE() << "the generator has no case '" << vector.id << "'";
  return nullptr;
}

}  // namespace ledgerseal::vectors
