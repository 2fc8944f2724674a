#include "cli/demo_data.h"

#include <sqlite3.h>

#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "common/file.h"
#include "types/temporal.h"

namespace sluice::cli::demo {
namespace {

constexpr const char* kConnections = R"(# Written by `sluice demo`. Relative paths are relative to the directory
# holding this config directory.
connections:
  sources:
    demo_sqlite: {type: sqlite, path: ./demo.db}
  targets:
    local_duckdb: {type: duckdb, path: ./warehouse.duckdb, schema: main}
stores:
  local_stage: {type: local, path: ./stage}
)";

constexpr const char* kPipeline = R"(# Written by `sluice demo`: one table per change-capture strategy.
pipeline:
  name: demo
  source: demo_sqlite
  target: local_duckdb
  store: local_stage
  processing:
    batch_size: 500               # small, so the demo reads in several keyset chunks
  staging:
    partition_strategy: table
    compression: zstd
    target_file_mb: 1
tables:
  orders:                         # updated in place: keyset on (updated_at, id)
    cdc_strategy: hybrid
    cdc_timestamp_column: updated_at
    cdc_id_column: id
    lookback_seconds: 60          # re-read a minute behind the cursor; merge removes duplicates
  order_events:                   # append-only: ids only grow
    cdc_strategy: id_only
    cdc_id_column: id
  shipments:                      # no usable id order: timestamps, with ties
    cdc_strategy: timestamp_only
    cdc_timestamp_column: shipped_at
  customers:                      # small table: copied whole and swapped in
    cdc_strategy: full_sync
    full_sync_mode: replace
)";

constexpr const char* kSchema = R"(
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, country CHAR(2),
                        created_at DATETIME NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status VARCHAR(16) NOT NULL,
                     amount DECIMAL(12,2) NOT NULL, currency CHAR(3) NOT NULL, note TEXT, order_date DATE,
                     updated_at DATETIME NOT NULL);
CREATE INDEX orders_updated ON orders (updated_at, id);
CREATE TABLE order_events (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, event VARCHAR(32) NOT NULL,
                           payload JSON, created_at DATETIME NOT NULL);
CREATE TABLE shipments (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, carrier TEXT,
                        shipped_at DATETIME NOT NULL);
)";

struct Database {
  sqlite3* handle = nullptr;
  ~Database() {
    if (handle) sqlite3_close(handle);
  }
};

Status Execute(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    return Internal("demo database: {} (in: {})", message, sql.substr(0, 200));
  }
  return Status::Ok();
}

Result<std::unique_ptr<Database>> Open(const std::string& path) {
  auto database = std::make_unique<Database>();
  if (sqlite3_open(path.c_str(), &database->handle) != SQLITE_OK) {
    return IoError("cannot open the demo database '{}': {}", path, sqlite3_errmsg(database->handle));
  }
  return database;
}

// A small deterministic generator (xorshift) so every demo has the same data.
struct Random {
  uint64_t state = 0x9E3779B97F4A7C15ULL;
  uint64_t Next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
  int Below(int bound) { return static_cast<int>(Next() % static_cast<uint64_t>(bound)); }
};

// A SQL literal 'YYYY-MM-DD HH:MM:SS', minutes after 2025-11-20 08:00:00 UTC (may be negative).
std::string Timestamp(int minutes_after_base) {
  int64_t base = *ParseTimestamp("2025-11-20 08:00:00");
  int64_t micros = base + static_cast<int64_t>(minutes_after_base) * 60 * kMicrosPerSecond;
  return "'" + FormatTimestampSql(micros).substr(0, 19) + "'";
}

std::string OrderRow(Random& random, int id, int minute) {
  static constexpr const char* kStatus[] = {"new", "paid", "shipped", "refunded"};
  static constexpr const char* kCurrency[] = {"USD", "EUR", "JPY"};
  int cents = 100 + random.Below(250000);
  std::string note = random.Below(4) == 0 ? "NULL" : fmt::format("'gift wrap #{}'", random.Below(100));
  return fmt::format("({}, {}, '{}', {}.{:02d}, '{}', {}, date({}), {})", id, 1 + random.Below(300),
                     kStatus[random.Below(4)], cents / 100, cents % 100, kCurrency[random.Below(3)], note,
                     Timestamp(minute), Timestamp(minute));
}

