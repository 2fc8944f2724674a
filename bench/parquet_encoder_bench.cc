// Parquet encoder benchmark: sluice's FileWriter against DuckDB's own
// Parquet writer (COPY ... TO 'x.parquet'), on the same rows.
//
// The data is an orders-like table of 12 columns (ids, decimals,
// timestamps, repetitive short strings, a free-text note, a double; some
// NULLs), generated deterministically as sluice ColumnBatches. sluice
// encodes the batches into a file; DuckDB first loads the same rows into
// a table (from a sluice file, checked equal afterwards) and only its
// COPY is timed. Each configuration runs --runs times; the median is
// reported: wall and CPU seconds (user + system, all threads), rows/s and
// MB/s (in-memory input bytes over wall seconds, the same numerator for
// both) and output bytes.
//
// Usage: parquet_encoder_bench [--rows N] [--runs N] [--batch-rows N] [--dir DIR]
//                              [--encoders all|sluice|duckdb] [--retain-memory 1]
#include <duckdb.h>
#include <fmt/format.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/file.h"
#include "format/parquet/file_writer.h"
#include "types/temporal.h"

namespace sluice::bench {
namespace {

using parquet::Compression;

struct Options {
  size_t rows = 1000000;
  int runs = 3;
  size_t batch_rows = 50000;
  std::string dir = "/tmp";
  std::string encoders = "all";  // all | sluice | duckdb
  // Keep freed memory in the process (glibc mallopt), as DuckDB's own
  // allocator does, instead of returning large buffers to the OS and
  // page-faulting them in again for the next file.
  bool retain_memory = false;
};

SchemaPtr OrdersSchema() {
  auto schema = std::make_shared<Schema>();
  auto add = [&](const char* name, DataType type, bool nullable) {
    Field field;
    field.name = name;
    field.type = type;
    field.nullable = nullable;
    schema->fields.push_back(field);
  };
  add("id", DataType::Of(TypeId::kInt64), false);
  add("customer_id", DataType::Of(TypeId::kInt64), false);
  add("status", DataType::Of(TypeId::kString), false);
  add("currency", DataType::Of(TypeId::kString), false);
  add("amount", DataType::Decimal(12, 2), false);
  add("tax", DataType::Decimal(10, 2), true);
  add("quantity", DataType::Of(TypeId::kInt32), false);
  add("created_at", DataType::Of(TypeId::kTimestamp), false);
  add("updated_at", DataType::Of(TypeId::kTimestampTz), true);
  add("note", DataType::Of(TypeId::kString), true);
  add("discount", DataType::Of(TypeId::kFloat64), true);
  add("country", DataType::Of(TypeId::kString), false);
  return schema;
}

std::vector<std::unique_ptr<ColumnBatch>> MakeBatches(const SchemaPtr& schema, const Options& options) {
  static const char* kStatuses[] = {"new", "paid", "shipped", "delivered", "cancelled", "refunded"};
  static const char* kCurrencies[] = {"USD", "EUR", "GBP", "JPY", "CNY"};
  static const char* kCountries[] = {"US", "DE", "GB", "FR", "JP", "CN", "IN", "BR", "CA", "AU", "ES", "IT", "NL",
                                     "SE", "CH", "PL", "BE", "AT", "DK", "NO", "FI", "IE", "PT", "MX", "KR"};
  std::mt19937_64 random(7);
  std::vector<std::unique_ptr<ColumnBatch>> batches;
  int64_t created_micros = DaysFromCivil(2024, 1, 1) * kMicrosPerDay;
  for (size_t first_row = 0; first_row < options.rows; first_row += options.batch_rows) {
    size_t batch_rows = std::min(options.batch_rows, options.rows - first_row);
    auto batch = std::make_unique<ColumnBatch>(schema);
    batch->Reserve(batch_rows);
    for (size_t row = first_row; row < first_row + batch_rows; ++row) {
      uint64_t bits = random();
      created_micros += static_cast<int64_t>(bits % 2000000);
      batch->column(0).Append<int64_t>(static_cast<int64_t>(row + 1));
      batch->column(1).Append<int64_t>(static_cast<int64_t>(1 + (bits >> 8) % 100000));
      batch->column(2).AppendBytes(kStatuses[(bits >> 28) % 6]);
      batch->column(3).AppendBytes(kCurrencies[(bits >> 32) % 5]);
      batch->column(4).Append<int64_t>(static_cast<int64_t>((bits >> 12) % 10000000));
      if ((bits >> 40) % 10 == 0) {
        batch->column(5).AppendNull();
      } else {
        batch->column(5).Append<int64_t>(static_cast<int64_t>((bits >> 14) % 1000000));
      }
      batch->column(6).Append<int32_t>(static_cast<int32_t>(1 + (bits >> 44) % 100));
      batch->column(7).Append<int64_t>(created_micros);
      if ((bits >> 50) % 20 == 0) {
        batch->column(8).AppendNull();
      } else {
        batch->column(8).Append<int64_t>(created_micros + static_cast<int64_t>((bits >> 20) % 86400000000LL));
      }
      if ((bits >> 52) % 10 < 3) {
        batch->column(9).AppendNull();
      } else {
        batch->column(9).AppendBytes(fmt::format("note {} for order {}", (bits >> 3) % 1000000, row));
      }
      if ((bits >> 56) % 5 == 0) {
        batch->column(10).AppendNull();
      } else {
        batch->column(10).Append<double>(static_cast<double>((bits >> 24) % 10000) / 10000.0);
      }
      batch->column(11).AppendBytes(kCountries[(bits >> 58) % 25]);
    }
    batches.push_back(std::move(batch));
  }
  return batches;
}

// Wall-clock and CPU (user + system, all threads) seconds of one run.
struct Timer {
  std::chrono::steady_clock::time_point wall_start = std::chrono::steady_clock::now();
  double cpu_start = CpuSeconds();

