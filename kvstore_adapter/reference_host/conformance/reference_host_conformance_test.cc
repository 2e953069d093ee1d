// The host conformance suite against the reference host: real nodes run
// in-process (reference_host_factory.h).
#include <memory>

#include "kvstore_adapter/conformance/host_conformance.h"
#include "kvstore_adapter/reference_host/conformance/reference_host_factory.h"

namespace {

using ::ledgerseal::kv::conformance::ReferenceHostFactory;

INSTANTIATE_HOST_CONFORMANCE(ReferenceHost, [] { return std::make_unique<ReferenceHostFactory>(); });

}  // namespace
