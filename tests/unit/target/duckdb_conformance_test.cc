// The DuckDB target joins the Target conformance suite: a database file in
// the test's scratch directory, read back with an independent DuckDB.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>

#include "support/duckdb_query.h"
#include "target_conformance.h"

namespace sluice::target::conformance {
namespace {

class DuckDbBackend final : public TargetBackend {
 public:
  explicit DuckDbBackend(std::string directory) : path_(directory + "/warehouse.duckdb") {}

  Target& target() override {
    if (!target_) {
      config::TargetConnection connection;
      connection.name = "warehouse";
      connection.type = config::TargetType::kDuckDb;
      connection.path = path_;
      Result<std::unique_ptr<Target>> opened = OpenTarget(connection);
      if (!opened.has_value()) {
        ADD_FAILURE() << "OpenTarget: " << opened.error().ToString();
        std::abort();
      }
      target_ = std::move(*opened);
    }
    return *target_;
  }

  void Reopen() override { target_.reset(); }

  TextRows ReadTable(const std::string& table, const std::vector<std::string>& columns,
                     const std::vector<std::string>& order_by) override {
    if (TableColumns(table).empty()) return {};
    std::vector<std::string> texts;
    for (const std::string& column : columns) texts.push_back(fmt::format("CAST({} AS VARCHAR)", Quote(column)));
    std::vector<std::string> ordering;
    for (const std::string& column : order_by) ordering.push_back(Quote(column));
    return Query(fmt::format("SELECT {} FROM main.{} ORDER BY {}", fmt::join(texts, ", "), Quote(table),
                             fmt::join(ordering, ", ")));
  }

  std::vector<std::string> TableColumns(const std::string& table) override {
    std::vector<std::string> names;
    for (const auto& row : Query(fmt::format("SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' "
                                             "AND table_name = {} ORDER BY column_index",
                                             sluice::testing::SqlQuote(table)))) {
      names.push_back(row.at(0));
    }
    return names;
  }

 private:
  static std::string Quote(const std::string& name) { return "\"" + name + "\""; }

  TextRows Query(const std::string& sql) {
    target_.reset();  // one process opens a DuckDB file once at a time
    if (!std::filesystem::exists(path_)) return {};
    Result<sluice::testing::QueryResult> result = sluice::testing::QueryDuckDb("SET TimeZone = 'UTC'; " + sql, path_);
    EXPECT_TRUE(result.has_value()) << result.error().ToString();
    TextRows rows;
    if (!result.has_value()) return rows;
    for (const sluice::testing::Row& row : result->rows) {
      std::vector<std::string> text;
      for (const std::optional<std::string>& value : row) text.push_back(value.value_or("NULL"));
      rows.push_back(std::move(text));
    }
    return rows;
  }

  std::string path_;
  std::unique_ptr<Target> target_;
};

std::unique_ptr<TargetBackend> MakeDuckDbBackend(const std::string& directory) {
  return std::make_unique<DuckDbBackend>(directory);
}

}  // namespace

SLUICE_TARGET_CONFORMANCE(DuckDb, MakeDuckDbBackend);

}  // namespace sluice::target::conformance
