#include "state/watermark.h"

#include <gmock/gmock.h>

#include "store/memory/memory_store.h"
#include "types/temporal.h"

namespace sluice::state {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char* const kOrigin = "watermarks/us_dw/settlement.orders.json";

Watermark FullWatermark() {
  Watermark watermark;
  watermark.pipeline = "us_dw";
  watermark.table = "settlement.orders";
  watermark.cdc_strategy = "hybrid";
  watermark.cursor.timestamp_micros = *ParseTimestamp("2025-11-27T15:30:00.000001Z");
  watermark.cursor.id = Value::Int64(1000000);
  watermark.lookback.from_timestamp_micros = *ParseTimestamp("2025-11-27T15:25:00.000000Z");
  watermark.lookback.from_id = Value::Int64(999000);
  watermark.lookback.id_samples = {{*ParseTimestamp("2025-11-27T15:00:00.000000Z"), Value::Int64(999000)}};
  watermark.extract = {.status = ExtractStatus::kSuccess,
                       .total_rows = 5000000,
                       .last_session_rows = 50000,
                       .last_started_at = "2025-11-28T14:00:00.000000Z",
                       .last_finished_at = "2025-11-28T14:00:45.000000Z",
                       .last_error = std::nullopt,
                       .last_run_id = "abc123",
                       .last_success_at = "2025-11-28T14:00:45.000000Z"};
  watermark.staged_files = {{.key = "incremental/a_batch_0001.parquet",
                             .rows = 50000,
                             .bytes = 3100000,
                             .run_id = "abc123",
                             .staged_at = "2025-11-28T14:00:40.000000Z"}};
  watermark.loaded_files = {{.key = "incremental/old.parquet", .rows = 7, .loaded_at = "2025-11-27T10:00:00.000000Z"}};
  watermark.load = {.status = LoadStatus::kSuccess,
                    .rows_loaded = 5000000,
                    .last_loaded_at = "2025-11-27T10:00:00.000000Z",
                    .last_error = std::nullopt};
  watermark.schema_fingerprint = "sha256:1f2e";
  watermark.lease_epoch = 3;
  return watermark;
}

// FullWatermark() as this format has always written it (before log
// positions, snapshots and generations existed).
const char* const kFullDocument = R"({
  "version": 1,
  "pipeline": "us_dw",
  "table": "settlement.orders",
  "cdc_strategy": "hybrid",
  "cursor": {
    "timestamp": "2025-11-27T15:30:00.000001Z",
    "id": 1000000
  },
  "lookback": {
    "from_timestamp": "2025-11-27T15:25:00.000000Z",
    "from_id": 999000,
    "id_samples": [
      {
        "at": "2025-11-27T15:00:00.000000Z",
        "id": 999000
      }
    ]
  },
  "extract": {
    "status": "success",
    "total_rows": 5000000,
    "last_session_rows": 50000,
    "last_started_at": "2025-11-28T14:00:00.000000Z",
    "last_finished_at": "2025-11-28T14:00:45.000000Z",
    "last_error": null,
    "last_run_id": "abc123",
    "last_success_at": "2025-11-28T14:00:45.000000Z"
  },
  "staged_files": [
    {
      "key": "incremental/a_batch_0001.parquet",
      "rows": 50000,
      "bytes": 3100000,
      "run_id": "abc123",
      "staged_at": "2025-11-28T14:00:40.000000Z",
      "cursor_before": null,
      "cursor_after": null
    }
  ],
  "pending_files": [],
  "loaded_files": [
    {
      "key": "incremental/old.parquet",
      "rows": 7,
      "loaded_at": "2025-11-27T10:00:00.000000Z"
    }
  ],
  "load": {
    "status": "success",
    "rows_loaded": 5000000,
    "last_loaded_at": "2025-11-27T10:00:00.000000Z",
    "last_error": null
  },
  "schema_fingerprint": "sha256:1f2e",
  "schema": null,
  "last_rewind": null,
  "lease_epoch": 3
})";

TEST(WatermarkJson, HasSpecFieldsInSpecOrderWithExtensionsAfterTheirNeighbours) {
  EXPECT_EQ(WatermarkToJson(FullWatermark()), kFullDocument);
}

TEST(WatermarkJson, ADocumentWrittenBeforeLogCursorsReadsUnchangedAndRewritesByteForByte) {
  Result<Watermark> parsed = WatermarkFromJson(kFullDocument, kOrigin);
  ASSERT_TRUE(parsed.has_value()) << parsed.status().ToString();
  EXPECT_EQ(parsed->cursor, FullWatermark().cursor);
  EXPECT_EQ(parsed->cursor.log, std::nullopt);
  EXPECT_EQ(parsed->cursor.snapshot, std::nullopt);
  EXPECT_EQ(parsed->generation, 0) << "a document without a generation reads as generation 0";
  EXPECT_EQ(*parsed, FullWatermark());
  EXPECT_EQ(WatermarkToJson(*parsed), kFullDocument);
}