  static double CpuSeconds() {
    rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& time) { return static_cast<double>(time.tv_sec) + time.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
  }
  double wall() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count(); }
  double cpu() const { return CpuSeconds() - cpu_start; }
};

Status WriteSluice(const SchemaPtr& schema, const std::vector<std::unique_ptr<ColumnBatch>>& batches,
                   Compression compression, const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> sink, OpenWritableFile(path));
  parquet::WriterOptions options;
  options.compression = compression;
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<parquet::FileWriter> writer,
                          parquet::FileWriter::Open(schema, options, sink.get()));
  for (const auto& batch : batches) SLUICE_RETURN_IF_ERROR(writer->Write(*batch));
  SLUICE_RETURN_IF_ERROR(writer->Close());
  return sink->Close();
}

class DuckDb {
 public:
  DuckDb() {
    duckdb_open(nullptr, &database_);
    duckdb_connect(database_, &connection_);
  }
  ~DuckDb() {
    duckdb_disconnect(&connection_);
    duckdb_close(&database_);
  }
  // Runs `sql`; returns the first value of the first row as text ("" if none).
  Result<std::string> Run(const std::string& sql) {
    duckdb_result result;
    if (duckdb_query(connection_, sql.c_str(), &result) != DuckDBSuccess) {
      std::string error = duckdb_result_error(&result);
      duckdb_destroy_result(&result);
      return Internal("DuckDB: {} ({})", error, sql);
    }
    std::string value;
    if (duckdb_row_count(&result) > 0 && duckdb_column_count(&result) > 0) {
      char* text = duckdb_value_varchar(&result, 0, 0);
      if (text != nullptr) value = text;
      duckdb_free(text);
    }
    duckdb_destroy_result(&result);
    return value;
  }

 private:
  duckdb_database database_ = nullptr;
  duckdb_connection connection_ = nullptr;
};

struct Measurement {
  std::string encoder;
  std::string compression;
  double seconds = 0;      // median wall clock
  double cpu_seconds = 0;  // median CPU
  uint64_t output_bytes = 0;
};

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

void Report(const Measurement& measurement, size_t rows, uint64_t input_bytes) {
  std::printf("| %-22s | %-6s | %7.3f | %7.3f | %10.0f | %7.1f | %12llu |\n", measurement.encoder.c_str(),
              measurement.compression.c_str(), measurement.seconds, measurement.cpu_seconds,
              static_cast<double>(rows) / measurement.seconds,
              static_cast<double>(input_bytes) / measurement.seconds / 1e6,
              static_cast<unsigned long long>(measurement.output_bytes));
  std::fflush(stdout);
}

