#include "kvstore_adapter/reference_host/cluster/public/writers.h"

#include <algorithm>

#include "kvstore_adapter/reference_host/rpc/public/rpc_client.h"

namespace ledgerseal::cluster {

Writers::Writers(const std::string& address, std::string table, int count, size_t value_bytes,
                 std::string key_prefix) {
  for (int w = 0; w < count; ++w) {
    threads_.emplace_back([this, address, table, w, value_bytes, key_prefix] {
      rpc::RpcClient client(address);
      // Bounded by the stop flag.
      for (int i = 0; !stop_; ++i) {
        rpc::v1::PutRequest put;
        auto* write = put.add_writes();
        write->set_table(table);
        write->set_private_domain(true);
        write->set_key(key_prefix + "w" + std::to_string(w) + "-" + std::to_string(i));
        std::string value = "value-" + std::to_string(i);
        value.resize(std::max(value.size(), value_bytes), '.');
        write->set_value(value);
        auto r = client.Put(put);
        std::lock_guard lock(mu_);
        if (r) {
          acked_.values[write->key()] = write->value();
          acked_.max_version = std::max(acked_.max_version, r->version());
        } else {
          errors_.push_back(r.error().ToString());
        }
      }
    });
  }
}

void Writers::Stop() {
  stop_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

size_t Writers::acked() {
  std::lock_guard lock(mu_);
  return acked_.values.size();
}

}  // namespace ledgerseal::cluster
