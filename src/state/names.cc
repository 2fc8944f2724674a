#include "state/names.h"

#include "store/keys.h"

namespace sluice::state::internal {

Status ValidatePipelineName(const std::string& pipeline) {
  if (pipeline.empty()) return InvalidArgument("the pipeline name is empty");
  if (pipeline.find('/') != std::string::npos) {
    return InvalidArgument("pipeline name '{}' contains '/', which cannot name a state document", pipeline);
  }
  return store::ValidateKey(pipeline);
}

Status ValidateDocumentNames(const std::string& pipeline, const std::string& table, const std::string& key) {
  SLUICE_RETURN_IF_ERROR(ValidatePipelineName(pipeline));
  if (table.empty()) return InvalidArgument("pipeline {}: the table name is empty", pipeline);
  if (table.find('/') != std::string::npos) {
    return InvalidArgument("pipeline {}: table name '{}' contains '/', which cannot name a state document", pipeline,
                           table);
  }
  return store::ValidateKey(key);
}

}  // namespace sluice::state::internal