Status Run(const Options& options) {
  SchemaPtr schema = OrdersSchema();
  auto batches = MakeBatches(schema, options);
  uint64_t input_bytes = 0;
  for (const auto& batch : batches) input_bytes += batch->ByteSize();
  std::string base = options.dir + "/sluice-bench-" + std::to_string(getpid());
  SLUICE_RETURN_IF_ERROR(CreateDirectories(base));
  std::printf("rows: %zu in batches of %zu; columns: %zu; in-memory input: %.1f MB; runs: %d (median)%s\n\n",
              options.rows, options.batch_rows, schema->fields.size(), input_bytes / 1e6, options.runs,
              options.retain_memory ? "; glibc retains freed memory" : "");
  std::printf("| encoder                | codec  | wall s  | CPU s   | rows/s     | MB/s    | output bytes |\n");
  std::printf("|------------------------|--------|--------:|--------:|-----------:|--------:|-------------:|\n");

  // DuckDB loads the same rows from an uncompressed sluice file.
  bool run_duckdb = options.encoders != "sluice";
  DuckDb duckdb;
  if (run_duckdb) {
    std::string source_path = base + "/source.parquet";
    SLUICE_RETURN_IF_ERROR(WriteSluice(schema, batches, Compression::kNone, source_path));
    SLUICE_RETURN_IF_ERROR(
        duckdb.Run("CREATE TABLE orders AS SELECT * FROM read_parquet('" + source_path + "')").status());
  }

  for (Compression compression : {Compression::kZstd, Compression::kSnappy}) {
    std::string codec(parquet::CompressionName(compression));
    std::string sluice_path = base + "/sluice-" + codec + ".parquet";
    std::vector<double> times;
    std::vector<double> cpu_times;
    for (int run = 0; run < options.runs; ++run) {
      Timer timer;
      SLUICE_RETURN_IF_ERROR(WriteSluice(schema, batches, compression, sluice_path));
      times.push_back(timer.wall());
      cpu_times.push_back(timer.cpu());
    }
    if (options.encoders != "duckdb") {
      Report({"sluice FileWriter", codec, Median(times), Median(cpu_times), std::filesystem::file_size(sluice_path)},
             options.rows, input_bytes);
    }
    if (!run_duckdb) continue;
    for (int threads : {1, 2}) {
      SLUICE_RETURN_IF_ERROR(duckdb.Run(fmt::format("SET threads = {}", threads)).status());
      std::string duckdb_path = base + "/duckdb-" + codec + ".parquet";
      times.clear();
      cpu_times.clear();
      for (int run = 0; run < options.runs; ++run) {
        Timer timer;
        SLUICE_RETURN_IF_ERROR(duckdb
                                   .Run(fmt::format("COPY (SELECT * FROM orders) TO '{}' (FORMAT parquet, "
                                                    "COMPRESSION {})",
                                                    duckdb_path, codec))
                                   .status());
        times.push_back(timer.wall());
        cpu_times.push_back(timer.cpu());
      }
      Report({fmt::format("DuckDB COPY, {} thread{}", threads, threads > 1 ? "s" : ""), codec, Median(times),
              Median(cpu_times), std::filesystem::file_size(duckdb_path)},
             options.rows, input_bytes);
    }
    // Both files hold exactly the loaded rows.
    SLUICE_ASSIGN_OR_RETURN(std::string differing,
                            duckdb.Run(fmt::format("SELECT count(*) FROM (SELECT * FROM orders EXCEPT ALL "
                                                   "SELECT * FROM read_parquet('{}'))",
                                                   sluice_path)));
    SLUICE_ASSIGN_OR_RETURN(std::string count,
                            duckdb.Run(fmt::format("SELECT count(*) FROM read_parquet('{}')", sluice_path)));
    if (differing != "0" || count != std::to_string(options.rows)) {
      return Internal("the sluice {} file does not hold the rows: {} rows, {} differ", codec, count, differing);
    }
  }
  std::filesystem::remove_all(base);
  return Status::Ok();
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) {
  sluice::bench::Options options;
  for (int arg_idx = 1; arg_idx + 1 < argc; arg_idx += 2) {
    std::string flag = argv[arg_idx];
    std::string value = argv[arg_idx + 1];
    if (flag == "--rows") {
      options.rows = std::stoull(value);
    } else if (flag == "--runs") {
      options.runs = std::max(1, std::stoi(value));
    } else if (flag == "--batch-rows") {
      options.batch_rows = std::max<size_t>(1, std::stoull(value));
    } else if (flag == "--dir") {
      options.dir = value;
    } else if (flag == "--encoders") {
      options.encoders = value;
    } else if (flag == "--retain-memory") {
      options.retain_memory = value == "1";
    } else {
      std::fprintf(stderr,
                   "usage: %s [--rows N] [--runs N] [--batch-rows N] [--dir DIR] [--encoders all|sluice|duckdb] "
                   "[--retain-memory 1]\n",
                   argv[0]);
      return 2;
    }
  }
  if (options.retain_memory) {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
  }
  sluice::Status status = sluice::bench::Run(options);
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
