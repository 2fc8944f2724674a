// Configuration: plain structs for connections.yml and pipelines/*.yml
// (SPEC §2), with defaults applied. Only config/loader.cc sees the YAML
// library; everything else reads these structs.
//
// `origin` fields hold "file:line" of the entry, for messages that point
// the user at the right place.
//
// File paths (sqlite and duckdb `path`, a local store's `path`, ssl
// ca/cert/key, ssh_tunnel private_key_path/known_hosts) are resolved when
// loaded: a relative path is relative to the parent of CONFIG_DIR (the
// project directory: with the default ./config, the directory sluice runs
// in), "~/" is $HOME, and ":memory:" stays as it is.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::config {

enum class SourceType { kMySql, kPostgres, kSqlite };
enum class TargetType { kRedshift, kPostgres, kDuckDb };
enum class StoreType { kS3, kLocal };
enum class SslMode { kDisabled, kPreferred, kRequired, kVerifyCa, kVerifyIdentity };
enum class CdcStrategy { kHybrid, kTimestampOnly, kIdOnly, kFullSync, kCustomSql };
enum class FullSyncMode { kReplace, kAppend };
enum class PartitionStrategy { kDatetime, kTable, kHybrid };
enum class Compression { kZstd, kSnappy, kNone };
enum class ZeroDates { kNull, kError };
enum class NullCursor { kWarn, kError, kIgnore };

struct SslConfig {
  SslMode mode = SslMode::kPreferred;
  std::string ca;    // path to a CA bundle (verify_ca, verify_identity)
  std::string cert;  // client certificate path
  std::string key;   // client key path
};

struct SshTunnelConfig {
  bool enabled = false;
  std::string host;
  int port = 22;
  std::string username;
  std::string private_key_path;
  std::string private_key_passphrase;  // secret
  std::string known_hosts = "~/.ssh/known_hosts";
};

struct SourceConnection {
  std::string name;
  SourceType type = SourceType::kSqlite;
  std::string host;
  int port = 0;  // 0: the type's default (3306, 5432)
  std::string database;
  std::string username;
  std::string password;  // secret
  std::string path;      // sqlite: database file, relative to the config dir's parent if relative
  SslConfig ssl;
  SshTunnelConfig ssh_tunnel;
  int connect_timeout_seconds = 10;
  // The time zone the applications write naive timestamps in (MySQL
  // DATETIME, PostgreSQL timestamp, SQLite text): "" = the server's own
  // default zone (MySQL @@global.time_zone, PostgreSQL the TimeZone a new
  // session starts with; SQLite: UTC, what its CURRENT_TIMESTAMP writes). An offset
  // ("-05:00", "+09:30"), "UTC", or (MySQL with time zone tables,
  // PostgreSQL) a zone name such as "America/New_York".
  std::string time_zone;
  std::string origin;
};

// A duckdb target's bounds on DuckDB itself (docs/targets.md): the memory a
// load may hold before DuckDB spills to its temp_directory, and how much of
// it each of DuckDB's threads needs (a GROUP BY over more keys than fit
// fails below that): `threads` is at most memory_limit / this, and by
// default the machine's cores up to that.
inline constexpr int64_t kDefaultDuckDbMemoryLimitBytes = int64_t{256} << 20;
inline constexpr int64_t kDuckDbMemoryPerThreadBytes = int64_t{128} << 20;

struct TargetConnection {
  std::string name;
  TargetType type = TargetType::kDuckDb;
  std::string host;
  int port = 0;  // 0: the type's default (5439 redshift, 5432 postgres)
  std::string database;
  std::string schema;  // default: "public" (redshift, postgres), "main" (duckdb)
  std::string username;
  std::string password;  // secret
  std::string iam_role;  // redshift COPY
  std::string path;      // duckdb: database file
  SslConfig ssl;
  int connect_timeout_seconds = 10;
  // duckdb: DuckDB's memory_limit; the directory it spills to (resolved;
  // default "<path>.tmp", "" for ":memory:": DuckDB's own); its worker
  // threads (0: the machine's cores, at most memory_limit_bytes / kDuckDbMemoryPerThreadBytes).
  int64_t memory_limit_bytes = kDefaultDuckDbMemoryLimitBytes;
  std::string temp_directory;
  int threads = 0;
  std::string origin;
};

