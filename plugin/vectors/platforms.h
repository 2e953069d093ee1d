// TEST ONLY: the platforms and request every vector case (format 1 and 2)
// is sealed and unsealed on, in one place so both case lists describe the
// same machines.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_PLATFORMS_H_
#define LEDGERSEAL_PLUGIN_VECTORS_PLATFORMS_H_

#include <cstdint>
#include <string_view>

#include "plugin/vectors/case_spec.h"

namespace ledgerseal::vectors::platforms {

inline constexpr uint64_t kTcbOld = 0xdb18000000000004;  // microcode 0xdb, SNP 0x18, bootloader 4
inline constexpr uint64_t kTcbNew = 0xdb19000000000004;  // after a firmware update

// Machine "a": one code image, TCB kTcbOld committed.
inline constexpr PlatformSpec kMachineA{
    "machine-a", "ledgerseal 1.0.0", "ledgerseal", "ledgerseal-node", 3, kTcbOld, 0};
// Machine "b", before and after a code upgrade (new measurement, SVN 4 -> 5)
// and a firmware update (TCB raised); ID-block family and image unchanged.
inline constexpr PlatformSpec kMachineB{
    "machine-b", "ledgerseal 1.0.0", "ledgerseal", "ledgerseal-node", 4, kTcbOld, 0};
inline constexpr PlatformSpec kMachineBUpgraded{
    "machine-b", "ledgerseal 1.1.0", "ledgerseal", "ledgerseal-node", 5, kTcbNew, 0};
// Machine "a" again, but another chip, or another code image.
inline constexpr PlatformSpec kOtherChip{
    "machine-other", "ledgerseal 1.0.0", "ledgerseal", "ledgerseal-node", 3, kTcbOld, 0};
inline constexpr PlatformSpec kMachineAOtherImage{
    "machine-a", "ledgerseal 1.0.1", "ledgerseal", "ledgerseal-node", 3, kTcbOld, 0};

inline constexpr std::string_view kMt = "measurement+tcb";
inline constexpr std::string_view kFist = "family+image+svn+tcb";

inline constexpr RequestSpec kDefaultRequest{snp::RootKey::kVcek, 0, 0, kTcbOld};

}  // namespace ledgerseal::vectors::platforms

#endif  // LEDGERSEAL_PLUGIN_VECTORS_PLATFORMS_H_
