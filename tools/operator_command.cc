// `ledgerseal operator`: what a recovery member does with its own key,
// offline (docs/RECOVERY_SHARES.md).

#include <openssl/crypto.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "crypto/public/ecies.h"
#include "crypto/public/pem.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"
#include "plugin/public/recovery_shares.h"
#include "tools/command.h"
#include "tools/file_io.h"

namespace ledgerseal::tools {
namespace {

namespace fs = std::filesystem;

int Fail(const std::string& message) {
  std::cerr << "ledgerseal operator: " << message << "\n";
  return kExitFailure;
}

struct OperatorArgs {
  std::string out;     // keygen: NAME; decrypt-share: FILE (empty: stdout)
  std::string key;     // decrypt-share
  std::string ledger;  // decrypt-share: DATA_DIR
};

int Keygen(const OperatorArgs& args) {
  const std::string* out = &args.out;
  const fs::path private_path = std::string(*out) + ".key.pem";
  const fs::path public_path = std::string(*out) + ".pub.pem";
  std::error_code ec;
  for (const auto& p : {private_path, public_path}) {
    if (fs::exists(fs::symlink_status(p, ec))) return Fail(p.string() + " exists: a key is never overwritten");
  }
  auto key = crypto::EcdhPrivateKey::Generate();
  if (!key) return Fail("generating the key: " + key.error().ToString());
  auto pkcs8 = key->ToPkcs8Der();
  auto spki = key->PublicKeyDer();
  if (!pkcs8 || !spki) return Fail("encoding the key");
  auto private_pem = crypto::DerToPem(crypto::kPrivateKeyPemLabel, pkcs8->bytes());
  auto public_pem = crypto::DerToPem(crypto::kPublicKeyPemLabel, *spki);
  if (!private_pem || !public_pem) return Fail("PEM encoding failed");
  std::string why;
  const bool saved = WriteNewFile(private_path, *private_pem, 0600, why);
  OPENSSL_cleanse(private_pem->data(), private_pem->size());
  if (!saved) return Fail(why);
  if (!WriteNewFile(public_path, *public_pem, 0644, why)) {
    // Nothing half-made stays behind: the private key file is this run's.
    fs::remove(private_path, ec);
    return Fail(why);
  }
  std::cout << "wrote " << private_path.string() << " (private key, mode 0600: keep it offline) and "
            << public_path.string() << " (public key: give it to the service's operators)\n";
  return kExitOk;
}

// The newest `recovery.shares` value in DATA_DIR's ledger, and its version.
kv::Result<std::pair<kv::Bytes, kv::Version>> NewestRecord(const fs::path& data_dir) {
  auto view = kv::ledger::LedgerView::Open(data_dir / "ledger");
  if (!view) return std::unexpected(view.error());
  auto it = (*view)->NewBackwardIterator();
  // Bounded by the ledger's length; stops at the first record found.
  for (;;) {
    auto entry = it.Previous();
    if (!entry) return std::unexpected(entry.error());
    if (!*entry) break;
    auto pub = kv::entry::DecodePublic((*entry)->payload);
    if (!pub) return kv::MakeError(kv::ErrorCode::kCorruption, "entry " + std::to_string((*entry)->version) + ": " +
                                                                    pub.error().message);
    const auto* value = pub->public_writes.Find(recovery::kRecoverySharesTable,
                                                kv::AsBytes(recovery::kRecoverySharesKey));
    if (value != nullptr && value->has_value()) return std::pair{**value, (*entry)->version};
  }
  return kv::MakeError(kv::ErrorCode::kNotFound, "no recovery.shares record in " + (data_dir / "ledger").string() +
                                                     " (the service has no recovery members)");
}

int DecryptShare(const OperatorArgs& args) {
  const std::string* key_file = &args.key;
  const std::string* ledger = &args.ledger;
  const std::optional<std::string> out =
      args.out.empty() ? std::nullopt : std::optional<std::string>(args.out);
  std::string why;
  auto pem = ReadSmallFile(*key_file, why);
  if (!pem) return Fail(why);
  auto der = crypto::PemToDer(crypto::kPrivateKeyPemLabel, *pem);
  OPENSSL_cleanse(pem->data(), pem->size());
  if (!der) return Fail(std::string(*key_file) + ": " + der.error());
  auto key = crypto::EcdhPrivateKey::FromPkcs8Der(*der);
  OPENSSL_cleanse(der->data(), der->size());
  if (!key) return Fail(std::string(*key_file) + ": not a member key: " + key.error().ToString());
  auto record = NewestRecord(fs::path(*ledger));
  if (!record) return Fail(record.error().ToString());
  auto share = recovery::DecryptMemberShare(record->first, *key);
  if (!share) return Fail("recovery.shares at version " + std::to_string(record->second) + ": " + share.error().ToString());
  std::string text = recovery::EncodeMemberShareFile(*share);
  std::cerr << "share " << share->x << " of member '" << share->member_name << "' for ledger secret "
            << share->ledger_secret_version << " of service " << share->service_id << " (record at version "
            << record->second << "); check that this is the service you expect before handing it over\n";
  int code = kExitOk;
  if (out) {
    if (!WriteNewFile(*out, text, 0600, why)) code = Fail(why);
  } else {
    std::cout << text;
  }
  OPENSSL_cleanse(text.data(), text.size());
  return code;
}

constexpr char kDetails[] =
    "Recovery members hold k-of-n shares of every ledger secret, for when the\n"
    "hardware that sealed it is gone (docs/RECOVERY_SHARES.md).\n";

}  // namespace

void AddOperatorCommand(CLI::App& root, CommandRun& selected) {
  auto args = std::make_shared<OperatorArgs>();
  CLI::App* op = root.add_subcommand("operator", "what a recovery member does with its key, offline");
  SetDetails(*op, kDetails);
  op->require_subcommand(0, 1);

  CLI::App* keygen = op->add_subcommand("keygen", "make a member's key pair");
  SetDetails(*keygen,
             "Writes NAME.key.pem (the member's ECDH P-256 private key, mode 0600: keep it\n"
             "offline) and NAME.pub.pem (its public key, for the service's\n"
             "recovery_shares.members). Never overwrites a file.\n");
  keygen->add_option("--out", args->out, "the files' path without .key.pem / .pub.pem")
      ->type_name("NAME")
      ->required()
      ->check(NotAnOption());
  RunWhenParsed(*keygen, selected, [args] { return Keygen(*args); });

  CLI::App* decrypt = op->add_subcommand("decrypt-share", "open this member's share of the newest ledger secret");
  SetDetails(*decrypt,
             "Finds the newest recovery.shares record in DATA_DIR's ledger, checks its\n"
             "service signature, opens this member's share and checks it against its\n"
             "commitment; writes the share file to FILE (new, mode 0600) or stdout, and\n"
             "says on stderr which service and ledger secret it is for. Nothing else\n"
             "secret is printed.\n");
  decrypt->add_option("--key", args->key, "the member's NAME.key.pem")->type_name("FILE")->required()->check(NotAnOption());
  decrypt->add_option("--ledger", args->ledger, "a node's data directory (its ledger/ is read)")
      ->type_name("DATA_DIR")
      ->required()
      ->check(NotAnOption());
  decrypt->add_option("--out", args->out, "write the share to FILE (new, mode 0600); default stdout")
      ->type_name("FILE")
      ->check(NotAnOption());
  RunWhenParsed(*decrypt, selected, [args] { return DecryptShare(*args); });
}

}  // namespace ledgerseal::tools
