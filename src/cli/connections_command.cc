// sluice connections test: connect to each source, target and store.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "cli/cli.h"
#include "common/redact.h"
#include "connect/open.h"
#include "store/object_store.h"
#include "target/target.h"

namespace sluice::cli {
namespace {

struct ConnectionsArgs {
  std::string name;
};

template <typename Function>
bool Probe(const char* kind, const std::string& name, Function probe) {
  auto started = std::chrono::steady_clock::now();
  Result<std::string> outcome = probe();
  double millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (outcome.has_value()) {
    std::printf("ok      %-7s %-24s %8.1f ms  %s\n", kind, name.c_str(), millis, outcome->c_str());
    return true;
  }
  std::printf("FAILED  %-7s %-24s %8.1f ms  %s\n", kind, name.c_str(), millis,
              Redact(outcome.error().message()).c_str());
  return false;
}

int Test(const Cli& cli, const ConnectionsArgs& args) {
  Result<config::Config> config = cli.LoadConfig();
  if (!config.has_value()) return ReportError(config.error());
  const config::Connections& connections = config->connections;
  bool all_ok = true;
  size_t tested = 0;
  for (const auto& [name, source] : connections.sources) {
    if (!args.name.empty() && name != args.name) continue;
    ++tested;
    all_ok &= Probe("source", name, [&]() -> Result<std::string> {
      SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<source::Source> opened, source::OpenSource(source));
      return opened->ServerVersion();
    });
  }
  for (const auto& [name, target] : connections.targets) {
    if (!args.name.empty() && name != args.name) continue;
    ++tested;
    all_ok &= Probe("target", name, [&]() -> Result<std::string> {
      // Only looks: testing a connection never creates a warehouse file.
      SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<target::Target> opened,
                              target::OpenTarget(target, target::TargetAccess::kPlanOnly));
      SLUICE_ASSIGN_OR_RETURN(std::string version, opened->ServerVersion());
      if (target.type != config::TargetType::kDuckDb || target.path == ":memory:") return version;
      std::error_code error;
      bool exists = std::filesystem::exists(target.path, error);
      std::string directory = std::filesystem::path(target.path).parent_path().string();
      std::string writable = exists ? target.path : (directory.empty() ? "." : directory);
      if (::access(writable.c_str(), W_OK) != 0) {
        return IoError("{} is not writable by this user ({}); a sync could not load into it", writable,
                       std::strerror(errno));
      }
      if (!exists) version += fmt::format(" ({} does not exist yet; the first sync creates it)", target.path);
      return version;
    });
  }
  for (const auto& [name, store] : connections.stores) {
    if (!args.name.empty() && name != args.name) continue;
    ++tested;
    all_ok &= Probe("store", name, [&]() -> Result<std::string> {
      SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<store::ObjectStore> opened, store::OpenStore(store));
      SLUICE_RETURN_IF_ERROR(opened->List("watermarks/"));
      return opened->Describe();
    });
  }
  if (tested == 0) {
    return ReportError(NotFound("no connection named '{}' in {}", args.name, connections.file));
  }
  return all_ok ? kExitSuccess : kExitFailed;
}

}  // namespace

void AddConnectionsCommand(CLI::App& app, Cli& cli) {
  auto args = std::make_shared<ConnectionsArgs>();
  CLI::App* group = app.add_subcommand("connections", "Check that sources, targets and stores are reachable");
  group->require_subcommand(1);
  CLI::App* test = group->add_subcommand("test", "Connect to each one; print latency and version, or the error");
  test->add_option("-c,--connection", args->name, "Only the connection with this name");
  test->footer("\nExamples:\n  sluice connections test\n  sluice connections test -c US_DW_RO");
  test->callback([&cli, args] { cli.action = [&cli, args] { return Test(cli, *args); }; });
}

}  // namespace sluice::cli
