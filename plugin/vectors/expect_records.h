// TEST ONLY: comparisons of production records with a vector's fields,
// shared by the format 1 and format 2 vector tests.
#ifndef LEDGERSEAL_PLUGIN_VECTORS_EXPECT_RECORDS_H_
#define LEDGERSEAL_PLUGIN_VECTORS_EXPECT_RECORDS_H_

#include <gtest/gtest.h>

#include "base/bytes.h"
#include "plugin/proto/sealing.pb.h"
#include "plugin/vectors/field_reader.h"
#include "plugin/vectors/json_hex.h"

namespace ledgerseal::vectors {

using base::ToBytes;

// An AES-GCM blob of a production record equals the vector's, field by field.
inline void ExpectBlob(const sealing::v1::AeadBlob& blob, const BlobFields& fields) {
  EXPECT_EQ(Hex(ToBytes(blob.iv())), Hex(fields.iv));
  EXPECT_EQ(Hex(ToBytes(blob.ciphertext())), Hex(fields.ciphertext));
  EXPECT_EQ(Hex(ToBytes(blob.tag())), Hex(fields.tag));
}

}  // namespace ledgerseal::vectors

#endif  // LEDGERSEAL_PLUGIN_VECTORS_EXPECT_RECORDS_H_
