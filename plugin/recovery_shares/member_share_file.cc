// Share files (docs/RECOVERY_SHARES.md, "Share files"): a JSON object, so
// that a member can read what a file is for before handing it over.
#include <nlohmann/json.hpp>

#include <openssl/crypto.h>

#include <algorithm>

#include "base/hex.h"
#include "base/strict_json.h"
#include "plugin/public/recovery_shares.h"
#include "plugin/recovery_shares/shares_context.h"

namespace ledgerseal::recovery {
namespace {

constexpr std::string_view kShareFileFormat = "ledgerseal recovery share v1";

std::unexpected<SealingError> Malformed(const std::string& why) {
  return MakeSealingError(SealingErrorCode::kMalformed, "share file: " + why);
}

}  // namespace

std::string EncodeMemberShareFile(const MemberShareFile& share) {
  std::string hex = base::ToHex(share.y.bytes());
  nlohmann::json doc = {{"format", kShareFileFormat},
                        {"service_id", share.service_id},
                        {"ledger_secret_version", share.ledger_secret_version},
                        {"member", share.member_name},
                        {"x", share.x},
                        {"share", hex}};
  OPENSSL_cleanse(hex.data(), hex.size());
  std::string text = doc.dump(2) + "\n";
  // The document's copy of the share is freed with it; wipe it first.
  auto& held = doc["share"].get_ref<std::string&>();
  OPENSSL_cleanse(held.data(), held.size());
  return text;
}

namespace {

// A decoded file's share text, wiped when the document is freed.
struct WipeShareOnExit {
  nlohmann::json& doc;
  ~WipeShareOnExit() {
    if (auto it = doc.find("share"); it != doc.end() && it->is_string()) {
      auto& held = it->get_ref<std::string&>();
      OPENSSL_cleanse(held.data(), held.size());
    }
  }
};

bool IsServiceId(const std::string& s) {
  return s.size() == 32 &&
         std::ranges::all_of(s, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

SealingResult<MemberShareFile> DecodeMemberShareFile(std::string_view text) {
  std::string why;
  auto doc = base::ParseStrictJson(text, why);
  if (!doc) return Malformed(why);
  WipeShareOnExit wipe{*doc};
  if (!doc->is_object()) return Malformed("not a JSON object");
  auto field = [&](const char* name, auto check) -> const nlohmann::json* {
    auto it = doc->find(name);
    return it != doc->end() && check(*it) ? &*it : nullptr;
  };
  const auto is_string = [](const nlohmann::json& j) { return j.is_string(); };
  const auto is_count = [](const nlohmann::json& j) { return j.is_number_unsigned(); };
  const auto* format = field("format", is_string);
  if (format == nullptr) return Malformed("no \"format\" string");
  if (format->get<std::string>() != kShareFileFormat) {
    return MakeSealingError(SealingErrorCode::kUnknownFormatVersion,
                            "share file: format \"" + format->get<std::string>() + "\", expected \"" +
                                std::string(kShareFileFormat) + "\"");
  }
  const auto* service = field("service_id", is_string);
  const auto* version = field("ledger_secret_version", is_count);
  const auto* member = field("member", is_string);
  const auto* x = field("x", is_count);
  const auto* hex = field("share", is_string);
  for (auto [name, value] : {std::pair{"service_id", service}, std::pair{"ledger_secret_version", version},
                             std::pair{"member", member}, std::pair{"x", x}, std::pair{"share", hex}}) {
    if (value == nullptr) return Malformed(std::string("no valid \"") + name + "\"");
  }
  if (x->get<uint64_t>() < 1 || x->get<uint64_t>() > kMaxMembers) return Malformed("\"x\" out of range");
  // Names what a node logs and answers: checked before anything repeats it.
  if (!IsServiceId(service->get_ref<const std::string&>())) return Malformed("\"service_id\" is not 32 hex digits");
  if (!internal::ValidMemberName(member->get_ref<const std::string&>())) {
    return Malformed("\"member\" is not a member name (1-64 of A-Z a-z 0-9 . _ -)");
  }
  auto y = base::FromHex(hex->get_ref<const std::string&>());
  if (!y || y->size() != 32) {
    if (y) OPENSSL_cleanse(y->data(), y->size());
    return Malformed("\"share\" is not 64 hex digits");
  }
  MemberShareFile out{service->get<std::string>(), version->get<uint64_t>(), member->get<std::string>(),
                      static_cast<uint32_t>(x->get<uint64_t>()), kv::SecretBytes(*y)};
  OPENSSL_cleanse(y->data(), y->size());
  return out;
}

}  // namespace ledgerseal::recovery
