// Plugs the ledger state machine into a Raft node.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_HOST_PUBLIC_LEDGER_FSM_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_HOST_PUBLIC_LEDGER_FSM_H_

#include "kvstore_adapter/reference_host/raft/public/state_machine.h"
#include "kvstore_adapter/reference_host/state_machine/public/ledger_state_machine.h"

namespace ledgerseal::kv {

// Raft's view of a LedgerStateMachine. Apply's outcome is EncodeOutcome(...);
// any Apply error is fatal for the node (kIoError): an entry that does not
// verify, or a secret this node lacks, means it cannot stay consistent.
// Thread safety: as StateMachine (the Raft loop thread only).
class LedgerFsm final : public replication::StateMachine {
 public:
  explicit LedgerFsm(LedgerStateMachine* machine) : machine_(machine) {}

  Result<Bytes> Apply(ByteView command) override {
    auto outcome = machine_->Apply(command);
    if (!outcome) {
      return MakeError(ErrorCode::kIoError, "applying a committed entry failed (" +
                                                outcome.error().ToString() + ")");
    }
    return EncodeOutcome(*outcome);
  }
  Result<Bytes> Snapshot() override { return machine_->Snapshot(); }
  Status Restore(ByteView snapshot) override { return machine_->Restore(snapshot); }

 private:
  LedgerStateMachine* machine_;  // not owned
};

}  // namespace ledgerseal::kv

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_REFERENCE_HOST_HOST_PUBLIC_LEDGER_FSM_H_
