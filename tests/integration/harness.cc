#include "harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace sluice::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteText(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

}  // namespace

EmbeddedProject::EmbeddedProject(const std::string& name) {
  dir_ = (std::filesystem::temp_directory_path() / ("sluice_it_" + name + "_" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_ + "/stage");
}

EmbeddedProject::~EmbeddedProject() {
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir_);
}

void EmbeddedProject::WriteConfig(const std::string& tables_yaml, const std::string& processing_yaml,
                                  const std::string& staging_yaml, const std::string& source_yaml) {
  WriteText(dir_ + "/config/connections.yml", "connections:\n  sources:\n    src: " + source_yaml + R"(
  targets:
    dw: {type: duckdb, path: ./warehouse.duckdb}
stores:
  stage: {type: local, path: ./stage}
)");
  WriteText(dir_ + "/config/pipelines/test.yml", "pipeline:\n  name: test\n  source: src\n  target: dw\n  store: stage\n"
                                                 "  processing: {" + processing_yaml + "}\n  staging: {" +
                                                     staging_yaml + "}\ntables:\n" + tables_yaml);
}

void EmbeddedProject::Source(const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/source.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message << " in " << sql.substr(0, 300);
}

std::vector<Row> EmbeddedProject::SourceRows(const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<Row> rows;
  EXPECT_EQ(sqlite3_open_v2((dir_ + "/source.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  while (statement && sqlite3_step(statement) == SQLITE_ROW) {
    Row row;
    for (int column = 0; column < sqlite3_column_count(statement); ++column) {
      if (sqlite3_column_type(statement, column) == SQLITE_NULL) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, column)));
      }
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return rows;
}

std::vector<Row> EmbeddedProject::TargetRows(const std::string& sql) {
  auto result = QueryDuckDb(sql, warehouse());
  EXPECT_TRUE(result.has_value()) << result.status().ToString();
  return result.has_value() ? result->rows : std::vector<Row>{};
}

CommandResult EmbeddedProject::Sluice(const std::vector<std::string>& args,
                                      const std::map<std::string, std::string>& env, Binary binary) {
  std::string out_path = dir_ + "/.out", err_path = dir_ + "/.err";
  if (binary == Binary::kAuto) binary = env.contains("SLUICE_FAILPOINTS") ? Binary::kWithFailpoints : Binary::kRelease;
  const char* path = binary == Binary::kWithFailpoints ? SLUICE_FAILPOINT_BINARY : SLUICE_BINARY;
  pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    std::vector<std::string> argv_storage = {path, "--config-dir", dir_ + "/config"};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : argv_storage) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv(path, argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CommandResult result;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.out = ReadAll(out_path);
  result.err = ReadAll(err_path);
  return result;
}

int EmbeddedProject::StartSluice(const std::vector<std::string>& args) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<std::string> argv_storage = {SLUICE_BINARY, "--config-dir", dir_ + "/config"};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : argv_storage) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv(SLUICE_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

void ExpectSigintEndsTheRunWithin(int pid, double max_seconds) {
  auto interrupted = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - interrupted).count();
  EXPECT_LT(seconds, max_seconds) << "sluice went on after SIGINT";
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 1) << "an interrupted run is a failed run (SPEC §1)";
}

