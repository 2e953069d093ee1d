#include "kvstore_adapter/ledger/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace ledgerseal::kv::ledger::internal {
namespace {

constexpr uint32_t kPolynomialReflected = 0x82F63B78u;

// Slicing-by-8 tables: table[0] is the classic byte-at-a-time table; table[k]
// advances a byte that sits k positions before the end of an 8-byte word, so
// the portable path consumes 8 bytes per step with 8 independent lookups.
using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kPolynomialReflected : 0u);
    t[0][i] = crc;
  }
  for (uint32_t i = 0; i < 256; ++i) {
    for (size_t k = 1; k < 8; ++k) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFFu];
  }
  return t;
}

constexpr Tables kTables = MakeTables();

uint64_t LoadLittleEndian64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

uint32_t Crc32cExtendPortable(uint32_t crc, ByteView data) {
  uint32_t state = ~crc;
  const uint8_t* p = data.data();
  size_t remaining_bytes = data.size();
  while (remaining_bytes >= 8) {
    const uint64_t word = LoadLittleEndian64(p) ^ state;
    state = kTables[7][word & 0xFF] ^ kTables[6][(word >> 8) & 0xFF] ^
            kTables[5][(word >> 16) & 0xFF] ^ kTables[4][(word >> 24) & 0xFF] ^
            kTables[3][(word >> 32) & 0xFF] ^ kTables[2][(word >> 40) & 0xFF] ^
            kTables[1][(word >> 48) & 0xFF] ^ kTables[0][word >> 56];
    p += 8;
    remaining_bytes -= 8;
  }
  for (; remaining_bytes > 0; --remaining_bytes, ++p) {
    state = (state >> 8) ^ kTables[0][(state ^ *p) & 0xFF];
  }
  return ~state;
}

#if defined(__x86_64__)

bool Crc32cHardwareAvailable() {
  static const bool available = __builtin_cpu_supports("sse4.2");
  return available;
}

__attribute__((target("sse4.2"))) uint32_t Crc32cExtendHardware(uint32_t crc, ByteView data) {
  uint64_t state = ~crc;
  const uint8_t* p = data.data();
  size_t remaining_bytes = data.size();
  while (remaining_bytes >= 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof(word));  // x86 is little-endian; memcpy: no alignment needed
    state = _mm_crc32_u64(state, word);
    p += 8;
    remaining_bytes -= 8;
  }
  uint32_t state32 = static_cast<uint32_t>(state);
  for (; remaining_bytes > 0; --remaining_bytes, ++p) state32 = _mm_crc32_u8(state32, *p);
  return ~state32;
}

#else

bool Crc32cHardwareAvailable() { return false; }

uint32_t Crc32cExtendHardware(uint32_t crc, ByteView data) { return Crc32cExtendPortable(crc, data); }

#endif

uint32_t Crc32cExtend(uint32_t crc, ByteView data) {
  return Crc32cHardwareAvailable() ? Crc32cExtendHardware(crc, data) : Crc32cExtendPortable(crc, data);
}

}  // namespace ledgerseal::kv::ledger::internal
