// `ledgerseal operator`: what a recovery member does with its own key,
// offline (docs/RECOVERY_SHARES.md).

#include <openssl/crypto.h>

#include <filesystem>
#include <iostream>

#include "crypto/public/ecies.h"
#include "crypto/public/pem.h"
#include "kvstore_adapter/ledger/public/ledger_files.h"
#include "kvstore_adapter/reference_host/entry/public/entry_codec.h"
#include "plugin/public/recovery_shares.h"
#include "tools/arguments.h"
#include "tools/command.h"
#include "tools/entry_points.h"
#include "tools/file_io.h"

namespace ledgerseal::tools {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kCommand = "operator";

int Fail(const std::string& message) {
  std::cerr << "ledgerseal operator: " << message << "\n";
  return kExitFailure;
}

int Keygen(std::span<const std::string_view> args) {
  std::optional<std::string_view> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--out") {
      out = OptionValue("operator keygen", args, i);
      if (!out) return kExitUsage;
    } else {
      UnexpectedArgument("operator keygen", args[i]);
      return kExitUsage;
    }
  }
  if (!out) {
    std::cerr << "ledgerseal operator keygen: --out NAME is required\n";
    return kExitUsage;
  }
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

int DecryptShare(std::span<const std::string_view> args) {
  std::optional<std::string_view> key_file, ledger, out;
  for (size_t i = 0; i < args.size(); ++i) {
    std::optional<std::string_view>* target = args[i] == "--key"      ? &key_file
                                              : args[i] == "--ledger" ? &ledger
                                              : args[i] == "--out"    ? &out
                                                                      : nullptr;
    if (target == nullptr) {
      UnexpectedArgument("operator decrypt-share", args[i]);
      return kExitUsage;
    }
    *target = OptionValue("operator decrypt-share", args, i);
    if (!*target) return kExitUsage;
  }
  if (!key_file || !ledger) {
    std::cerr << "ledgerseal operator decrypt-share: --key FILE and --ledger DATA_DIR are required\n";
    return kExitUsage;
  }
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

}  // namespace

int RunOperatorCommand(std::span<const std::string_view> args) {
  if (args.empty()) {
    std::cerr << "ledgerseal operator: expected keygen or decrypt-share (see ledgerseal operator --help)\n";
    return kExitUsage;
  }
  if (args[0] == "keygen") return Keygen(args.subspan(1));
  if (args[0] == "decrypt-share") return DecryptShare(args.subspan(1));
  UnexpectedArgument(kCommand, args[0]);
  return kExitUsage;
}

}  // namespace ledgerseal::tools
