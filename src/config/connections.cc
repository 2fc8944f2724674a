// Reading connections.yml: sources, targets and stores (SPEC §2).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <utility>

#include "config/parse.h"

namespace sluice::config {
namespace {

namespace fs = std::filesystem;

std::string Origin(const ReadContext& context, const YamlEntry& entry) {
  return fmt::format("{}:{}", context.file, entry.line);
}

// Reports each of `keys` that is set, as not applying to `what` ("a sqlite source").
void RejectKeys(MapReader& reader, std::initializer_list<std::string_view> keys, std::string_view what,
                std::string_view remedy) {
  for (std::string_view key : keys) {
    if (reader.Has(key)) reader.Report(key, fmt::format("does not apply to {} (remove it; {})", what, remedy));
  }
}

// What this build cannot serve yet, reported only when the load refuses it
// (LoadOptions::refuse_unbuilt): sources of every type, duckdb targets and
// local stores are built; the rest are next (README, Status).
void RefuseUnbuilt(const MapReader& reader, std::string_view key, std::string message) {
  if (reader.context().refuse_unbuilt) reader.Report(key, std::move(message));
}

void ReadSsl(MapReader reader, const fs::path& project_dir, SslConfig* ssl) {
  reader.EnumValue(
      "mode", &ssl->mode,
      {SslMode::kDisabled, SslMode::kPreferred, SslMode::kRequired, SslMode::kVerifyCa, SslMode::kVerifyIdentity});
  for (auto [key, field] : {std::pair{"ca", &ssl->ca}, std::pair{"cert", &ssl->cert}, std::pair{"key", &ssl->key}}) {
    if (reader.String(key, field)) *field = ResolvePath(*field, project_dir);
  }
}

void ReadSshTunnel(MapReader reader, const fs::path& project_dir, SshTunnelConfig* tunnel) {
  reader.Bool("enabled", &tunnel->enabled);
  reader.String("host", &tunnel->host);
  reader.Int("port", &tunnel->port, 1, 65535);
  reader.String("username", &tunnel->username);
  reader.String("private_key_path", &tunnel->private_key_path);
  reader.String("private_key_passphrase", &tunnel->private_key_passphrase);
  reader.String("known_hosts", &tunnel->known_hosts);
  if (tunnel->enabled) {
    reader.Require("host", "an enabled ssh_tunnel needs host: the bastion's name or address");
    RefuseUnbuilt(reader, "enabled",
                  "ssh tunnels are not supported yet by this build (set enabled: false and reach the server "
                  "directly, or through a tunnel you start yourself, e.g. ssh -L 3307:db:3306 bastion, with "
                  "host/port pointing at it)");
  }
  tunnel->private_key_path = ResolvePath(tunnel->private_key_path, project_dir);
  tunnel->known_hosts = ResolvePath(tunnel->known_hosts, project_dir);
}

// "UTC", "Z" or an offset "+HH:MM" / "-HH:MM".
bool IsUtcOffset(std::string_view zone) {
  if (zone == "UTC" || zone == "Z") return true;
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return false;
  for (size_t index : {1, 2, 4, 5}) {
    if (zone[index] < '0' || zone[index] > '9') return false;
  }
  int hours = (zone[1] - '0') * 10 + (zone[2] - '0');
  int minutes = (zone[4] - '0') * 10 + (zone[5] - '0');
  return hours <= 14 && minutes < 60;
}

// A zone name or offset: passed to the server, so only the characters zone names use.
void ReadTimeZone(MapReader& reader, std::string* zone) {
  if (!reader.String("time_zone", zone) || zone->empty()) return;
  bool plain = std::ranges::all_of(*zone, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '/' ||
           c == '+' || c == '-' || c == ':';
  });
  bool offset_shaped = zone->front() == '+' || zone->front() == '-';
  if (!plain || (offset_shaped && !IsUtcOffset(*zone))) {
    reader.Report("time_zone", fmt::format("'{}' is not a time zone (write an offset from -14:00 to +14:00 such as "
                                           "'-05:00' for 5 hours west of UTC, UTC, or a name such as "
                                           "America/New_York)",
                                           *zone));
  }
}

SourceConnection ReadSource(const ReadContext& context, const YamlEntry& entry, std::string path,
                            const fs::path& project_dir) {
  MapReader reader(context, entry.value, entry.line, std::move(path),
                   {"type", "host", "port", "database", "username", "password", "path", "ssl", "ssh_tunnel",
                    "connect_timeout_seconds", "time_zone"});
  SourceConnection source;
  source.name = entry.key;
  source.origin = Origin(reader.context(), entry);
  bool typed = reader.Require("type", "set type: to mysql, postgres or sqlite") &&
               reader.EnumValue("type", &source.type, {SourceType::kMySql, SourceType::kPostgres, SourceType::kSqlite});
  reader.String("host", &source.host);
  reader.Int("port", &source.port, 1, 65535);
  reader.String("database", &source.database);
  reader.String("username", &source.username);
  reader.String("password", &source.password);
  reader.Int("connect_timeout_seconds", &source.connect_timeout_seconds, 1, 3600);
  ReadTimeZone(reader, &source.time_zone);
  ReadSsl(reader.Child("ssl", {"mode", "ca", "cert", "key"}), project_dir, &source.ssl);
  ReadSshTunnel(reader.Child("ssh_tunnel", {"enabled", "host", "port", "username", "private_key_path",
                                            "private_key_passphrase", "known_hosts"}),
                project_dir, &source.ssh_tunnel);
  if (!typed) return source;
  if (source.type == SourceType::kSqlite) {
    if (reader.RequireString("path", &source.path, "a sqlite source needs path: the database file, e.g. ./app.db")) {
      source.path = ResolvePath(source.path, project_dir);
    }
    RejectKeys(reader, {"host", "port", "database", "username", "password", "ssl", "ssh_tunnel"}, "a sqlite source",
               "a sqlite source reads the file at path");
    if (!source.time_zone.empty() && !IsUtcOffset(source.time_zone)) {
      reader.Report("time_zone", fmt::format("'{}' is not an offset; a sqlite source has no time zone database, so "
                                             "write the writers' offset, e.g. time_zone: '-05:00' or UTC",
                                             source.time_zone));
    }
    return source;
  }
  std::string kind = fmt::format("a {} source", ToString(source.type));
  reader.RequireString("host", &source.host, fmt::format("{} needs host: the database server's name or address", kind));
  RejectKeys(reader, {"path"}, kind, "path is for sqlite sources");
  if (source.port == 0) source.port = source.type == SourceType::kMySql ? 3306 : 5432;
  return source;
}

// A duckdb target's bounds on DuckDB: memory_limit, temp_directory, threads.
void ReadDuckDbBounds(MapReader& reader, const fs::path& project_dir, TargetConnection* target) {
  if (std::string limit; reader.String("memory_limit", &limit)) {
    std::optional<int64_t> bytes = ParseByteSize(limit);
    if (!bytes.has_value()) {
      reader.Report("memory_limit", fmt::format("'{}' is not a memory size (write a number and a unit, e.g. 512MiB or "
                                                "2GB; KB, MB, GB, TB count 1000s, KiB, MiB, GiB, TiB 1024s)",
                                                limit));
    } else if (*bytes < kDuckDbMemoryPerThreadBytes) {
      reader.Report("memory_limit", fmt::format("{} is less than a load needs (set at least {}; the default is {})",
                                                limit, FormatByteSize(kDuckDbMemoryPerThreadBytes),
                                                FormatByteSize(kDefaultDuckDbMemoryLimitBytes)));
    } else {
      target->memory_limit_bytes = *bytes;
    }
  }
  if (reader.String("temp_directory", &target->temp_directory)) {
    target->temp_directory = ResolvePath(target->temp_directory, project_dir);
  } else if (!target->path.empty() && target->path != ":memory:") {
    target->temp_directory = target->path + ".tmp";
  }
  if (reader.Int("threads", &target->threads, 1, 1024) &&
      target->threads * kDuckDbMemoryPerThreadBytes > target->memory_limit_bytes) {
    reader.Report("threads",
                  fmt::format("{} threads need a memory_limit of at least {} ({} each; memory_limit is {}): "
                              "lower threads or raise memory_limit",
                              target->threads, FormatByteSize(target->threads * kDuckDbMemoryPerThreadBytes),
                              FormatByteSize(kDuckDbMemoryPerThreadBytes), FormatByteSize(target->memory_limit_bytes)));
  }
}

TargetConnection ReadTarget(const ReadContext& context, const YamlEntry& entry, std::string path,
                            const fs::path& project_dir) {
  MapReader reader(context, entry.value, entry.line, std::move(path),
                   {"type", "host", "port", "database", "schema", "username", "password", "iam_role", "path", "ssl",
                    "connect_timeout_seconds", "memory_limit", "temp_directory", "threads"});
  TargetConnection target;
  target.name = entry.key;
  target.origin = Origin(reader.context(), entry);
  bool typed =
      reader.Require("type", "set type: to redshift, postgres or duckdb") &&
      reader.EnumValue("type", &target.type, {TargetType::kRedshift, TargetType::kPostgres, TargetType::kDuckDb});
  reader.String("host", &target.host);
  reader.Int("port", &target.port, 1, 65535);
  reader.String("database", &target.database);
  reader.String("schema", &target.schema);
  reader.String("username", &target.username);
  reader.String("password", &target.password);
  reader.String("iam_role", &target.iam_role);
  reader.Int("connect_timeout_seconds", &target.connect_timeout_seconds, 1, 3600);
  ReadSsl(reader.Child("ssl", {"mode", "ca", "cert", "key"}), project_dir, &target.ssl);
  if (!typed) return target;
  if (target.type == TargetType::kDuckDb) {
    if (reader.RequireString("path", &target.path,
                             "a duckdb target needs path: the database file, e.g. ./warehouse.duckdb")) {
      target.path = ResolvePath(target.path, project_dir);
    }
    RejectKeys(reader, {"host", "port", "database", "username", "password", "iam_role", "ssl"}, "a duckdb target",
               "a duckdb target writes the file at path");
    ReadDuckDbBounds(reader, project_dir, &target);
    if (target.schema.empty()) target.schema = "main";
    return target;
  }
  RefuseUnbuilt(reader, "type",
                fmt::format("{} targets are not supported yet by this build (supported: duckdb; set type: duckdb "
                            "and path: to the warehouse file)",
                            ToString(target.type)));
  std::string kind = fmt::format("a {} target", ToString(target.type));
  reader.RequireString("host", &target.host,
                       fmt::format("{} needs host: the warehouse server's name or address", kind));
  RejectKeys(reader, {"path"}, kind, "path is for duckdb targets");
  RejectKeys(reader, {"memory_limit", "temp_directory", "threads"}, kind,
             "they bound the DuckDB that a duckdb target runs in process");
  if (target.type == TargetType::kPostgres) {
    RejectKeys(reader, {"iam_role"}, kind, "iam_role is for redshift targets");
  }
  if (target.port == 0) target.port = target.type == TargetType::kRedshift ? 5439 : 5432;
  if (target.schema.empty()) target.schema = "public";
  return target;
}

void ReadSse(MapReader reader, SseConfig* sse) {
  static const std::vector<std::string_view> kTypes = {"AES256", "aws:kms"};
  size_t type_idx = 0;
  if (reader.Choice("type", kTypes, &type_idx)) sse->type = kTypes[type_idx];
  reader.String("kms_key_id", &sse->kms_key_id);
  if (reader.is_map() && !reader.Entries().empty() && !reader.Has("type")) {
    reader.Require("type", "set type: to AES256 (S3-managed keys) or aws:kms");
  }
  if (!sse->kms_key_id.empty() && sse->type == "AES256") {
    reader.Report("kms_key_id", "does not apply to type AES256 (remove it, or set type: aws:kms)");
  }
}

void CheckBucket(MapReader& reader, const std::string& bucket) {
  if (bucket.find('/') != std::string::npos) {
    reader.Report("bucket", fmt::format("'{}' is not a bucket name (write only the name, e.g. bucket: my-bucket, and "
                                        "put the folder in prefix: sluice/)",
                                        bucket));
  }
}

void CheckBucketOwner(MapReader& reader, const std::string& owner) {
  bool digits = owner.size() == 12 && owner.find_first_not_of("0123456789") == std::string::npos;
  if (!owner.empty() && !digits) {
    reader.Report("expected_bucket_owner",
                  fmt::format("'{}' is not a 12-digit AWS account id (quote it to keep leading zeros: "
                              "expected_bucket_owner: \"012345678901\")",
                              owner));
  }
}

StoreConfig ReadStore(const ReadContext& context, const YamlEntry& entry, std::string path,
                      const fs::path& project_dir) {
  MapReader reader(
      context, entry.value, entry.line, std::move(path),
      {"type", "bucket", "region", "prefix", "endpoint_url", "path_style", "expected_bucket_owner", "sse", "path"});
  StoreConfig store;
  store.name = entry.key;
  store.origin = Origin(reader.context(), entry);
  bool typed = reader.Require("type", "set type: to s3 or local") &&
               reader.EnumValue("type", &store.type, {StoreType::kS3, StoreType::kLocal});
  reader.String("bucket", &store.bucket);
  reader.String("region", &store.region);
  reader.String("prefix", &store.prefix);
  reader.String("endpoint_url", &store.endpoint_url);
  reader.Bool("path_style", &store.path_style);
  reader.String("expected_bucket_owner", &store.expected_bucket_owner);
  ReadSse(reader.Child("sse", {"type", "kms_key_id"}), &store.sse);
  if (!typed) return store;
  if (store.type == StoreType::kLocal) {
    if (reader.RequireString("path", &store.path,
                             "a local store needs path: the directory to stage files in, e.g. "
                             "./stage")) {
      store.path = ResolvePath(store.path, project_dir);
    }
    RejectKeys(reader, {"bucket", "region", "endpoint_url", "path_style", "expected_bucket_owner", "sse"},
               "a local store", "a local store writes under the directory at path");
    return store;
  }
  RefuseUnbuilt(reader, "type",
                "s3 stores are not supported yet by this build (supported: local; set type: local and path: to the "
                "directory to stage files in)");
  if (reader.RequireString("bucket", &store.bucket, "an s3 store needs bucket: the bucket's name")) {
    CheckBucket(reader, store.bucket);
  }
  CheckBucketOwner(reader, store.expected_bucket_owner);
  RejectKeys(reader, {"path"}, "an s3 store", "path is for local stores; the folder in the bucket is prefix");
  return store;
}

// Reads each entry of the map `names` with `read`, each entry's problems kept apart by name.
template <typename Config, typename ReadFunction>
void ReadEach(const MapReader& names, const fs::path& project_dir, ReadFunction read,
              std::map<std::string, Config>* configs, std::map<std::string, Problems>* problems) {
  for (const YamlEntry* entry : names.Entries()) {
    ReadContext entry_context{names.context().file, names.context().environment, &(*problems)[entry->key],
                              names.context().refuse_unbuilt};
    (*configs)[entry->key] = read(entry_context, *entry, names.KeyPath(entry->key), project_dir);
  }
}

}  // namespace

