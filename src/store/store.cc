#include "store/local/local_store.h"
#include "store/object_store.h"

namespace sluice::store {

Result<std::unique_ptr<ObjectStore>> OpenStore(const config::StoreConfig& config) {
  switch (config.type) {
    case config::StoreType::kLocal: {
      SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<LocalStore> store, LocalStore::Open(config));
      return std::unique_ptr<ObjectStore>(std::move(store));
    }
    case config::StoreType::kS3:
      return NotSupported("s3 stores are not supported yet; use a local store (type: local)");
  }
  return InvalidArgument("store '{}': unknown store type", config.name);
}

}  // namespace sluice::store
