#include "target/target.h"

#include "types/metadata_columns.h"

namespace sluice::target {

namespace {

Field MetadataField(std::string_view name, TypeId type, bool nullable) {
  return Field{std::string(name), DataType::Of(type), nullable, "", 0};
}

}  // namespace

Schema TableSchema(const LoadRequest& request) {
  Schema schema = *request.schema;
  if (!request.apply) return schema;
  switch (*request.apply) {
    case ApplyMode::kMerge:
      break;
    case ApplyMode::kSoftDelete:
      schema.fields.push_back(MetadataField(kDeletedAtColumn, TypeId::kTimestampTz, true));
      break;
    case ApplyMode::kHistory:
      schema.fields.push_back(MetadataField(kValidFromColumn, TypeId::kTimestampTz, false));
      schema.fields.push_back(MetadataField(kValidToColumn, TypeId::kTimestampTz, true));
      schema.fields.push_back(MetadataField(kIsCurrentColumn, TypeId::kBoolean, false));
      break;
    case ApplyMode::kChanges:
      schema.fields.push_back(MetadataField(kOpColumn, TypeId::kString, false));
      schema.fields.push_back(MetadataField(kCommitTsColumn, TypeId::kTimestampTz, false));
      schema.fields.push_back(MetadataField(kTxColumn, TypeId::kString, true));
      schema.fields.push_back(MetadataField(kSeqColumn, TypeId::kInt64, false));
      break;
  }
  return schema;
}

bool NeedsPrimaryKey(const LoadRequest& request) {
  return request.apply ? *request.apply != ApplyMode::kChanges : request.mode == LoadMode::kMerge;
}

}  // namespace sluice::target
