#include "crypto/public/pem.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>

#include <memory>

namespace ledgerseal::crypto {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

// Frees what PEM_read_bio allocated; the data may be a private key.
struct PemParts {
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  ~PemParts() {
    OPENSSL_free(name);
    OPENSSL_free(header);
    if (data != nullptr) OPENSSL_clear_free(data, static_cast<size_t>(length));
  }
};

}  // namespace

base::Expected<std::string, std::string> DerToPem(std::string_view label,
                                                 std::span<const uint8_t> der) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  const std::string name(label);
  if (!bio ||
      PEM_write_bio(bio.get(), name.c_str(), "", der.data(), static_cast<long>(der.size())) <= 0) {
    return std::unexpected("PEM: writing " + name + " failed");
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  if (length <= 0 || data == nullptr) return std::unexpected("PEM: empty output");
  std::string pem(data, static_cast<size_t>(length));
  OPENSSL_cleanse(data, static_cast<size_t>(length));
  return pem;
}

base::Expected<std::vector<uint8_t>, std::string> PemToDer(std::string_view label,
                                                          std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return std::unexpected("PEM: BIO_new_mem_buf failed");
  PemParts parts;
  if (PEM_read_bio(bio.get(), &parts.name, &parts.header, &parts.data, &parts.length) != 1) {
    return std::unexpected("PEM: no PEM block");
  }
  if (std::string_view(parts.name) != label) {
    return std::unexpected("PEM: block is '" + std::string(parts.name) + "', expected '" +
                           std::string(label) + "'");
  }
  if (std::string_view(parts.header) != "" || BIO_pending(bio.get()) != 0) {
    return std::unexpected("PEM: headers or data after the block");
  }
  return std::vector<uint8_t>(parts.data, parts.data + parts.length);
}

}  // namespace ledgerseal::crypto
