// Fuzz target: a recorded coordinated-recovery decision is read back from a
// ledger file the host controls; `ledgerseal inspect` must report any bytes
// as a decision with its problems, never crash, and never verify a
// decision whose claims nobody signed.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "kvstore_adapter/reference_host/membership/public/membership.h"
#include "tools/audit/recovery_decision_audit.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace kv = ::ledgerseal::kv;
  // Invalid UTF-8 in string fields is refused by the parser; not worth a log line per input.
  static const google::protobuf::LogSilencer silence;
  kv::ServiceRecord previous;
  previous.service_id = "5cd252fb0ce8932436faf8ccd1040981";
  previous.identity_algorithm = 2;
  previous.identity_public_key_der = kv::Bytes(91, 4);  // not a key: nothing verifies
  kv::ServiceRecord successor;
  successor.service_id = "0123456789abcdef0123456789abcdef";
  kv::WriteSet writes;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (!writes.Put(kv::membership::kRecoveryDecisionsTable, kv::AsBytes("0123456789abcdef0123456789abcdef"),
                  kv::AsBytes(bytes))) {
    return 0;
  }
  auto audit = ledgerseal::tools::AuditRecoveryDecision(writes, successor, previous);
  if (!audit) __builtin_trap();  // a record is there: it must be reported
  (void)audit->Summary();
  (void)audit->ToJson().dump();
  for (const auto& claim : audit->claims) {
    if (claim.signature_verified) __builtin_trap();
  }
  return 0;
}
