#include "kvstore_adapter/reference_host/raft/raft_errors.h"

#include "kvstore_adapter/reference_host/raft/raft_c.h"

namespace ledgerseal::replication {

using kv::ErrorCode;

ErrorCode RaftErrorCode(int raft_rv) {
  switch (raft_rv) {
    case RAFT_NOTLEADER: return ErrorCode::kNotPrimary;
    case RAFT_LEADERSHIPLOST:
    case RAFT_CANCELED: return ErrorCode::kAborted;
    case RAFT_SHUTDOWN:
    case RAFT_BUSY:
    case RAFT_CANTCHANGE:
    case RAFT_NOCONNECTION:
    case RAFT_TOOMANY:
    case RAFT_NOMEM: return ErrorCode::kUnavailable;
    case RAFT_IOERR:
    case RAFT_NOSPACE:
    case RAFT_UNAUTHORIZED: return ErrorCode::kIoError;
    case RAFT_CORRUPT:
    case RAFT_MALFORMED: return ErrorCode::kCorruption;
    case RAFT_NOTFOUND: return ErrorCode::kNotFound;
    case RAFT_BADID:
    case RAFT_DUPLICATEID:
    case RAFT_DUPLICATEADDRESS:
    case RAFT_BADROLE:
    case RAFT_INVALID:
    case RAFT_NAMETOOLONG:
    case RAFT_TOOBIG:
    case RAFT_CANTBOOTSTRAP: return ErrorCode::kInvalidArgument;
    default: return ErrorCode::kInternal;
  }
}

std::string RaftCodeName(int raft_rv) {
  switch (raft_rv) {
    case RAFT_NOMEM: return "RAFT_NOMEM";
    case RAFT_BADID: return "RAFT_BADID";
    case RAFT_DUPLICATEID: return "RAFT_DUPLICATEID";
    case RAFT_DUPLICATEADDRESS: return "RAFT_DUPLICATEADDRESS";
    case RAFT_BADROLE: return "RAFT_BADROLE";
    case RAFT_MALFORMED: return "RAFT_MALFORMED";
    case RAFT_NOTLEADER: return "RAFT_NOTLEADER";
    case RAFT_LEADERSHIPLOST: return "RAFT_LEADERSHIPLOST";
    case RAFT_SHUTDOWN: return "RAFT_SHUTDOWN";
    case RAFT_CANTBOOTSTRAP: return "RAFT_CANTBOOTSTRAP";
    case RAFT_CANTCHANGE: return "RAFT_CANTCHANGE";
    case RAFT_CORRUPT: return "RAFT_CORRUPT";
    case RAFT_CANCELED: return "RAFT_CANCELED";
    case RAFT_NAMETOOLONG: return "RAFT_NAMETOOLONG";
    case RAFT_TOOBIG: return "RAFT_TOOBIG";
    case RAFT_NOCONNECTION: return "RAFT_NOCONNECTION";
    case RAFT_BUSY: return "RAFT_BUSY";
    case RAFT_IOERR: return "RAFT_IOERR";
    case RAFT_NOTFOUND: return "RAFT_NOTFOUND";
    case RAFT_INVALID: return "RAFT_INVALID";
    case RAFT_UNAUTHORIZED: return "RAFT_UNAUTHORIZED";
    case RAFT_NOSPACE: return "RAFT_NOSPACE";
    case RAFT_TOOMANY: return "RAFT_TOOMANY";
    default: return "RAFT_" + std::to_string(raft_rv);
  }
}

kv::Error RaftError(int raft_rv, std::string_view what, std::string_view detail) {
  std::string message(what);
  message += ": ";
  message += raft_strerror(raft_rv);
  message += " (" + RaftCodeName(raft_rv) + ")";
  if (!detail.empty()) {
    message += ": ";
    message += detail;
  }
  return kv::Error{RaftErrorCode(raft_rv), std::move(message)};
}

}  // namespace ledgerseal::replication
