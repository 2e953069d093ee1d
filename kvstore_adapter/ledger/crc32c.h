// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every
// ledger frame and chunk header. Internal to the ledger files.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_CRC32C_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_CRC32C_H_

#include <cstdint>

#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv::ledger::internal {

// CRC-32C of `previous data ‖ data`, given `crc` = CRC-32C of the previous
// data (0 for none). Crc32cExtend(Crc32cExtend(0, a), b) == Crc32c(a ‖ b).
// Uses the SSE4.2 crc32 instruction when the CPU has it, else the table.
// Thread safety: pure function.
uint32_t Crc32cExtend(uint32_t crc, ByteView data);

inline uint32_t Crc32c(ByteView data) { return Crc32cExtend(0, data); }

// The two implementations behind Crc32cExtend, exposed so that tests can check
// they agree. Crc32cExtendHardware must only be called when
// Crc32cHardwareAvailable() is true.
uint32_t Crc32cExtendPortable(uint32_t crc, ByteView data);
uint32_t Crc32cExtendHardware(uint32_t crc, ByteView data);
bool Crc32cHardwareAvailable();

}  // namespace ledgerseal::kv::ledger::internal

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LEDGER_CRC32C_H_
