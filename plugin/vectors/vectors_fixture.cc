#include "plugin/vectors/vectors_fixture.h"

namespace ledgerseal::vectors {

void SealingVectorsTest::SetUpTestSuite() {
  auto file = LoadVectorFile();
  if (!file) {
    load_error_ = file.error();
    return;
  }
  file_ = std::move(*file);
  for (const Json& vector : file_.cases) {
    auto fields = ReadVectorFields(vector);
    if (!fields) {
      load_error_ = fields.error();
      return;
    }
    cases_.push_back(std::move(*fields));
  }
}

void SealingVectorsTest::SetUp() {
  ASSERT_EQ(load_error_, "");
  ASSERT_FALSE(cases_.empty());
}

const CaseSpec* SealingVectorsTest::SpecFor(const VectorFields& vector) {
  for (const CaseSpec& spec : V1CaseSpecs()) {
    if (spec.id == vector.id) return &spec;
  }
  ADD_FAILURE() << "the generator has no case '" << vector.id << "'";
  return nullptr;
}

}  // namespace ledgerseal::vectors
