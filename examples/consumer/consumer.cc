// A program outside ledgerseal, using only its public targets: an in-memory
// single-node host (LocalHost) with the local-sealing plugin registered
// through the adapter interface. It commits a value, rotates the ledger
// secret, loses the host (a total outage: only the ledger is left), recovers
// a new service from the ledger by local unsealing, and reads the value back.
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>

#include "kvstore_adapter/local_host/public/local_host.h"
#include "kvstore_adapter/public/types.h"
#include "plugin/local_sealing/public/local_sealing.h"

namespace kv = ledgerseal::kv;
namespace sealing = ledgerseal::sealing;

namespace {

// Removes the directory (and the machine secret in it) on every exit path.
struct TempDir {
  std::filesystem::path path;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

int Fail(const kv::Error& error) {
  std::fprintf(stderr, "consumer: %s\n", error.ToString().c_str());
  return 1;
}

}  // namespace

int main() {
  // The `virtual` platform keeps its machine secret in a file; use a fresh
  // private directory for it.
  std::string dir_template = (std::filesystem::temp_directory_path() / "consumer.XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) {
    std::perror("consumer: mkdtemp");
    return 1;
  }
  const TempDir dir{dir_template};

  sealing::LocalSealingOptions options;
  options.node_id = "n1";
  options.sealing_identity = "consumer-1";
  options.platform = "virtual";
  options.virtual_machine_secret_path = dir.path / "machine.secret";
  options.create_virtual_machine_secret = true;  // this node's first start
  auto plugin = sealing::LocalSealing::Create(std::move(options));
  if (!plugin) return Fail(plugin.error());
  // What this node presents for sealing: its recovery key, sealed to the
  // platform and bound to the identity of the service it serves (the host
  // calls this at genesis and after a recovery, with the new identity).
  kv::JoinPayloadFactory payload_for = [&](const kv::ServiceIdentity& identity) {
    return (*plugin)->NewJoinPayload(identity);
  };

  // A service: the plugin registers its hooks before the first commit.
  auto host = kv::LocalHost::Create({.node = {"n1", "consumer-1", ""}, .join_payload_for = payload_for});
  if (!host) return Fail(host.error());
  if (auto s = (*plugin)->RegisterWith(**host); !s) return Fail(s.error());

  constexpr kv::Table kGreetings{"consumer.greetings", kv::Domain::kPrivate};
  auto tx = (*host)->BeginTransaction();
  if (!tx) return Fail(tx.error());
  if (auto s = (*tx)->Put(kGreetings, kv::AsBytes("hello"), kv::AsBytes("world")); !s) return Fail(s.error());
  auto version = (*host)->Commit(std::move(*tx));
  if (!version) return Fail(version.error());
  std::printf("committed version %llu\n", static_cast<unsigned long long>(*version));

  // A rotation: the plugin seals the new secret in the same transaction.
  auto rotate = (*host)->BeginTransaction();
  if (!rotate) return Fail(rotate.error());
  auto rotated = (*host)->Commit(std::move(*rotate), {.rotate_secret = true});
  if (!rotated) return Fail(rotated.error());
  std::printf("rotated the ledger secret at version %llu\n", static_cast<unsigned long long>(*rotated));

  // Total outage: the host is gone, its ledger is all that is left.
  const kv::LocalLedger ledger = (*host)->ledger();
  host->reset();

  // Recovery on the same (virtual) hardware: local unsealing, then replay.
  auto recovered = kv::LocalHost::Recover(ledger, {.node = {"n1", "consumer-1", ""}, .join_payload_for = payload_for},
                                          [&](kv::HookRegistrar& registrar) { return (*plugin)->RegisterWith(registrar); });
  if (!recovered) return Fail(recovered.error());
  auto read = (*recovered)->BeginTransaction();
  if (!read) return Fail(read.error());
  auto value = (*read)->Get(kGreetings, kv::AsBytes("hello"));
  if (!value) return Fail(value.error());
  if (!*value || kv::AsString(**value) != "world") {
    std::fprintf(stderr, "consumer: the recovered service lost the committed value\n");
    return 1;
  }
  std::printf("recovered service %s by local unsealing: hello = %s\n", (*recovered)->node().service_id.c_str(),
              std::string(kv::AsString(**value)).c_str());
  return 0;
}