// Replaces the cursor of the full document with `cursor` (JSON text) and parses it.
Result<Watermark> ParseWithCursor(std::string_view cursor) {
  std::string json = WatermarkToJson(FullWatermark());
  size_t from = json.find("\"cursor\": {");
  size_t to = json.find("},", from) + 2;
  json.replace(from, to - from, "\"cursor\": " + std::string(cursor) + ",");
  return WatermarkFromJson(json, kOrigin);
}

TEST(WatermarkJson, LogPositionsAndSnapshotStatesRoundTrip) {
  Watermark watermark = FullWatermark();
  std::vector<Cursor> cursors = {
      Cursor{.log = BinlogPosition{.file = "binlog.000042", .position = 1234, .gtid = "0-1-987"}},
      Cursor{.log = BinlogPosition{.file = "mysql-bin.000001", .position = 18446744073709551615ull, .gtid = ""}},
      Cursor{.log = *Lsn::Parse("16/B374D848")},
      // The first copy of a log table pages by id with the position it will read the log from.
      Cursor{.id = Value::Int64(77), .log = *Lsn::Parse("0/16B3748")},
      Cursor{.snapshot = SnapshotState{.state = "state/us_dw/shop.products/20251128_140000_abc123/",
                                       .taken_at_micros = *ParseTimestamp("2025-11-28T14:00:00.000000Z")}},
  };
  for (const Cursor& cursor : cursors) {
    watermark.cursor = cursor;
    watermark.staged_files[0].cursor_after = cursor;
    std::string json = WatermarkToJson(watermark);
    Result<Watermark> parsed = WatermarkFromJson(json, kOrigin);
    ASSERT_TRUE(parsed.has_value()) << parsed.status().ToString() << "\n" << json;
    EXPECT_EQ(*parsed, watermark) << json;
    EXPECT_EQ(WatermarkToJson(*parsed), json);
    EXPECT_FALSE(parsed->cursor.empty());
  }
  watermark.cursor = cursors[0];
  EXPECT_THAT(WatermarkToJson(watermark), HasSubstr(R"("cursor": {
    "log": {
      "file": "binlog.000042",
      "position": 1234,
      "gtid": "0-1-987"
    }
  },)"));
  watermark.cursor = cursors[2];
  EXPECT_THAT(WatermarkToJson(watermark), HasSubstr(R"("cursor": {
    "log": {
      "lsn": "16/B374D848"
    }
  },)"));
  watermark.cursor = cursors[4];
  EXPECT_THAT(WatermarkToJson(watermark), HasSubstr(R"("cursor": {
    "snapshot": {
      "state": "state/us_dw/shop.products/20251128_140000_abc123/",
      "taken_at": "2025-11-28T14:00:00.000000Z"
    }
  },)"));
}

TEST(WatermarkJson, AFirstCopysProgressRoundTrips) {
  Watermark watermark = FullWatermark();
  int64_t ceiling = *ParseTimestamp("2025-11-28T14:00:00.000000Z");
  std::vector<Cursor> cursors = {
      Cursor{.copy = CopyProgress{.after = {}, .ceiling_micros = ceiling}},
      Cursor{.copy = CopyProgress{.after = {Value::Int64(-42)}, .ceiling_micros = ceiling}},
      Cursor{.copy = CopyProgress{.after = {Value::Int64(9)}, .ceiling_micros = ceiling,
                                  .max_timestamp_micros = ceiling - 5, .max_id = Value::Text("z")}},
      Cursor{.copy = CopyProgress{.after = {Value::UInt64(18446744073709551615ull), Value::Text("b'\"x")},
                                  .ceiling_micros = ceiling, .started_micros = ceiling + 1500000}},
  };
  for (const Cursor& cursor : cursors) {
    watermark.cursor = cursor;
    watermark.staged_files[0].cursor_before = cursor;
    std::string json = WatermarkToJson(watermark);
    Result<Watermark> parsed = WatermarkFromJson(json, kOrigin);
    ASSERT_TRUE(parsed.has_value()) << parsed.status().ToString() << "\n" << json;
    EXPECT_EQ(*parsed, watermark) << json;
    EXPECT_EQ(WatermarkToJson(*parsed), json);
    EXPECT_FALSE(parsed->cursor.empty());
  }
  watermark.cursor = cursors[1];
  EXPECT_THAT(WatermarkToJson(watermark), HasSubstr(R"("cursor": {
    "timestamp": null,
    "id": null,
    "copy": {
      "after": [
        -42
      ],
      "ceiling": "2025-11-28T14:00:00.000000Z",
      "started_at": null,
      "max_timestamp": null,
      "max_id": null
    }
  },)"));
  for (auto [cursor, message] : std::vector<std::pair<std::string_view, std::string_view>>{
           {R"({"timestamp": null, "id": null, "copy": {"after": 5, "ceiling": "2025-11-28T14:00:00Z"}})",
            "cursor.copy.after: expected an array of primary-key values, got an integer"},
           {R"({"timestamp": null, "id": null, "copy": {"after": [null], "ceiling": "2025-11-28T14:00:00Z"}})",
            "cursor.copy.after: expected integers or strings, got null"},
           {R"({"timestamp": null, "id": null, "copy": {"after": []}})", "cursor.copy.ceiling: missing"},
           {R"({"timestamp": null, "id": null, "copy": {"after": [], "ceiling": "soon"}})", "cursor.copy.ceiling: "},
           {R"({"timestamp": null, "id": null, "copy": {"after": [], "ceiling": "2025-11-28T14:00:00Z", "started_at": 5}})",
            "cursor.copy.started_at: expected a string or null"},
           {R"({"timestamp": null, "id": null, "copy": {"after": [], "ceiling": "2025-11-28T14:00:00Z", "x": 1}})",
            "cursor.copy.x: unknown field"},
       }) {
    Result<Watermark> parsed = ParseWithCursor(cursor);
    ASSERT_FALSE(parsed.has_value()) << cursor;
    EXPECT_EQ(parsed.error().code(), StatusCode::kDataError) << cursor;
    EXPECT_THAT(parsed.error().message(), HasSubstr(message)) << cursor;
  }
}

