// The primitives of LocalHost's byte formats (internal to
// //kvstore_adapter/local_host): big-endian integers and u32-length-prefixed
// fields, read with bounds checks and written into buffers sized in advance.
// local_ledger_format.h and local_service_identity.h document the formats.
#ifndef LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_LOCAL_CODEC_H_
#define LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_LOCAL_CODEC_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/check.h"
#include "kvstore_adapter/public/types.h"

namespace ledgerseal::kv::local {

// Appends `v`, big-endian (for small public buffers that may reallocate).
inline void PutU32(Bytes& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}
inline void PutU64(Bytes& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}
// Appends a u32 length, then `bytes` (Writer::Field for such buffers).
inline void PutField(Bytes& out, ByteView bytes) {
  LEDGERSEAL_CHECK(bytes.size() <= UINT32_MAX);
  PutU32(out, static_cast<uint32_t>(bytes.size()));
  out.insert(out.end(), bytes.begin(), bytes.end());
}

// Reads what Writer wrote; every read checks the bounds and returns false
// (consuming nothing useful) when the bytes are too short.
class Reader {
 public:
  explicit Reader(ByteView bytes) : bytes_(bytes) {}
  bool U8(uint8_t& v) {
    if (bytes_.size() - pos_ < 1) return false;
    v = bytes_[pos_++];
    return true;
  }
  bool U32(uint32_t& v) {
    if (bytes_.size() - pos_ < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | bytes_[pos_++];
    return true;
  }
  bool U64(uint64_t& v) {
    if (bytes_.size() - pos_ < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | bytes_[pos_++];
    return true;
  }
  // A u32 length, then that many bytes (a view into the input).
  bool Field(ByteView& v) {
    uint32_t size = 0;
    if (!U32(size) || bytes_.size() - pos_ < size) return false;
    v = bytes_.subspan(pos_, size);
    pos_ += size;
    return true;
  }
  ByteView Rest() {
    ByteView rest = bytes_.subspan(pos_);
    pos_ = bytes_.size();
    return rest;
  }
  bool done() const { return pos_ == bytes_.size(); }

 private:
  ByteView bytes_;
  size_t pos_ = 0;
};

// Writes into a buffer sized in advance, so no reallocation leaves copies of
// private writes or keys behind. Overrunning the buffer is a bug (checked).
class Writer {
 public:
  explicit Writer(std::span<uint8_t> out) : out_(out) {}
  void U8(uint8_t v) {
    LEDGERSEAL_CHECK(pos_ < out_.size());
    out_[pos_++] = v;
  }
  void U32(uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) U8(static_cast<uint8_t>(v >> shift));
  }
  void U64(uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) U8(static_cast<uint8_t>(v >> shift));
  }
  void Field(ByteView bytes) {
    LEDGERSEAL_CHECK(bytes.size() <= UINT32_MAX && out_.size() - pos_ >= 4 + bytes.size());
    U32(static_cast<uint32_t>(bytes.size()));
    std::copy(bytes.begin(), bytes.end(), out_.begin() + static_cast<ptrdiff_t>(pos_));
    pos_ += bytes.size();
  }
  bool done() const { return pos_ == out_.size(); }

 private:
  std::span<uint8_t> out_;
  size_t pos_ = 0;
};

}  // namespace ledgerseal::kv::local

#endif  // LEDGERSEAL_KVSTORE_ADAPTER_LOCAL_HOST_LOCAL_CODEC_H_
