// Little-endian integer (de)serialisation: the byte order of every SEV-SNP
// message field, and of the virtual platform's derivation input. Internal.
#ifndef LEDGERSEAL_SNP_LITTLE_ENDIAN_H_
#define LEDGERSEAL_SNP_LITTLE_ENDIAN_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ledgerseal::snp {

// Reads sizeof(T) bytes at `offset`. Precondition: offset + sizeof(T) <= bytes.size().
template <typename T>
T LoadLittleEndian(std::span<const uint8_t> bytes, size_t offset) {
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<T>(static_cast<T>(bytes[offset + i]) << (8 * i));
  }
  return value;
}

// Appends `value` as sizeof(T) little-endian bytes.
template <typename T>
void AppendLittleEndian(std::vector<uint8_t>& out, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) {
    out.push_back(static_cast<uint8_t>(value >> (8 * i)));
  }
}

}  // namespace ledgerseal::snp

#endif  // LEDGERSEAL_SNP_LITTLE_ENDIAN_H_
