// TEST ONLY: reads the checked-in conformance vectors from the test's runfiles.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_VECTOR_FILE_H_
#define LEDGERSEAL_PLUGIN_VECTORS_VECTOR_FILE_H_

#include <string>
#include <string_view>

#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/result.h"

namespace ledgerseal::vectors {

inline constexpr std::string_view kVectorFile = "testdata/vectors/sealing_v1.json";
inline constexpr std::string_view kVectorFileV2 = "testdata/vectors/sealing_v2.json";
inline constexpr std::string_view kVectorFileV3 = "testdata/vectors/sealing_v3.json";

struct VectorFile {
  std::string text;
  Json cases;  // format 1: an array of cases; later: {"shares": [...], "endorsements": [...]}
};

// `workspace_path` relative to the runfiles root of the running test
// ($TEST_SRCDIR/$TEST_WORKSPACE, or the working directory).
// Errors: unreadable, not JSON, or not of its format's shape.
Result<VectorFile> LoadVectorFile(std::string_view workspace_path = kVectorFile);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_VECTOR_FILE_H_