std::optional<int64_t> ParseByteSize(std::string_view text) {
  static constexpr std::pair<std::string_view, int64_t> kUnits[] = {{"b", 1},
                                                                    {"kb", 1000},
                                                                    {"mb", 1000 * 1000},
                                                                    {"gb", 1000 * 1000 * 1000},
                                                                    {"tb", int64_t{1000} * 1000 * 1000 * 1000},
                                                                    {"kib", int64_t{1} << 10},
                                                                    {"mib", int64_t{1} << 20},
                                                                    {"gib", int64_t{1} << 30},
                                                                    {"tib", int64_t{1} << 40}};
  size_t digits_end = 0;
  while (digits_end < text.size() && text[digits_end] >= '0' && text[digits_end] <= '9') ++digits_end;
  if (digits_end == 0 || digits_end > 15) return std::nullopt;  // 15 digits times a TiB still fits
  int64_t number = 0;
  for (char digit : text.substr(0, digits_end)) number = number * 10 + (digit - '0');
  std::string_view unit = text.substr(digits_end);
  if (unit.starts_with(' ')) unit.remove_prefix(1);
  std::string lower;
  for (char c : unit) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto [name, scale] : kUnits) {
    if (lower != name) continue;
    if (number > std::numeric_limits<int64_t>::max() / scale) return std::nullopt;
    return number * scale;
  }
  return std::nullopt;
}

