#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv {

bool IsValidTableName(std::string_view name) {
  constexpr size_t kMaxTableNameBytes = 128;
  if (name.empty() || name.size() > kMaxTableNameBytes) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace ledgerseal::kv