TEST(WatermarkJson, AHeapOrderCopysProgressRoundTripsAndIsCheckedField) {
  Watermark watermark = FullWatermark();
  int64_t ceiling = *ParseTimestamp("2025-11-28T14:00:00.000000Z");
  watermark.cursor = Cursor{.copy = CopyProgress{.heap = HeapProgress{.next_page = 1234, .storage = "16391"},
                                                 .ceiling_micros = ceiling,
                                                 .started_micros = ceiling + 250000,
                                                 .max_timestamp_micros = ceiling - 2,
                                                 .max_id = Value::Int64(48190)}};
  watermark.staged_files[0].cursor_before =
      Cursor{.copy = CopyProgress{.heap = HeapProgress{.next_page = 0, .storage = "16391"}, .ceiling_micros = ceiling}};
  std::string json = WatermarkToJson(watermark);
  Result<Watermark> parsed = WatermarkFromJson(json, kOrigin);
  ASSERT_TRUE(parsed.has_value()) << parsed.status().ToString() << "\n" << json;
  EXPECT_EQ(*parsed, watermark) << json;
  EXPECT_EQ(WatermarkToJson(*parsed), json);
  EXPECT_THAT(json, HasSubstr(R"("cursor": {
    "timestamp": null,
    "id": null,
    "copy": {
      "heap": {
        "next_page": 1234,
        "storage": "16391"
      },
      "ceiling": "2025-11-28T14:00:00.000000Z",
      "started_at": "2025-11-28T14:00:00.250000Z",
      "max_timestamp": "2025-11-28T13:59:59.999998Z",
      "max_id": 48190
    }
  },)"));
  constexpr std::string_view kCeiling = R"("ceiling": "2025-11-28T14:00:00Z")";
  for (auto [copy, message] : std::vector<std::pair<std::string, std::string_view>>{
           {R"("heap": {"next_page": 5, "storage": "1"}, "after": [], )",
            "cursor.copy.heap: a copy is in primary-key "
            "order (\"after\") or in page order"},
           {R"("heap": {"next_page": -1, "storage": "1"}, )", "cursor.copy.heap.next_page: expected an integer >= 0"},
           {R"("heap": {"next_page": "5", "storage": "1"}, )", "cursor.copy.heap.next_page: expected an integer"},
           {R"("heap": {"next_page": 5}, )", "cursor.copy.heap.storage: missing"},
           {R"("heap": {"next_page": 5, "storage": ""}, )", "cursor.copy.heap.storage: empty"},
           {R"("heap": {"next_page": 5, "storage": "1", "pages": 9}, )", "cursor.copy.heap.pages: unknown field"},
           {R"("heap": 5, )", "cursor.copy.heap: expected an object"},
           {"", "cursor.copy.after: missing"},
       }) {
    std::string cursor = R"({"timestamp": null, "id": null, "copy": {)" + copy + std::string(kCeiling) + "}}";
    Result<Watermark> refused = ParseWithCursor(cursor);
    ASSERT_FALSE(refused.has_value()) << cursor;
    EXPECT_EQ(refused.error().code(), StatusCode::kDataError) << cursor;
    EXPECT_THAT(refused.error().message(), HasSubstr(message)) << cursor;
  }
}

