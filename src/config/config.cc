#include "config/config.h"

#include <cassert>

namespace sluice::config {

const PipelineConfig* Config::FindPipeline(std::string_view name) const {
  for (const PipelineConfig& pipeline : pipelines) {
    if (pipeline.name == name) return &pipeline;
  }
  return nullptr;
}

const SourceConnection& Config::SourceOf(const PipelineConfig& pipeline) const {
  auto found = connections.sources.find(pipeline.source);
  assert(found != connections.sources.end());
  return found->second;
}

const TargetConnection& Config::TargetOf(const PipelineConfig& pipeline) const {
  auto found = connections.targets.find(pipeline.target);
  assert(found != connections.targets.end());
  return found->second;
}

const StoreConfig& Config::StoreOf(const PipelineConfig& pipeline) const {
  auto found = connections.stores.find(pipeline.store);
  assert(found != connections.stores.end());
  return found->second;
}

std::string_view ToString(SourceType value) {
  switch (value) {
    case SourceType::kMySql: return "mysql";
    case SourceType::kPostgres: return "postgres";
    case SourceType::kSqlite: return "sqlite";
  }
  return "unknown";
}

std::string_view ToString(TargetType value) {
  switch (value) {
    case TargetType::kRedshift: return "redshift";
    case TargetType::kPostgres: return "postgres";
    case TargetType::kDuckDb: return "duckdb";
  }
  return "unknown";
}

std::string_view ToString(StoreType value) {
  switch (value) {
    case StoreType::kS3: return "s3";
    case StoreType::kLocal: return "local";
  }
  return "unknown";
}

std::string_view ToString(SslMode value) {
  switch (value) {
    case SslMode::kDisabled: return "disabled";
    case SslMode::kPreferred: return "preferred";
    case SslMode::kRequired: return "required";
    case SslMode::kVerifyCa: return "verify_ca";
    case SslMode::kVerifyIdentity: return "verify_identity";
  }
  return "unknown";
}

std::string_view ToString(CdcStrategy value) {
  switch (value) {
    case CdcStrategy::kHybrid: return "hybrid";
    case CdcStrategy::kTimestampOnly: return "timestamp_only";
    case CdcStrategy::kIdOnly: return "id_only";
    case CdcStrategy::kFullSync: return "full_sync";
    case CdcStrategy::kCustomSql: return "custom_sql";
  }
  return "unknown";
}

std::string_view ToString(FullSyncMode value) {
  switch (value) {
    case FullSyncMode::kReplace: return "replace";
    case FullSyncMode::kAppend: return "append";
  }
  return "unknown";
}

std::string_view ToString(PartitionStrategy value) {
  switch (value) {
    case PartitionStrategy::kDatetime: return "datetime";
    case PartitionStrategy::kTable: return "table";
    case PartitionStrategy::kHybrid: return "hybrid";
  }
  return "unknown";
}

std::string_view ToString(Compression value) {
  switch (value) {
    case Compression::kZstd: return "zstd";
    case Compression::kSnappy: return "snappy";
    case Compression::kNone: return "none";
  }
  return "unknown";
}

std::string_view ToString(ZeroDates value) {
  switch (value) {
    case ZeroDates::kNull: return "null";
    case ZeroDates::kError: return "error";
  }
  return "unknown";
}

std::string_view ToString(NullCursor value) {
  switch (value) {
    case NullCursor::kWarn: return "warn";
    case NullCursor::kError: return "error";
    case NullCursor::kIgnore: return "ignore";
  }
  return "unknown";
}

}  // namespace sluice::config
