// Loading and validating the configuration directory (SPEC §2).
//
//   CONFIG_DIR/connections.yml      sources, targets, stores
//   CONFIG_DIR/pipelines/*.yml      one pipeline per file
//   CONFIG_DIR/.env                 optional KEY=VALUE lines for ${VAR}
//
// Errors are InvalidArgument with one line per problem, each
// "file:line: key.path: what is wrong (remedy)", e.g.
//   config/pipelines/us_dw.yml:14: tables.settlement.orders.cdc_strategy:
//     'hybird' is not one of hybrid, timestamp_only, id_only, full_sync, custom_sql
// Loading has no side effect: the secrets the configuration holds
// (SecretsOf) are registered with common/redact.h by the command, once.
//
// ${VAR} / ${VAR:-default} / $$ are substituted in each value after
// parsing (config/env.h): from the environment, then CONFIG_DIR/.env.
// Relative file paths are relative to the parent of CONFIG_DIR (config.h).
// See docs/configuration.md for every key.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace sluice::config {

struct LoadOptions {
  // Only this pipeline must be valid; problems in other pipeline files are
  // logged as warnings and those pipelines left out. Empty: all must be valid.
  // Likewise connections with problems that this pipeline does not use are
  // left out with a warning. An unknown name is NotFound, listing the names.
  std::string only_pipeline;
  // Refuse, as problems of the connection, what this build cannot serve
  // yet: postgres and redshift targets, s3 stores, an enabled ssh_tunnel.
  // The CLI sets it, so such a configuration is refused before anything is
  // read or written; left false to read the whole format (SPEC §2).
  bool refuse_unbuilt = false;
};

Result<Config> LoadConfig(const std::string& config_dir, const LoadOptions& options = {});

// The secret values `config` holds (source and target passwords, SSH key
// passphrases), without empty ones: what a command registers with
// common/redact.h before anything it prints or logs can contain them.
std::vector<std::string> SecretsOf(const Config& config);

// The configuration as YAML text with defaults applied and secrets as "***"
// (`config show`).
std::string ShowPipeline(const Config& config, const PipelineConfig& pipeline);

}  // namespace sluice::config