TEST(WatermarkJson, ALogCursorShapedAsSpecSection8Reads) {
  Result<Watermark> parsed =
      ParseWithCursor(R"({"log": {"file": "binlog.000042", "position": 1234, "gtid": "0-1-987"}})");
  ASSERT_TRUE(parsed.has_value()) << parsed.status().ToString();
  EXPECT_EQ(parsed->cursor,
            (Cursor{.log = BinlogPosition{.file = "binlog.000042", .position = 1234, .gtid = "0-1-987"}}));
  parsed = ParseWithCursor(R"({"log": {"lsn": "0/16B3748"}})");
  ASSERT_TRUE(parsed.has_value()) << parsed.status().ToString();
  ASSERT_TRUE(parsed->cursor.log.has_value());
  EXPECT_EQ(std::get<Lsn>(*parsed->cursor.log).value, 0x16B3748u);
  EXPECT_EQ(std::get<Lsn>(*parsed->cursor.log).text, "0/16B3748");
  parsed = ParseWithCursor(R"({"log": {"file": "binlog.000042", "position": 4}})");  // no GTIDs on that server
  ASSERT_TRUE(parsed.has_value()) << parsed.status().ToString();
  EXPECT_EQ(std::get<BinlogPosition>(*parsed->cursor.log).gtid, "");
}

TEST(Lsn, ParsesBothHexHalvesIntoOneComparableValueAndKeepsTheText) {
  Result<Lsn> lsn = Lsn::Parse("16/B374D848");
  ASSERT_TRUE(lsn.has_value()) << lsn.status().ToString();
  EXPECT_EQ(lsn->value, (uint64_t{0x16} << 32) | 0xB374D848u);
  EXPECT_EQ(lsn->text, "16/B374D848");
  EXPECT_EQ(Lsn::Parse("0/0")->value, 0u);
  EXPECT_EQ(Lsn::Parse("FFFFFFFF/FFFFFFFF")->value, UINT64_MAX);
  // The high half weighs more than any low half: compared as numbers, not as text.
  EXPECT_LT(*Lsn::Parse("0/FFFFFFFF"), *Lsn::Parse("1/0"));
  EXPECT_LT(*Lsn::Parse("0/9"), *Lsn::Parse("0/A"));
  EXPECT_LT(*Lsn::Parse("0/16B3748"), *Lsn::Parse("0/16B3749"));
  EXPECT_EQ(*Lsn::Parse("0/16b3748"), *Lsn::Parse("0/016B3748"));
  for (std::string_view bad : {"", "0", "0/", "/1", "g/1", "0/123456789", "-1/0", "0/+1", "0x1/0", "1/2/3", " 0/1"}) {
    Result<Lsn> parsed = Lsn::Parse(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.error().message(), HasSubstr("'" + std::string(bad) + "' is not a PostgreSQL LSN"));
  }
}

TEST(WatermarkJson, MalformedLogAndSnapshotFieldsNameTheField) {
  struct Case {
    std::string_view cursor, message;
  };
  for (const Case& edit : std::vector<Case>{
           {R"({"log": {"file": "binlog.000042", "position": -1, "gtid": null}})",
            "cursor.log.position: expected an integer >= 0, got -1"},
           {R"({"log": {"file": "binlog.000042", "position": "1234"}})",
            "cursor.log.position: expected an integer >= 0, got a string"},
           {R"({"log": {"position": 1234}})", "cursor.log.file: missing"},
           {R"({"log": {"file": "", "position": 1234}})", "cursor.log.file: empty"},
           {R"({"log": {"file": "binlog.000042", "position": 4, "gtid": 5}})",
            "cursor.log.gtid: expected a string or null, got an integer"},
           {R"({"log": {"lsn": "16-B374D848"}})", "cursor.log.lsn: '16-B374D848' is not a PostgreSQL LSN"},
           {R"({"log": {"lsn": 5}})", "cursor.log.lsn: expected a string, got an integer"},
           {R"({"log": {"lsn": "0/1", "file": "binlog.000042"}})", "cursor.log.file: unknown field"},
           {R"({"log": {"file": "binlog.000042", "position": 4, "offset": 5}})", "cursor.log.offset: unknown field"},
           {R"({"log": "binlog.000042:4"})", "cursor.log: expected an object, got a string"},
           {R"({"snapshot": {"state": "state/p/t/", "taken_at": "noon"}})", "cursor.snapshot.taken_at: "},
           {R"({"snapshot": {"taken_at": "2025-11-28T14:00:00Z"}})", "cursor.snapshot.state: missing"},
           {R"({"id": 5})", "cursor.timestamp: missing"},
       }) {
    Result<Watermark> parsed = ParseWithCursor(edit.cursor);
    ASSERT_FALSE(parsed.has_value()) << edit.cursor;
    EXPECT_EQ(parsed.error().code(), StatusCode::kDataError) << edit.cursor;
    EXPECT_THAT(parsed.error().message(), HasSubstr(edit.message)) << edit.cursor;
    EXPECT_THAT(parsed.error().message(), HasSubstr(kOrigin));
  }
}

