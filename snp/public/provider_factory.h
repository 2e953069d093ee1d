// Chooses a DerivedKeyProvider by platform name, as given on a command line
// or in node configuration.
#ifndef LEDGERSEAL_SNP_PUBLIC_PROVIDER_FACTORY_H_
#define LEDGERSEAL_SNP_PUBLIC_PROVIDER_FACTORY_H_

#include <array>
#include <expected>
#include <memory>
#include <string_view>

#include "snp/public/derived_key.h"
#include "snp/public/sev_guest.h"
#include "snp/public/virtual_platform.h"

namespace ledgerseal::snp {

// Every platform name MakeProvider accepts.
inline constexpr std::array<std::string_view, 2> kPlatformNames = {kSevGuestPlatformName,
                                                                    kVirtualPlatformName};

// "sev-guest": SevGuestProvider::Open(sev_guest_options), which fails with
// kDeviceUnavailable on a machine that is not an SEV-SNP guest.
// "virtual": VirtualProvider::Open(virtual_options); the caller must show
// kInsecureBanner (the provider's platform_name() is "virtual").
// The options of the platform not chosen are ignored.
// Errors: kInvalidRequest listing kPlatformNames for an unknown name; those
// of the chosen platform's Open. Thread-safe.
base::Expected<std::unique_ptr<DerivedKeyProvider>, DerivedKeyError> MakeProvider(
    std::string_view platform, const VirtualPlatformOptions& virtual_options,
    const SevGuestOptions& sev_guest_options = {});

}  // namespace ledgerseal::snp

#endif  // LEDGERSEAL_SNP_PUBLIC_PROVIDER_FACTORY_H_
