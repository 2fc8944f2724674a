// ShowPipeline: a pipeline and the connections it uses as YAML, with every
// default filled in and secrets as "***".
#include <fmt/format.h>

#include "common/redact.h"
#include "config/loader.h"
#include "config/parse.h"
#include "config/yaml_tree.h"

namespace sluice::config {
namespace {

// Text a YAML reader would take for a number, a boolean or null.
bool LooksTyped(std::string_view text) {
  if (text.empty()) return true;
  for (std::string_view word : {"true", "false", "yes", "no", "on", "off", "null", "~", "True", "False", "Null"}) {
    if (text == word) return true;
  }
  return text.find_first_not_of("0123456789.-+eE") == std::string_view::npos;
}

YamlNode Text(std::string_view text) { return YamlNode::Scalar(std::string(text), LooksTyped(text)); }
YamlNode Number(int64_t value) { return YamlNode::Scalar(std::to_string(value)); }
YamlNode Bool(bool value) { return YamlNode::Scalar(value ? "true" : "false"); }

void AddText(YamlNode& map, std::string key, const std::string& value) {
  if (!value.empty()) map.Add(std::move(key), Text(value));
}

void AddSecret(YamlNode& map, std::string key, const std::string& value) {
  if (!value.empty()) map.Add(std::move(key), YamlNode::Scalar(std::string(kRedactedText), true));
}

YamlNode ShowProcessing(const ProcessingConfig& processing) {
  YamlNode map = YamlNode::Map();
  map.Add("batch_size", Number(processing.batch_size));
  map.Add("timeout_minutes", Number(processing.timeout_minutes));
  map.Add("zero_dates", Text(ToString(processing.zero_dates)));
  map.Add("null_cursor", Text(ToString(processing.null_cursor)));
  map.Add("lease_seconds", Number(processing.lease_seconds));
  return map;
}

YamlNode ShowValidation(const ValidationConfig& validation) {
  YamlNode map = YamlNode::Map();
  map.Add("enable_data_quality_checks", Bool(validation.enable_data_quality_checks));
  if (validation.max_null_percentage) {
    map.Add("max_null_percentage", YamlNode::Scalar(fmt::format("{}", *validation.max_null_percentage)));
  }
  return map;
}

YamlNode ShowTable(const TableConfig& table) {
  YamlNode map = YamlNode::Map();
  map.Add("cdc_strategy", Text(ToString(table.cdc_strategy)));
  AddText(map, "cdc_timestamp_column", table.cdc_timestamp_column);
  AddText(map, "cdc_id_column", table.cdc_id_column);
  // Unset, the run resolves it: the default lookback for a table with a primary key, 0 without.
  if (table.cdc_strategy != CdcStrategy::kFullSync && table.lookback_seconds) {
    map.Add("lookback_seconds", Number(*table.lookback_seconds));
  }
  map.Add("target_name", Text(table.target_name));
  if (!table.primary_key.empty()) {
    YamlNode& key = map.Add("primary_key", YamlNode::List());
    for (const std::string& column : table.primary_key) key.items.push_back(Text(column));
  }
  if (table.cdc_strategy == CdcStrategy::kFullSync) map.Add("full_sync_mode", Text(ToString(table.full_sync_mode)));
  AddText(map, "custom_sql", table.custom_sql);
  map.Add("processing", ShowProcessing(table.processing));
  map.Add("validation", ShowValidation(table.validation));
  return map;
}

YamlNode ShowSsl(const SslConfig& ssl) {
  YamlNode map = YamlNode::Map();
  map.Add("mode", Text(ToString(ssl.mode)));
  AddText(map, "ca", ssl.ca);
  AddText(map, "cert", ssl.cert);
  AddText(map, "key", ssl.key);
  return map;
}

YamlNode ShowSshTunnel(const SshTunnelConfig& tunnel) {
  YamlNode map = YamlNode::Map();
  map.Add("enabled", Bool(tunnel.enabled));
  if (!tunnel.enabled) return map;
  AddText(map, "host", tunnel.host);
  map.Add("port", Number(tunnel.port));
  AddText(map, "username", tunnel.username);
  AddText(map, "private_key_path", tunnel.private_key_path);
  AddSecret(map, "private_key_passphrase", tunnel.private_key_passphrase);
  AddText(map, "known_hosts", tunnel.known_hosts);
  return map;
}

YamlNode ShowSource(const SourceConnection& source) {
  YamlNode map = YamlNode::Map();
  map.Add("type", Text(ToString(source.type)));
  if (source.type == SourceType::kSqlite) {
    map.Add("path", Text(source.path));
  } else {
    map.Add("host", Text(source.host));
    map.Add("port", Number(source.port));
    AddText(map, "database", source.database);
    AddText(map, "username", source.username);
    AddSecret(map, "password", source.password);
    map.Add("ssl", ShowSsl(source.ssl));
    map.Add("ssh_tunnel", ShowSshTunnel(source.ssh_tunnel));
  }
  map.Add("connect_timeout_seconds", Number(source.connect_timeout_seconds));
  return map;
}

YamlNode ShowTarget(const TargetConnection& target) {
  YamlNode map = YamlNode::Map();
  map.Add("type", Text(ToString(target.type)));
  if (target.type == TargetType::kDuckDb) {
    map.Add("path", Text(target.path));
    map.Add("memory_limit", Text(FormatByteSize(target.memory_limit_bytes)));
    AddText(map, "temp_directory", target.temp_directory);
    if (target.threads != 0) map.Add("threads", Number(target.threads));  // unset: chosen by the machine
  } else {
    map.Add("host", Text(target.host));
    map.Add("port", Number(target.port));
    AddText(map, "database", target.database);
    AddText(map, "username", target.username);
    AddSecret(map, "password", target.password);
    AddText(map, "iam_role", target.iam_role);
    map.Add("ssl", ShowSsl(target.ssl));
  }
  map.Add("schema", Text(target.schema));
  map.Add("connect_timeout_seconds", Number(target.connect_timeout_seconds));
  return map;
}

YamlNode ShowStore(const StoreConfig& store) {
  YamlNode map = YamlNode::Map();
  map.Add("type", Text(ToString(store.type)));
  if (store.type == StoreType::kLocal) {
    map.Add("path", Text(store.path));
    AddText(map, "prefix", store.prefix);
    return map;
  }
  map.Add("bucket", Text(store.bucket));
  AddText(map, "region", store.region);
  AddText(map, "prefix", store.prefix);
  AddText(map, "endpoint_url", store.endpoint_url);
  map.Add("path_style", Bool(store.path_style));
  AddText(map, "expected_bucket_owner", store.expected_bucket_owner);
  if (!store.sse.type.empty()) {
    YamlNode& sse = map.Add("sse", YamlNode::Map());
    sse.Add("type", Text(store.sse.type));
    AddText(sse, "kms_key_id", store.sse.kms_key_id);
  }
  return map;
}

YamlNode ShowSettings(const PipelineConfig& pipeline) {
  YamlNode map = YamlNode::Map();
  map.Add("name", Text(pipeline.name));
  map.Add("source", Text(pipeline.source));
  map.Add("target", Text(pipeline.target));
  map.Add("store", Text(pipeline.store));
  map.Add("processing", ShowProcessing(pipeline.processing));
  YamlNode& staging = map.Add("staging", YamlNode::Map());
  staging.Add("prefix", Text(pipeline.staging.prefix));
  staging.Add("partition_strategy", Text(ToString(pipeline.staging.partition_strategy)));
  staging.Add("compression", Text(ToString(pipeline.staging.compression)));
  staging.Add("target_file_mb", Number(pipeline.staging.target_file_mb));
  map.Add("validation", ShowValidation(pipeline.validation));
  return map;
}

}  // namespace

std::string ShowPipeline(const Config& config, const PipelineConfig& pipeline) {
  YamlNode root = YamlNode::Map();
  root.Add("pipeline", ShowSettings(pipeline));
  YamlNode& tables = root.Add("tables", YamlNode::Map());
  for (const TableConfig& table : pipeline.tables) tables.Add(table.name, ShowTable(table));
  YamlNode& connections = root.Add("connections", YamlNode::Map());
  if (auto source = config.connections.sources.find(pipeline.source); source != config.connections.sources.end()) {
    connections.Add("sources", YamlNode::Map()).Add(source->first, ShowSource(source->second));
  }
  if (auto target = config.connections.targets.find(pipeline.target); target != config.connections.targets.end()) {
    connections.Add("targets", YamlNode::Map()).Add(target->first, ShowTarget(target->second));
  }
  if (auto store = config.connections.stores.find(pipeline.store); store != config.connections.stores.end()) {
    root.Add("stores", YamlNode::Map()).Add(store->first, ShowStore(store->second));
  }
  return fmt::format("# Pipeline '{}' from {}, with defaults applied; secrets are shown as {}.\n", pipeline.name,
                     pipeline.file, kRedactedText) +
         EmitYaml(root);
}

}  // namespace sluice::config