void KillSyncOnceStaged(EmbeddedProject& project, size_t files) {
  int pid = project.StartSluice({"-q", "sync", "-p", "test"});
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  int status = 0;
  bool exited = false;
  while (project.StagedObjects().size() < files && std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_FALSE(exited) << "the run ended before it could be killed";
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
}

void ExpectSameRows(EmbeddedProject& project, const std::string& table, const std::vector<std::string>& source,
                    const std::vector<std::string>& target) {
  EXPECT_EQ(target.size(), source.size());
  if (target == source) return;
  std::set<std::string> in_target(target.begin(), target.end());
  std::set<std::string> in_source(source.begin(), source.end());
  std::string missing, extra;
  for (const std::string& row : source) {
    if (!in_target.contains(row) && missing.size() < 600) missing += "\n  " + row;
  }
  for (const std::string& row : target) {
    if (!in_source.contains(row) && extra.size() < 600) extra += "\n  " + row;
  }
  CommandResult watermark = project.Sluice({"watermark", "get", "-p", "test", "-t", table, "--json"});
  ADD_FAILURE() << "target differs from source; in the source only:" << missing << "\nin the target only:" << extra
                << "\nwatermark: " << watermark.out;
}

nlohmann::json EmbeddedProject::Sync(const std::vector<std::string>& extra_args, int expected_exit) {
  std::string report_path = dir_ + "/.report.json";
  std::filesystem::remove(report_path);
  std::vector<std::string> args = {"-q", "sync", "-p", "test", "--json-output", report_path};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  CommandResult result = Sluice(args);
  EXPECT_EQ(result.exit_code, expected_exit) << "stderr: " << result.err << "\nstdout: " << result.out;
  std::string text = ReadAll(report_path);
  if (text.empty()) return nlohmann::json();
  return nlohmann::json::parse(text);
}

void EmbeddedProject::HoldLease(const std::string& table, const std::string& run_id, int epoch) const {
  std::string directory = dir_ + "/stage/test/leases/test";
  std::filesystem::create_directories(directory);
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  std::ofstream(directory + "/" + table + ".json") << nlohmann::json{
      {"holder_host", std::string(host)},
      {"holder_pid", ::getpid()},
      {"run_id", run_id},
      {"epoch", epoch},
      {"renewed_at", "2099-01-01T00:00:00.000000Z"},
      {"expires_at", "2099-01-01T00:05:00.000000Z"},
      {"released", false}}.dump();
}

std::vector<std::string> EmbeddedProject::StagedObjects() const {
  std::vector<std::string> keys;
  // The store's directory exists from its first write on; files come and go while a run is under way.
  std::error_code error;
  for (std::filesystem::recursive_directory_iterator it(dir_ + "/stage", error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file(error) && it->path().extension() == ".parquet") keys.push_back(it->path().string());
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

namespace {

ServerEnv ReadServerEnv(const std::string& prefix) {
  auto get = [&](const char* name) {
    const char* value = std::getenv((prefix + name).c_str());
    return std::string(value ? value : "");
  };
  ServerEnv env;
  env.host = get("HOST");
  env.port = std::atoi(get("PORT").c_str());
  env.user = get("USER");
  env.password = get("PASSWORD");
  env.database = get("DATABASE");
  env.socket = prefix.find("MYSQL") != std::string::npos ? get("SOCKET") : get("SOCKET_DIR");
  const char* ca = std::getenv("SLUICE_TEST_CA");
  const char* other_ca = std::getenv("SLUICE_TEST_OTHER_CA");
  env.ca = ca ? ca : "";
  env.other_ca = other_ca ? other_ca : "";
  if (env.host.empty() || env.port == 0) {
    ADD_FAILURE() << prefix << "* is not set: this test needs the private test servers. Run it through `make test` "
                  << "(or scripts/run_tests.sh BUILD_DIR), or start them with `scripts/test_servers.sh start DIR` "
                  << "and `source DIR/env.sh`.";
  }
  return env;
}

}  // namespace

ServerEnv MySqlServer() { return ReadServerEnv("SLUICE_TEST_MYSQL_"); }
ServerEnv PostgresServer() { return ReadServerEnv("SLUICE_TEST_PG_"); }

std::string ServerEnv::SourceYaml(const std::string& type, const std::string& extra) const {
  std::string yaml = "{type: " + type + ", host: " + host + ", port: " + std::to_string(port) +
                     ", database: " + database + ", username: " + user + ", password: '" + password + "'";
  if (!extra.empty()) yaml += ", " + extra;
  return yaml + "}";
}

config::SourceConnection ServerEnv::Connection(config::SourceType type) const {
  config::SourceConnection connection;
  connection.name = "test_source";
  connection.type = type;
  connection.host = host;
  connection.port = port;
  connection.database = database;
  connection.username = user;
  connection.password = password;
  connection.ssl.mode = config::SslMode::kDisabled;
  return connection;
}

std::string For(std::string sql, const std::string& table) {
  for (size_t at; (at = sql.find("{t}")) != std::string::npos;) sql.replace(at, 3, table);
  return sql;
}

std::string Join(const Row& row) {
  std::string out;
  for (size_t column = 0; column < row.size(); ++column) {
    if (column > 0) out += "|";
    out += row[column] ? *row[column] : "NULL";
  }
  return out;
}

std::vector<std::string> JoinAll(const std::vector<Row>& rows) {
  std::vector<std::string> joined;
  for (const Row& row : rows) joined.push_back(Join(row));
  return joined;
}

}  // namespace sluice::testing
