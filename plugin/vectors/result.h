// TEST ONLY: the error type of the vector tools: a message for a human.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_RESULT_H_
#define LEDGERSEAL_PLUGIN_VECTORS_RESULT_H_

#include <expected>
#include <string>

#include "base/result.h"

namespace ledgerseal::vectors {

template <typename T>
using Result = base::Expected<T, std::string>;

inline std::unexpected<std::string> Fail(std::string message) {
  return std::unexpected(std::move(message));
}

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_RESULT_H_