TEST(WatermarkJson, RoundTripsEveryField) {
  Watermark watermark = FullWatermark();
  watermark.pending_files = {{.key = "full/x.parquet", .rows = 1, .bytes = 2, .run_id = "r", .staged_at = ""}};
  watermark.extract.last_error = "source went away: \"quoted\" ü";
  watermark.load.last_error = "COPY failed";
  watermark.schema = Schema{.fields = {Field{.name = "id", .type = DataType::Of(TypeId::kInt64), .nullable = false,
                                              .source_type = "bigint unsigned", .max_length = 0},
                                        Field{.name = "note", .type = DataType::Of(TypeId::kString), .nullable = true,
                                              .source_type = "varchar(40)", .max_length = 40}},
                            .primary_key = {"id"}};
  watermark.staged_files[0].cursor_before = Cursor{.timestamp_micros = 5, .id = Value::Int64(7)};
  watermark.staged_files[0].cursor_after = watermark.cursor;
  watermark.last_rewind = RewindRecord{.at = "2025-11-28T14:00:00.000000Z",
                                       .key = "incremental/b.parquet",
                                       .reason = "is missing from the store",
                                       .files_dropped = 2,
                                       .rows_dropped = 9,
                                       .cursor = Cursor()};
  Result<Watermark> parsed = WatermarkFromJson(WatermarkToJson(watermark), kOrigin);
  ASSERT_TRUE(parsed.has_value()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, watermark);
  watermark.last_rewind->cursor.reset();  // a full copy's rewind moves no cursor
  parsed = WatermarkFromJson(WatermarkToJson(watermark), kOrigin);
  ASSERT_TRUE(parsed.has_value()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, watermark);
  Watermark fresh;
  fresh.pipeline = "p";
  fresh.table = "t";
  EXPECT_EQ(*WatermarkFromJson(WatermarkToJson(fresh), kOrigin), fresh);
}

TEST(WatermarkJson, CursorIdIsANumberAStringOrNull) {
  Watermark watermark = FullWatermark();
  for (Value id : {Value::Int64(-5), Value::Int64(INT64_MAX), Value::UInt64(18446744073709551615ull),
                   Value::Text("ORD-000042"), Value()}) {
    watermark.cursor.id = id;
    std::string json = WatermarkToJson(watermark);
    Result<Watermark> parsed = WatermarkFromJson(json, kOrigin);
    ASSERT_TRUE(parsed.has_value()) << parsed.status().ToString();
    EXPECT_EQ(parsed->cursor.id, id) << json;
  }
  watermark.cursor = Cursor();
  EXPECT_THAT(WatermarkToJson(watermark), HasSubstr(R"("cursor": {
    "timestamp": null,
    "id": null
  })"));
}

TEST(WatermarkJson, KeepsOnlyTheMostRecentLoadedFiles) {
  Watermark watermark = FullWatermark();
  watermark.loaded_files.clear();
  for (size_t file_idx = 0; file_idx < kLoadedFilesKept + 5; ++file_idx) {
    watermark.loaded_files.push_back({.key = "f" + std::to_string(file_idx), .rows = 1, .loaded_at = ""});
  }
  Result<Watermark> parsed = WatermarkFromJson(WatermarkToJson(watermark), kOrigin);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->loaded_files.size(), kLoadedFilesKept);
  EXPECT_EQ(parsed->loaded_files.front().key, "f5");
  EXPECT_EQ(parsed->loaded_files.back().key, "f" + std::to_string(kLoadedFilesKept + 4));
}

// Replaces the first `from` in the full document's JSON with `to`, and parses it.
Result<Watermark> ParseEdited(std::string_view from, std::string_view to) {
  std::string json = WatermarkToJson(FullWatermark());
  size_t at = json.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) json.replace(at, from.size(), to);
  return WatermarkFromJson(json, kOrigin);
}

