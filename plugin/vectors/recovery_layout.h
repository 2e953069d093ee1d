// TEST ONLY: the byte strings of docs/RECOVERY_SHARES.md ("Bindings") and
// FORMAT.md §4.6 for recovery shares, encoded from the documents by this
// package (never by the plugin's code), for the recovery-shares vectors'
// generator and their independent check.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_RECOVERY_LAYOUT_H_
#define LEDGERSEAL_PLUGIN_VECTORS_RECOVERY_LAYOUT_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace ledgerseal::vectors::recovery_layout {

using Bytes = std::vector<uint8_t>;

// FORMAT.md §4: u32be(length) || bytes.
inline void Item(Bytes& out, const void* data, size_t size) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(size >> shift));
  const auto* p = static_cast<const uint8_t*>(data);
  out.insert(out.end(), p, p + size);
}
inline void Item(Bytes& out, std::string_view s) { Item(out, s.data(), s.size()); }
inline void ItemU32(Bytes& out, uint32_t v) {
  const uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
  Item(out, b, 4);
}
inline void ItemU64(Bytes& out, uint64_t v) {
  uint8_t b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (56 - 8 * i));
  Item(out, b, 8);
}
// A raw label: not an item (RECOVERY_SHARES.md, "Bindings").
inline Bytes Label(std::string_view label) { return Bytes(label.begin(), label.end()); }

// AAD of the wrapped ledger secret.
inline Bytes WrappedSecretAad(std::string_view service_id, uint64_t version) {
  Bytes out = Label("ledgerseal recovery wrapped secret v1");
  Item(out, service_id);
  ItemU64(out, version);
  return out;
}

// L_ms: the ECIES info of member share x.
inline Bytes ShareInfo(std::string_view service_id, uint64_t version, std::string_view member, uint32_t x,
                       uint32_t k, uint32_t n) {
  Bytes out = Label("ledgerseal recovery share v1");
  Item(out, service_id);
  ItemU64(out, version);
  Item(out, member);
  ItemU32(out, x);
  ItemU32(out, k);
  ItemU32(out, n);
  return out;
}

// The commitment message (its SHA-256 is the share's commitment).
inline Bytes CommitmentMessage(std::string_view service_id, uint64_t version, std::string_view member, uint32_t x,
                               const Bytes& y) {
  Bytes out = Label("ledgerseal recovery share commitment v1");
  Item(out, service_id);
  ItemU64(out, version);
  Item(out, member);
  ItemU32(out, x);
  Item(out, y.data(), y.size());
  return out;
}

// FORMAT.md §4.6: item(domain) || item(SHA-256(signer SPKI)) || item(body).
inline Bytes SignedMessage(std::string_view domain, const Bytes& spki_sha256, const Bytes& body) {
  Bytes out;
  Item(out, domain);
  Item(out, spki_sha256.data(), spki_sha256.size());
  Item(out, body.data(), body.size());
  return out;
}

}  // namespace ledgerseal::vectors::recovery_layout

#endif  // LEDGERSEAL_PLUGIN_VECTORS_RECOVERY_LAYOUT_H_