std::string FormatByteSize(int64_t bytes) {
  static constexpr std::pair<std::string_view, int64_t> kLargestFirst[] = {
      {"TiB", int64_t{1} << 40}, {"TB", int64_t{1000} * 1000 * 1000 * 1000},
      {"GiB", int64_t{1} << 30}, {"GB", 1000 * 1000 * 1000},
      {"MiB", int64_t{1} << 20}, {"MB", 1000 * 1000},
      {"KiB", int64_t{1} << 10}, {"KB", 1000}};
  for (auto [name, scale] : kLargestFirst) {
    if (bytes != 0 && bytes % scale == 0) return fmt::format("{}{}", bytes / scale, name);
  }
  return fmt::format("{}B", bytes);
}

std::string ResolvePath(const std::string& path, const fs::path& project_dir) {
  if (path.empty() || path == ":memory:") return path;
  if (path == "~" || path.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    return home ? std::string(home) + path.substr(1) : path;
  }
  fs::path configured(path);
  if (configured.is_absolute()) return path;
  return (project_dir / configured).lexically_normal().string();
}

ParsedConnections ReadConnections(const YamlNode& root, const ReadContext& context, const fs::path& project_dir) {
  ParsedConnections parsed;
  parsed.connections.file = context.file;
  ReadContext file_context{context.file, context.environment, &parsed.file_problems, context.refuse_unbuilt};
  std::vector<KeyHint> top_hints = {
      {"sources", "sources belongs under connections: (connections: {sources: ..., targets: ...})"},
      {"targets", "targets belongs under connections: (connections: {sources: ..., targets: ...})"}};
  MapReader top(file_context, root, 0, "", {"connections", "stores"}, std::move(top_hints));
  MapReader connections =
      top.Child("connections", {"sources", "targets"},
                {{"stores", "stores belongs at the top level of the file, not under connections: (unindent it)"}});
  ReadEach(connections.Child("sources", {}), project_dir, ReadSource, &parsed.connections.sources,
           &parsed.source_problems);
  ReadEach(connections.Child("targets", {}), project_dir, ReadTarget, &parsed.connections.targets,
           &parsed.target_problems);
  ReadEach(top.Child("stores", {}), project_dir, ReadStore, &parsed.connections.stores, &parsed.store_problems);
  return parsed;
}

}  // namespace sluice::config