TEST(WatermarkJson, ErrorsNameTheDocumentAndTheField) {
  struct Case {
    std::string_view from, to, message;
  };
  for (const Case& edit : std::vector<Case>{
           {"\"2025-11-27T15:30:00.000001Z\"", "\"yesterday\"", "settlement.orders.json: cursor.timestamp: "},
           {"\"id\": 1000000", "\"id\": 1.5", "cursor.id: expected an integer, a string or null, got a decimal"},
           {"\"rows\": 50000", "\"rows\": -1", "staged_files[0].rows: expected an integer >= 0, got -1"},
           {"\"bytes\": 3100000", "\"bytes\": \"big\"",
            "staged_files[0].bytes: expected an integer >= 0, got a string"},
           {"\"status\": \"success\"", "\"status\": \"done\"", "extract.status: 'done' is not one of never, running"},
           {"\"cdc_strategy\": \"hybrid\"", "\"cdc_strategy\": \"magic\"", "cdc_strategy: 'magic' is not one of"},
           {"\"schema_fingerprint\"", "\"schema_fingerprints\"", "schema_fingerprint: missing"},
           {"\"lease_epoch\": 3", "\"lease_epoch\": 3, \"extra\": 1", "extra: unknown field"},
           {"\"run_id\": \"abc123\",\n      \"staged_at\"", "\"runid\": \"abc123\",\n      \"staged_at\"",
            "staged_files[0].runid: unknown field"},
           {"\"loaded_files\": [", "\"loaded_files\": {\"x\": [", "not valid JSON"},
           {"\"version\": 1", "\"version\": 0", "version: expected an integer >= 1, got 0"},
       }) {
    Result<Watermark> parsed = ParseEdited(edit.from, edit.to);
    ASSERT_FALSE(parsed.has_value()) << edit.to;
    EXPECT_EQ(parsed.error().code(), StatusCode::kDataError);
    EXPECT_THAT(parsed.error().message(), HasSubstr(edit.message));
    EXPECT_THAT(parsed.error().message(), HasSubstr(kOrigin));
  }
}

TEST(WatermarkJson, ANewerFormatVersionAsksForAnUpgrade) {
  Result<Watermark> parsed = ParseEdited("\"version\": 1", "\"version\": 2, \"new_field\": true");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code(), StatusCode::kNotSupported);
  EXPECT_THAT(parsed.error().message(), HasSubstr(kOrigin));
  EXPECT_THAT(parsed.error().message(), HasSubstr("upgrade sluice"));
}

TEST(WatermarkJson, TheHeaderExtensionsAreOptionalSoASpecShapedDocumentReads) {
  Result<Watermark> parsed = WatermarkFromJson(R"({
    "version": 1, "pipeline": "us_dw", "table": "settlement.settle_orders", "cdc_strategy": "hybrid",
    "cursor": {"timestamp": "2025-11-27T15:30:00.000000Z", "id": 1000000},
    "extract": {"status": "success", "total_rows": 5000000, "last_session_rows": 50000,
                "last_started_at": "2025-11-28T14:00:00Z", "last_finished_at": "2025-11-28T14:00:45Z", "last_error": null},
    "staged_files": [{"key": "a.parquet", "rows": 50000, "bytes": 3100000}],
    "loaded_files": [{"key": "b.parquet", "rows": 50000, "loaded_at": "2025-11-28T14:01:00Z"}],
    "load": {"status": "success", "rows_loaded": 5000000, "last_loaded_at": "2025-11-28T14:01:00Z"},
    "schema_fingerprint": "abc"})",
                                               kOrigin);
  ASSERT_TRUE(parsed.has_value()) << parsed.status().ToString();
  EXPECT_EQ(parsed->lease_epoch, 0);
  EXPECT_TRUE(parsed->pending_files.empty());
  EXPECT_EQ(parsed->staged_files[0].bytes, 3100000u);
  EXPECT_EQ(parsed->staged_files[0].cursor_before, std::nullopt) << "staged before sluice recorded cursor ranges";
  EXPECT_EQ(parsed->last_rewind, std::nullopt);
  EXPECT_EQ(parsed->cursor.id, Value::Int64(1000000));
}

TEST(WatermarkJson, AStagedFilesCursorRangeIsWrittenAndCheckedLikeTheCursor) {
  Watermark watermark = FullWatermark();
  watermark.staged_files[0].cursor_before = Cursor();
  watermark.staged_files[0].cursor_after = watermark.cursor;
  std::string json = WatermarkToJson(watermark);
  EXPECT_THAT(json, HasSubstr(R"("cursor_before": {
        "timestamp": null,
        "id": null
      },
      "cursor_after": {
        "timestamp": "2025-11-27T15:30:00.000001Z",
        "id": 1000000
      })"));
  size_t at = json.find("\"id\": null");
  json.replace(at, 10, "\"id\": 1.5");
  Result<Watermark> parsed = WatermarkFromJson(json, kOrigin);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_THAT(parsed.error().message(), HasSubstr("staged_files[0].cursor_before.id: expected an integer"));
}

class WatermarkStoreTest : public ::testing::Test {
 protected:
  store::MemoryStore store_;
  WatermarkStore watermarks_{&store_};
};

TEST_F(WatermarkStoreTest, LoadGivesAFreshDocumentWhenNoneIsStored) {
  Result<VersionedWatermark> loaded = watermarks_.Load("us_dw", "settlement.orders");
  ASSERT_TRUE(loaded.has_value()) << loaded.status().ToString();
  EXPECT_EQ(loaded->version, "");
  EXPECT_EQ(loaded->watermark.pipeline, "us_dw");
  EXPECT_EQ(loaded->watermark.table, "settlement.orders");
  EXPECT_TRUE(loaded->watermark.cursor.empty());
  EXPECT_EQ(loaded->watermark.extract.status, ExtractStatus::kNever);
}

