// The `virtual` platform's per-machine secret: 32 random bytes in a file
// readable by its owner only, standing in for the chip's fused secrets.
// Internal to snp/.
#ifndef LEDGERSEAL_SNP_MACHINE_SECRET_H_
#define LEDGERSEAL_SNP_MACHINE_SECRET_H_

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <span>

#include "snp/public/derived_key.h"

namespace ledgerseal::snp {

inline constexpr size_t kMachineSecretSize = 32;

// Reads the machine secret at `path` into `out`. If the file does not exist,
// first creates it: 32 bytes from RAND_priv_bytes written to a private
// temporary file (O_CREAT|O_EXCL, mode 0600), fsynced, then linked into
// place, so a concurrent creator never sees a partial file and never
// overwrites another's secret (the loser reads the winner's). Creates the
// parent directory if needed. Symbolic links are refused.
//
// Errors: kPlatformStateError naming `path` when the file is not a regular
// file, is accessible by group or others, is not exactly 32 bytes, or cannot
// be created or read; with `create_if_missing` false, also when it does not
// exist (nothing is created: not the file, not its directory). On error
// `out` is zeroed. Safe to call concurrently, also from several processes.
base::Expected<void, DerivedKeyError> LoadOrCreateMachineSecret(
    std::span<uint8_t, kMachineSecretSize> out, const std::filesystem::path& path,
    bool create_if_missing = true);

}  // namespace ledgerseal::snp

#endif  // LEDGERSEAL_SNP_MACHINE_SECRET_H_
