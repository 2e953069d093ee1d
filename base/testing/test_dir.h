// TEST ONLY: the one helper for test directories.
#ifndef LEDGERSEAL_BASE_TESTING_TEST_DIR_H_
#define LEDGERSEAL_BASE_TESTING_TEST_DIR_H_

#include <filesystem>
#include <string>

namespace ledgerseal::testing {

// A fresh, empty directory $TEST_TMPDIR/<name> (/tmp/<name> outside Bazel):
// whatever an earlier run left there is removed first. Aborts the test
// binary if the directory cannot be made.
std::filesystem::path FreshDir(const std::string& name);

// FreshDir named after the running GoogleTest test ("Suite.Name", with '/'
// of parameterised names replaced), so tests never share a directory.
std::filesystem::path TestDir();

}  // namespace ledgerseal::testing

#endif  // LEDGERSEAL_BASE_TESTING_TEST_DIR_H_