Status InsertInitialRows(sqlite3* db) {
  Random random;
  SLUICE_RETURN_IF_ERROR(Execute(db, "BEGIN"));
  static constexpr const char* kCountries[] = {"US", "DE", "JP", "BR", "IN"};
  for (int id = 1; id <= 300; ++id) {
    SLUICE_RETURN_IF_ERROR(Execute(
        db, fmt::format("INSERT INTO customers VALUES ({}, 'Customer {}', {}, '{}', {})", id, id,
                        id % 7 == 0 ? "NULL" : fmt::format("'c{}@example.com'", id), kCountries[id % 5],
                        Timestamp(-10000 + id))));
  }
  // Orders 1..2000, then 60001..62000: a gap of 58,000 ids costs nothing.
  // Every 10 consecutive orders share one updated_at (ties across chunk edges).
  for (int block = 0; block < 2; ++block) {
    int first_id = block == 0 ? 1 : 60001;
    for (int offset = 0; offset < 2000; ++offset) {
      int id = first_id + offset;
      SLUICE_RETURN_IF_ERROR(
          Execute(db, "INSERT INTO orders VALUES " + OrderRow(random, id, block * 400 + offset / 10)));
      if (offset % 4 == 0) {
        SLUICE_RETURN_IF_ERROR(Execute(
            db, fmt::format("INSERT INTO order_events (order_id, event, payload, created_at) VALUES ({}, 'created', "
                            "'{{\"source\": \"web\", \"items\": {}}}', {})",
                            id, 1 + random.Below(5), Timestamp(block * 400 + offset / 10))));
      }
      if (offset % 5 == 0) {
        SLUICE_RETURN_IF_ERROR(Execute(
            db, fmt::format("INSERT INTO shipments (order_id, carrier, shipped_at) VALUES ({}, '{}', {})", id,
                            random.Below(2) ? "DHL" : "UPS", Timestamp(block * 400 + offset / 50))));
      }
    }
  }
  return Execute(db, "COMMIT");
}

}  // namespace

Status CreateDemo(const std::string& dir) {
  // The demo replaces its own files; a directory that holds anything else is refused, so
  // `--dir` pointed at a real project never deletes its config or staged files.
  constexpr const char* kMarker = ".sluice-demo";
  std::error_code error;
  namespace fs = std::filesystem;
  if (fs::exists(dir, error) && !fs::is_directory(dir, error)) {
    return InvalidArgument("demo --dir {}: it is a file; choose a directory", dir);
  }
  if (fs::is_directory(dir, error) && !fs::is_empty(dir, error) && !fs::exists(fs::path(dir) / kMarker, error)) {
    return InvalidArgument(
        "demo --dir {}: the directory is not empty and was not made by `sluice demo` (no {} in it); "
        "choose a new or empty directory",
        dir, kMarker);
  }
  SLUICE_RETURN_IF_ERROR(CreateDirectories(dir));
  SLUICE_RETURN_IF_ERROR(WriteFileAtomically(dir + "/" + kMarker, "made by `sluice demo`; its files are replaced when it runs again\n"));
  for (const char* name : {"demo.db", "warehouse.duckdb", "warehouse.duckdb.wal", "stage", "config"}) {
    std::filesystem::remove_all(std::filesystem::path(dir) / name, error);
  }
  SLUICE_RETURN_IF_ERROR(CreateDirectories(dir + "/config/pipelines"));
  SLUICE_RETURN_IF_ERROR(CreateDirectories(dir + "/stage"));
  SLUICE_RETURN_IF_ERROR(WriteFileAtomically(dir + "/config/connections.yml", kConnections));
  SLUICE_RETURN_IF_ERROR(WriteFileAtomically(dir + "/config/pipelines/demo.yml", kPipeline));
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Open(dir + "/demo.db"));
  SLUICE_RETURN_IF_ERROR(Execute(db->handle, kSchema));
  return InsertInitialRows(db->handle);
}

Result<std::string> ChangeRows(const std::string& dir) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Open(dir + "/demo.db"));
  Random random;
  random.state = 42;
  std::string later = Timestamp(3000);
  SLUICE_RETURN_IF_ERROR(Execute(db->handle, "BEGIN"));
  SLUICE_RETURN_IF_ERROR(Execute(db->handle,
      "UPDATE orders SET status = 'refunded', amount = round(amount + 0.01, 2), updated_at = " + later +
      " WHERE id % 40 = 0"));
  for (int id = 62001; id <= 62150; ++id) {
    SLUICE_RETURN_IF_ERROR(Execute(db->handle, "INSERT INTO orders VALUES " + OrderRow(random, id, 3000)));
  }
  SLUICE_RETURN_IF_ERROR(Execute(db->handle, "UPDATE customers SET name = name || ' (renamed)' WHERE id <= 5"));
  SLUICE_RETURN_IF_ERROR(Execute(db->handle, "DELETE FROM customers WHERE id = 300"));
  for (int id = 62001; id <= 62150; id += 3) {
    SLUICE_RETURN_IF_ERROR(Execute(db->handle,
        fmt::format("INSERT INTO order_events (order_id, event, payload, created_at) VALUES ({}, 'created', NULL, {})",
                    id, later)));
    SLUICE_RETURN_IF_ERROR(Execute(db->handle,
        fmt::format("INSERT INTO shipments (order_id, carrier, shipped_at) VALUES ({}, 'DHL', {})", id, later)));
  }
  SLUICE_RETURN_IF_ERROR(Execute(db->handle, "COMMIT"));
  return std::string(
      "changed the source: 100 orders updated (refunded, newer updated_at), 150 new orders all sharing one\n"
      "updated_at, 5 customers renamed and 1 deleted, 50 new order events and 50 new shipments");
}

Result<std::string> QuerySource(const std::string& dir, const std::string& sql) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Open(dir + "/demo.db"));
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db->handle, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    return Internal("demo query failed: {}", sqlite3_errmsg(db->handle));
  }
  std::string value;
  if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_type(statement, 0) != SQLITE_NULL) {
    value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  }
  sqlite3_finalize(statement);
  return value;
}

}  // namespace sluice::cli::demo
