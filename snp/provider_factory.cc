#include "snp/public/provider_factory.h"

#include <string>

#include "snp/error_util.h"

namespace ledgerseal::snp {
namespace {

// Widens expected<unique_ptr<Derived>> to expected<unique_ptr<DerivedKeyProvider>>.
template <typename Provider>
base::Expected<std::unique_ptr<DerivedKeyProvider>, DerivedKeyError> Widen(
    base::Expected<std::unique_ptr<Provider>, DerivedKeyError> opened) {
  if (!opened) return std::unexpected(std::move(opened.error()));
  return std::unique_ptr<DerivedKeyProvider>(std::move(*opened));
}

}  // namespace

base::Expected<std::unique_ptr<DerivedKeyProvider>, DerivedKeyError> MakeProvider(
    std::string_view platform, const VirtualPlatformOptions& virtual_options,
    const SevGuestOptions& sev_guest_options) {
  if (platform == kSevGuestPlatformName) return Widen(SevGuestProvider::Open(sev_guest_options));
  if (platform == kVirtualPlatformName) return Widen(VirtualProvider::Open(virtual_options));
  std::string valid;
  for (std::string_view name : kPlatformNames) valid += (valid.empty() ? "" : ", ") + std::string(name);
  return Fail(DerivedKeyErrorCode::kInvalidRequest,
              "unknown SNP platform \"" + std::string(platform) + "\"; valid platforms: " + valid);
}

}  // namespace ledgerseal::snp
