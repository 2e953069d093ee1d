#include "plugin/vectors/json_hex.h"

#include <charconv>
#include <limits>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::vectors {
namespace {

int LowerNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

Result<const Json*> Member(const Json& object, std::string_view key) {
  if (!object.is_object())
    return Fail("not a JSON object (looking for '" + std::string(key) + "')");
  auto it = object.find(std::string(key));
  if (it == object.end()) return Fail("missing key '" + std::string(key) + "'");
  return &*it;
}

}  // namespace

std::string Hex(std::span<const uint8_t> bytes) { return kv::ToHex(bytes); }

std::string U64Hex(uint64_t value) {
  char buffer[16];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value, 16);
  return "0x" + std::string(buffer, ec == std::errc() ? end : buffer);
}

Result<std::vector<uint8_t>> ParseHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return Fail("hex string of odd length");
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    const int high = LowerNibble(hex[2 * i]);
    const int low = LowerNibble(hex[2 * i + 1]);
    if (high < 0 || low < 0) return Fail("not lowercase hex at offset " + std::to_string(2 * i));
    out[i] = static_cast<uint8_t>(high << 4 | low);
  }
  return out;
}

Result<uint64_t> ParseU64Hex(std::string_view text) {
  if (!text.starts_with("0x") || text.size() < 3 || text.size() > 18) {
    return Fail("'" + std::string(text) + "' is not \"0x\" + 1..16 hex digits");
  }
  for (char c : text.substr(2)) {
    if (LowerNibble(c) < 0) return Fail("'" + std::string(text) + "' is not lowercase hex");
  }
  uint64_t value = 0;
  std::from_chars(text.data() + 2, text.data() + text.size(), value, 16);
  return value;
}

Result<std::string> StringField(const Json& object, std::string_view key) {
  auto member = Member(object, key);
  if (!member) return Fail(member.error());
  if (!(*member)->is_string()) return Fail("'" + std::string(key) + "' is not a string");
  return (*member)->get<std::string>();
}

Result<std::vector<uint8_t>> HexField(const Json& object, std::string_view key) {
  auto text = StringField(object, key);
  if (!text) return Fail(text.error());
  auto bytes = ParseHex(*text);
  if (!bytes) return Fail("'" + std::string(key) + "': " + bytes.error());
  return bytes;
}

Result<uint64_t> U64Field(const Json& object, std::string_view key) {
  auto text = StringField(object, key);
  if (!text) return Fail(text.error());
  auto value = ParseU64Hex(*text);
  if (!value) return Fail("'" + std::string(key) + "': " + value.error());
  return value;
}

Result<uint32_t> U32Field(const Json& object, std::string_view key) {
  auto member = Member(object, key);
  if (!member) return Fail(member.error());
  if (!(*member)->is_number_unsigned() ||
      (*member)->get<uint64_t>() > std::numeric_limits<uint32_t>::max()) {
    return Fail("'" + std::string(key) + "' is not a 32-bit unsigned number");
  }
  return static_cast<uint32_t>((*member)->get<uint64_t>());
}

Result<Json> ObjectField(const Json& object, std::string_view key) {
  auto member = Member(object, key);
  if (!member) return Fail(member.error());
  if (!(*member)->is_object()) return Fail("'" + std::string(key) + "' is not an object");
  return **member;
}

}  // namespace ledgerseal::vectors
