// TEST ONLY: reads the fields of one JSON object of the conformance vectors,
// keeping the first error, so that a case is read in a straight line and
// checked once at the end.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_FIELD_READER_H_
#define LEDGERSEAL_PLUGIN_VECTORS_FIELD_READER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/vectors/json_hex.h"
#include "plugin/vectors/result.h"

namespace ledgerseal::vectors {

using Bytes = std::vector<uint8_t>;

struct BlobFields {
  Bytes iv, ciphertext, tag, aad;
};

// Reads fields of one object and keeps the first error, so that a case is
// read in a straight line and checked once at the end. Owns a copy of the
// object (nested readers are built from temporaries).
class FieldReader {
 public:
  explicit FieldReader(Json object) : object_(std::move(object)) {}

  std::string String(std::string_view key) { return Take(StringField(object_, key), key); }
  Bytes Hex(std::string_view key) { return Take(HexField(object_, key), key); }
  uint64_t U64(std::string_view key) { return Take(U64Field(object_, key), key); }
  uint32_t U32(std::string_view key) { return Take(U32Field(object_, key), key); }
  Json Object(std::string_view key) { return Take(ObjectField(object_, key), key); }
  BlobFields Blob(std::string_view key) {
    FieldReader blob(Object(key));
    BlobFields out{blob.Hex("iv_hex"), blob.Hex("ciphertext_hex"), blob.Hex("tag_hex"),
                   blob.Hex("aad_hex")};
    Merge(blob, key);
    return out;
  }
  void Merge(const FieldReader& inner, std::string_view key) {
    if (error_.empty() && !inner.error_.empty()) error_ = std::string(key) + "." + inner.error_;
  }
  const std::string& error() const { return error_; }

  // The value, or T{} after recording the first error.
  template <typename T>
  T Take(Result<T> result, std::string_view key) {
    if (result) return std::move(*result);
    if (error_.empty()) error_ = std::string(key) + ": " + result.error();
    return T{};
  }

 private:
  Json object_;
  std::string error_;
};

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_FIELD_READER_H_