struct SseConfig {
  std::string type;  // "", "AES256" or "aws:kms"
  std::string kms_key_id;
};

struct StoreConfig {
  std::string name;
  StoreType type = StoreType::kLocal;
  std::string bucket;
  std::string region;
  std::string prefix;        // key prefix inside the bucket (or directory)
  std::string endpoint_url;  // S3-compatible servers
  bool path_style = false;
  std::string expected_bucket_owner;
  SseConfig sse;
  std::string path;  // local: root directory
  std::string origin;
};

struct Connections {
  std::map<std::string, SourceConnection> sources;
  std::map<std::string, TargetConnection> targets;
  std::map<std::string, StoreConfig> stores;
  std::string file;  // path of connections.yml
};

// Settings a pipeline sets for all its tables and a table may override
// under its own `processing:` key.
struct ProcessingConfig {
  int64_t batch_size = 50000;       // rows per extract chunk
  int64_t timeout_minutes = 240;    // a run stops (failed) past this
  ZeroDates zero_dates = ZeroDates::kNull;
  NullCursor null_cursor = NullCursor::kWarn;  // rows an incremental cursor cannot see
  int64_t lease_seconds = 300;
};

struct StagingConfig {
  std::string prefix;  // under the store's prefix; default "<pipeline>/"
  PartitionStrategy partition_strategy = PartitionStrategy::kDatetime;
  Compression compression = Compression::kZstd;
  int64_t target_file_mb = 128;
};

struct ValidationConfig {
  bool enable_data_quality_checks = false;
  std::optional<double> max_null_percentage;  // 0..100, per column
};

// Target table names sluice keeps for itself, in every target schema: the
// ledger of loaded files (target/target.h), and helpers whose names contain
// kReservedNamePart (e.g. "<table>__sluice_new" while a full copy replaces
// <table>). No configured table may load into them.
inline constexpr std::string_view kLedgerTableName = "_sluice_loaded_files";
inline constexpr std::string_view kReservedNamePart = "__sluice_";

struct TableConfig {
  std::string name;  // as written: "schema.table" or "table"
  CdcStrategy cdc_strategy = CdcStrategy::kHybrid;
  std::string cdc_timestamp_column;
  std::string cdc_id_column;
  // Unset: the default (cdc::kDefaultLookbackSeconds for an incremental
  // table with a primary key, else 0), resolved in cdc::MakeTableSpec.
  std::optional<int64_t> lookback_seconds;
  std::string target_name;               // default: the part after the last '.'
  std::vector<std::string> primary_key;  // empty: the source's primary key
  FullSyncMode full_sync_mode = FullSyncMode::kReplace;
  std::string custom_sql;
  ProcessingConfig processing;  // pipeline defaults with this table's overrides
  ValidationConfig validation;  // pipeline defaults with this table's overrides
  std::string origin;
};

struct PipelineConfig {
  std::string name;
  std::string source;  // key into Connections::sources
  std::string target;  // key into Connections::targets
  std::string store;   // key into Connections::stores
  ProcessingConfig processing;
  StagingConfig staging;
  ValidationConfig validation;
  std::vector<TableConfig> tables;  // in file order
  std::string file;                 // path of the pipeline file
};

// Where the configuration lives and what it says.
struct Config {
  std::string dir;
  Connections connections;
  std::vector<PipelineConfig> pipelines;  // sorted by name

  const PipelineConfig* FindPipeline(std::string_view name) const;
  // Sources are resolved by the pipeline's references; REQUIRES: a validated config.
  const SourceConnection& SourceOf(const PipelineConfig& pipeline) const;
  const TargetConnection& TargetOf(const PipelineConfig& pipeline) const;
  const StoreConfig& StoreOf(const PipelineConfig& pipeline) const;
};

std::string_view ToString(SourceType value);
std::string_view ToString(TargetType value);
std::string_view ToString(StoreType value);
std::string_view ToString(SslMode value);
std::string_view ToString(CdcStrategy value);
std::string_view ToString(FullSyncMode value);
std::string_view ToString(PartitionStrategy value);
std::string_view ToString(Compression value);
std::string_view ToString(ZeroDates value);
std::string_view ToString(NullCursor value);

}  // namespace sluice::config