TEST_F(WatermarkStoreTest, SaveCreatesThenReplacesByVersion) {
  Watermark watermark = FullWatermark();
  Result<std::string> created = watermarks_.Save(watermark, "");
  ASSERT_TRUE(created.has_value()) << created.status().ToString();
  EXPECT_TRUE(store_.Contents().contains("watermarks/us_dw/settlement.orders.json"));
  watermark.cursor.id = Value::Int64(2000000);
  Result<std::string> replaced = watermarks_.Save(watermark, *created);
  ASSERT_TRUE(replaced.has_value()) << replaced.status().ToString();
  Result<VersionedWatermark> loaded = watermarks_.Load("us_dw", "settlement.orders");
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->version, *replaced);
  EXPECT_EQ(loaded->watermark, watermark);
}

TEST_F(WatermarkStoreTest, SaveOverAStaleVersionIsConflict) {
  Watermark watermark = FullWatermark();
  Result<std::string> first = watermarks_.Save(watermark, "");
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(watermarks_.Save(watermark, *first).has_value());
  Result<std::string> stale = watermarks_.Save(watermark, *first);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code(), StatusCode::kConflict);
  EXPECT_THAT(stale.error().message(), HasSubstr("changed by another run"));
  Result<std::string> exists = watermarks_.Save(watermark, "");
  EXPECT_EQ(exists.error().code(), StatusCode::kConflict);
  EXPECT_THAT(exists.error().message(), HasSubstr(kOrigin));
}

TEST_F(WatermarkStoreTest, SaveLosesARaceThatHappensAfterItsCheck) {
  Watermark watermark = FullWatermark();
  Result<std::string> first = watermarks_.Save(watermark, "");
  ASSERT_TRUE(first.has_value());
  // Another writer lands between Save's read and its write: the compare-and-swap catches it.
  store_.SetHook([&](store::StoreOperation operation, const std::string& key) {
    if (operation == store::StoreOperation::kPut) {
      EXPECT_TRUE(store_.Put(key, WatermarkToJson(watermark)).has_value());
    }
  });
  Result<std::string> saved = watermarks_.Save(watermark, *first);
  store_.SetHook(nullptr);
  ASSERT_FALSE(saved.has_value());
  EXPECT_EQ(saved.error().code(), StatusCode::kConflict);
}

TEST_F(WatermarkStoreTest, SaveUnderAnOlderLeaseEpochIsFencedOff) {
  Watermark newer = FullWatermark();
  newer.lease_epoch = 5;
  Result<std::string> version = watermarks_.Save(newer, "");
  ASSERT_TRUE(version.has_value());
  Watermark stale = newer;
  stale.lease_epoch = 4;
  stale.cursor.id = Value::Int64(1);
  Result<std::string> fenced = watermarks_.Save(stale, *version);
  ASSERT_FALSE(fenced.has_value());
  EXPECT_EQ(fenced.error().code(), StatusCode::kConflict);
  EXPECT_THAT(fenced.error().message(), HasSubstr("lease epoch 4"));
  EXPECT_THAT(fenced.error().message(), HasSubstr("epoch 5"));
  EXPECT_EQ(watermarks_.Load("us_dw", "settlement.orders")->watermark, newer);
  Watermark same_epoch = newer;
  same_epoch.cursor.id = Value::Int64(7);
  EXPECT_TRUE(watermarks_.Save(same_epoch, *version).has_value());
}

TEST_F(WatermarkStoreTest, EverySaveWritesTheNextGeneration) {
  Watermark watermark = FullWatermark();
  Result<std::string> first = watermarks_.Save(watermark, "");
  ASSERT_TRUE(first.has_value()) << first.status().ToString();
  EXPECT_EQ(watermark.generation, 1);
  std::string first_bytes = store_.Contents().at(kOrigin);
  EXPECT_THAT(first_bytes, HasSubstr("\"lease_epoch\": 3,\n  \"generation\": 1\n}"));
  Result<std::string> second = watermarks_.Save(watermark, *first);  // nothing else changed
  ASSERT_TRUE(second.has_value()) << second.status().ToString();
  EXPECT_EQ(watermark.generation, 2);
  EXPECT_NE(store_.Contents().at(kOrigin), first_bytes);
  EXPECT_EQ(watermarks_.Load("us_dw", "settlement.orders")->watermark, watermark);
}

