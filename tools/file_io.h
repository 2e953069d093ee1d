// Small files the commands read and write for operators: keys, share files.
#ifndef LEDGERSEAL_TOOLS_FILE_IO_H_
#define LEDGERSEAL_TOOLS_FILE_IO_H_

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ledgerseal::tools {

// The bytes of `path`: a regular file of at most 1 MiB (keys and share files
// are a few hundred bytes). Otherwise nullopt, with `why` naming the path
// and the reason. The caller wipes the result when it holds a secret.
std::optional<std::string> ReadSmallFile(const std::filesystem::path& path, std::string& why);

// Writes `text` to a NEW file `path` with `mode` (O_EXCL: an existing file
// is never replaced), then fsyncs it. Otherwise false, with `why` set; a
// file this call created and could not finish is removed.
bool WriteNewFile(const std::filesystem::path& path, std::string_view text, mode_t mode, std::string& why);

}  // namespace ledgerseal::tools

#endif  // LEDGERSEAL_TOOLS_FILE_IO_H_
