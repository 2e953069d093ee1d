// TEST ONLY: the value conventions of the conformance vectors file: byte
// strings as lowercase hex, 64-bit integers as "0x..." lowercase hex strings
// (exact in every JSON parser), 32-bit integers as JSON numbers.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_JSON_HEX_H_
#define LEDGERSEAL_PLUGIN_VECTORS_JSON_HEX_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/vectors/result.h"

namespace ledgerseal::vectors {

// Keys keep the order they were written in, so the file reads top-down.
using Json = nlohmann::ordered_json;

std::string Hex(std::span<const uint8_t> bytes);  // lowercase, two digits per byte
std::string U64Hex(uint64_t value);               // "0x" + lowercase digits, no padding

// Strict inverses: only lowercase digits, even length / "0x" + 1..16 digits.
Result<std::vector<uint8_t>> ParseHex(std::string_view hex);
Result<uint64_t> ParseU64Hex(std::string_view text);

// Fields of a JSON object; errors name the key.
Result<std::string> StringField(const Json& object, std::string_view key);
Result<std::vector<uint8_t>> HexField(const Json& object, std::string_view key);
Result<uint64_t> U64Field(const Json& object, std::string_view key);
Result<uint32_t> U32Field(const Json& object, std::string_view key);
Result<Json> ObjectField(const Json& object, std::string_view key);

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_JSON_HEX_H_