TEST_F(WatermarkStoreTest, ADocumentWithoutAGenerationIsReadAsZeroAndSavedAsOne) {
  ASSERT_TRUE(store_.Put(kOrigin, kFullDocument).has_value());
  Result<VersionedWatermark> loaded = watermarks_.Load("us_dw", "settlement.orders");
  ASSERT_TRUE(loaded.has_value()) << loaded.status().ToString();
  EXPECT_EQ(loaded->watermark.generation, 0);
  ASSERT_TRUE(watermarks_.Save(loaded->watermark, loaded->version).has_value());
  EXPECT_EQ(loaded->watermark.generation, 1);
}

// S3 versions objects by a digest of their bytes (ETag): A, then B, then A
// again gives A's version back. A run still holding that version must not
// win its compare-and-swap; the generation makes the second A differ.
TEST(WatermarkStoreOnContentVersions, AStaleSaveLosesAfterAnotherWriterRestoredTheSameState) {
  store::MemoryStore etag_store("s3-like", store::MemoryStore::VersionScheme::kContentHash);
  WatermarkStore watermarks(&etag_store);
  Watermark a = FullWatermark();
  ASSERT_TRUE(watermarks.Save(a, "").has_value());
  Result<VersionedWatermark> held = watermarks.Load("us_dw", "settlement.orders");  // the stale run reads A
  ASSERT_TRUE(held.has_value());
  // Another writer saves B, then A's state again.
  Result<VersionedWatermark> other = watermarks.Load("us_dw", "settlement.orders");
  Watermark b = other->watermark;
  b.cursor.id = Value::Int64(2000000);
  Result<std::string> b_version = watermarks.Save(b, other->version);
  ASSERT_TRUE(b_version.has_value()) << b_version.status().ToString();
  Watermark a_again = b;
  a_again.cursor = a.cursor;
  ASSERT_TRUE(watermarks.Save(a_again, *b_version).has_value());
  EXPECT_NE(watermarks.Load("us_dw", "settlement.orders")->version, held->version);
  Watermark stale = held->watermark;
  stale.cursor.id = Value::Int64(1);
  Result<std::string> saved = watermarks.Save(stale, held->version);
  ASSERT_FALSE(saved.has_value()) << "the stale run overwrote a newer watermark";
  EXPECT_EQ(saved.error().code(), StatusCode::kConflict);
  EXPECT_EQ(watermarks.Load("us_dw", "settlement.orders")->watermark.cursor, a.cursor);
}

TEST_F(WatermarkStoreTest, LoadRejectsADocumentFiledUnderAnotherTable) {
  Watermark watermark = FullWatermark();
  ASSERT_TRUE(store_.Put("watermarks/us_dw/other.json", WatermarkToJson(watermark)).has_value());
  Result<VersionedWatermark> loaded = watermarks_.Load("us_dw", "other");
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), StatusCode::kDataError);
  EXPECT_THAT(loaded.error().message(), HasSubstr("watermarks/us_dw/other.json"));
}

TEST_F(WatermarkStoreTest, DeleteAndListTables) {
  for (const char* table : {"settlement.orders", "b", "a.b.c"}) {
    Watermark watermark = FullWatermark();
    watermark.table = table;
    ASSERT_TRUE(watermarks_.Save(watermark, "").has_value()) << table;
  }
  ASSERT_TRUE(store_.Put("watermarks/us_dw/nested/x.json", "{}").has_value());
  ASSERT_TRUE(store_.Put("watermarks/us_dw/notes.txt", "").has_value());
  ASSERT_TRUE(store_.Put("watermarks/us_dw_other/z.json", "{}").has_value());
  EXPECT_THAT(*watermarks_.ListTables("us_dw"), ElementsAre("a.b.c", "b", "settlement.orders"));
  ASSERT_TRUE(watermarks_.Delete("us_dw", "b").ok());
  EXPECT_THAT(*watermarks_.ListTables("us_dw"), ElementsAre("a.b.c", "settlement.orders"));
  EXPECT_EQ(watermarks_.Load("us_dw", "b")->version, "");
  EXPECT_TRUE(watermarks_.ListTables("empty")->empty());
}

TEST_F(WatermarkStoreTest, NamesWithSlashesAreRejected) {
  EXPECT_EQ(WatermarkKey("us_dw", "settlement.orders"), "watermarks/us_dw/settlement.orders.json");
  Result<VersionedWatermark> loaded = watermarks_.Load("us_dw", "a/b");
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(loaded.error().message(), HasSubstr("'a/b'"));
  EXPECT_EQ(watermarks_.Load("us/dw", "t").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(watermarks_.Load("", "t").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(watermarks_.Load("..", "t").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(watermarks_.Delete("p", "").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(watermarks_.ListTables("a/b").error().code(), StatusCode::kInvalidArgument);
  Watermark slash = FullWatermark();
  slash.table = "x/y";
  EXPECT_EQ(watermarks_.Save(slash, "").error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::state
