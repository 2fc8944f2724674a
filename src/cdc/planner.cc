#include "cdc/planner.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cdc/cursor_check.h"
#include "cdc/lookback.h"
#include "common/spelling.h"
#include "types/temporal.h"

namespace sluice::cdc {
namespace {

using config::CdcStrategy;

// Smallest timestamp the custom_sql {{last_timestamp}} takes before the first run.
constexpr int64_t kMinTimestampMicros = -62135596800LL * kMicrosPerSecond;  // 0001-01-01

std::optional<double> Numeric(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kInt64: return static_cast<double>(value.int64());
    case Value::Kind::kUInt64: return static_cast<double>(value.uint64());
    case Value::Kind::kTimestamp: return static_cast<double>(value.timestamp_micros());
    case Value::Kind::kDate: return static_cast<double>(value.date_days());
    default: return std::nullopt;
  }
}

// A heap-order copy's chunks are sized to about batch_size rows from the
// source's rows-per-page estimate, so a chunk costs what a key-order batch
// does and a crash re-reads about as much. Without an estimate (a table
// never analyzed) rows are assumed to be this dense: ~140-byte rows in 8 KiB
// pages. A chunk never exceeds kMaxPagesPerChunk (128 MiB of 8 KiB pages),
// so a wildly low estimate still leaves safe points that often.
constexpr double kAssumedRowsPerPage = 50;
constexpr int64_t kMaxPagesPerChunk = 16384;

// Primary-key types a first copy pages by: values the cursor stores
// exactly and every source compares as it orders them.
// MySQL's BIGINT UNSIGNED (sluice's DECIMAL(20,0)) qualifies: its values fit
// 64 unsigned bits and are bound as such. Other whole DECIMALs do not: a
// value past 64 bits is bound as text, which a server may compare as a double.
bool CopyableKey(const Field& field) {
  if (IsIntegerType(field.type.id) || field.type.id == TypeId::kString) return true;
  bool unsigned_bigint = AsciiLower(field.source_type).starts_with("bigint") &&
                         AsciiLower(field.source_type).find("unsigned") != std::string::npos;
  return field.type == DataType::Decimal(20, 0) && unsigned_bigint;
}

std::string Tuple(const std::vector<std::string>& parts) {
  if (parts.size() == 1) return parts[0];
  std::string out = "(";
  for (size_t part_idx = 0; part_idx < parts.size(); ++part_idx) {
    if (part_idx > 0) out += ", ";
    out += parts[part_idx];
  }
  return out + ")";
}

}  // namespace

CeilingColumns CeilingColumnsFor(const TableSpec& spec) {
  switch (spec.strategy) {
    case CdcStrategy::kHybrid:
    case CdcStrategy::kTimestampOnly: return {spec.timestamp_column, ""};
    case CdcStrategy::kIdOnly: return {"", spec.id_column};
    case CdcStrategy::kCustomSql: return {spec.timestamp_column, spec.id_column};
    case CdcStrategy::kFullSync: return {};
  }
  return {};
}

bool MayCopyFirst(const TableSpec& spec, const Cursor& start) {
  bool timestamp_strategy = spec.strategy == CdcStrategy::kHybrid || spec.strategy == CdcStrategy::kTimestampOnly;
  return timestamp_strategy && (start.copy.has_value() || (spec.first_copy && start.empty()));
}

Value CapTimestampCeiling(const Value& max, TypeId type, int64_t utc_micros, int64_t local_micros) {
  int64_t now = type == TypeId::kTimestampTz ? utc_micros : local_micros;
  auto floor_div = [](int64_t value, int64_t unit) { return value / unit - (value % unit < 0 ? 1 : 0); };
  if (max.kind() == Value::Kind::kTimestamp) {
    int64_t limit = floor_div(now, kMicrosPerSecond) * kMicrosPerSecond - 1;
    return max.timestamp_micros() > limit ? Value::Timestamp(limit) : max;
  }
  if (max.kind() == Value::Kind::kDate) {
    auto limit = static_cast<int32_t>(floor_div(now, kMicrosPerDay) - 1);
    return max.date_days() > limit ? Value::Date(limit) : max;
  }
  return max;
}

SelectQuery CustomQueryForDescribe(const std::string& table, const std::string& custom_sql) {
  SelectQuery query;
  query.table = table;
  query.custom_sql = custom_sql;
  for (const char* name : {"last_timestamp", "last_id", "ceiling_timestamp", "ceiling_id"}) {
    query.parameters[name] = Value();
  }
  return query;
}

Result<ChunkPlanner> ChunkPlanner::Create(TableSpec spec, Cursor start, Ceiling ceiling,
                                          std::optional<int64_t> row_limit, Lookback lookback,
                                          std::optional<HeapLayout> heap) {
  ChunkPlanner planner;
  planner.heap_ = std::move(heap);
  planner.spec_ = std::move(spec);
  planner.start_cursor_ = std::move(start);
  planner.cursor_ = planner.start_cursor_;
  planner.ceiling_ = std::move(ceiling);
  planner.row_limit_ = row_limit;
  planner.lookback_ = std::move(lookback);
  SLUICE_RETURN_IF_ERROR(planner.Init());
  for (std::string& warning : CursorAheadWarnings(planner.spec_, planner.start_cursor_, planner.ceiling_)) {
    planner.warnings_.push_back(std::move(warning));
  }
  return planner;
}

Value ChunkPlanner::TimestampValue(int64_t micros) const {
  if (timestamp_type_.id == TypeId::kDate) {
    int64_t days = micros / kMicrosPerDay - (micros % kMicrosPerDay < 0 ? 1 : 0);
    return Value::Date(static_cast<int32_t>(days));
  }
  return Value::Timestamp(micros);
}

Status ChunkPlanner::Init() {
  const Schema& schema = *spec_.schema;
  if (!spec_.timestamp_column.empty()) {
    if (auto index = schema.FieldIndex(spec_.timestamp_column)) timestamp_type_ = schema.fields[*index].type;
    else timestamp_type_ = DataType::Of(TypeId::kTimestamp);
  }
  // An id cursor must compare as the column does (text ids as text), and be a value of it.
  SLUICE_ASSIGN_OR_RETURN(start_cursor_, CursorForColumns(spec_, start_cursor_));
  if (spec_.strategy != CdcStrategy::kFullSync) cursor_ = start_cursor_;
  const Value& start_id = start_cursor_.id;
  std::optional<int64_t> start_micros = start_cursor_.timestamp_micros;
  reread_micros_ = RereadFromTimestamp(spec_, start_cursor_, lookback_);
  reread_id_ = RereadFromId(spec_, start_cursor_, lookback_);
  switch (spec_.strategy) {
    case CdcStrategy::kHybrid:
      mode_ = Mode::kUniqueKeyset;
      key_columns_ = {spec_.timestamp_column, spec_.id_column};
      upper_ = ceiling_.timestamp;
      if (reread_micros_) lower_ = {TimestampValue(*reread_micros_)};
      else if (start_micros && !start_id.is_null()) lower_ = {TimestampValue(*start_micros), start_id};
      else if (start_micros) lower_ = {TimestampValue(*start_micros)};
      break;
    case CdcStrategy::kTimestampOnly:
      mode_ = Mode::kTieGroups;
      key_columns_ = {spec_.timestamp_column};
      upper_ = ceiling_.timestamp;
      if (start_micros) lower_ = {TimestampValue(reread_micros_.value_or(*start_micros))};
      break;
    case CdcStrategy::kIdOnly: {
      mode_ = spec_.IdIsUnique() ? Mode::kUniqueKeyset : Mode::kTieGroups;
      exclude_ceiling_group_ = mode_ == Mode::kTieGroups;
      key_columns_ = {spec_.id_column};
      upper_ = ceiling_.id;
      if (!reread_id_.is_null()) lower_ = {reread_id_};
      else if (!start_id.is_null()) lower_ = {start_id};
      break;
    }
    case CdcStrategy::kFullSync:
      // One streaming query under the source's snapshot: a full copy is only
      // loadable whole, so pages would buy no resumability, and an unordered
      // scan is what the database streams fastest (no index-order walk).
      mode_ = Mode::kSingleQuery;
      cursor_ = Cursor();
      break;
    case CdcStrategy::kCustomSql:
      mode_ = Mode::kSingleQuery;
      SLUICE_RETURN_IF_ERROR(CheckCustomCeiling());
      break;
  }
  SLUICE_RETURN_IF_ERROR(InitFirstCopy());
  if (mode_ != Mode::kSingleQuery && spec_.strategy != CdcStrategy::kFullSync && upper_ && upper_->is_null()) {
    phase_ = Phase::kDone;  // empty table (or every cursor value NULL): nothing to read
  }
  if (upper_ && upper_->is_null()) upper_.reset();
  for (const std::string& column : key_columns_) {
    auto index = schema.FieldIndex(column);
    if (!index) return InvalidArgument("table {}: key column '{}' is not in the table", spec_.table, column);
    key_indexes_.push_back(*index);
  }
  return Status::Ok();
}

Status ChunkPlanner::InitFirstCopy() {
  if (!spec_.first_copy && !start_cursor_.copy) return Status::Ok();
  std::optional<CopyProgress> resumed = start_cursor_.copy;
  const Cursor& start = start_cursor_;
  bool first_run = !start.timestamp_micros && start.id.is_null() && !start.log && !start.snapshot;
  const Schema& schema = *spec_.schema;
  bool key_usable = !schema.primary_key.empty();
  for (const std::string& column : schema.primary_key) {
    auto index = schema.FieldIndex(column);
    key_usable = key_usable && index && CopyableKey(schema.fields[*index]);
  }
  if (!MayCopyFirst(spec_, start) || !first_run || !key_usable) {
    if (resumed && !first_run) {
      // The watermark holds a cursor beside the copy (set by hand): the cursor wins.
      warnings_.push_back(fmt::format(
          "table {}: the watermark holds both an unfinished first copy ({}) and a cursor; the copy is given up and "
          "the run reads on from the cursor: rows the copy had not reached are read only when their {} is past it",
          spec_.table, ToString(*resumed), spec_.timestamp_column));
      start_cursor_.copy.reset();
      cursor_.copy.reset();
    } else if (resumed && schema.primary_key.empty()) {
      // Without a key the load appends: reading from the start would load the copied rows twice.
      return SchemaMismatch(
          "table {}: the first copy stopped ({}) and cannot resume: the table has no primary key now, and reading "
          "it again from the start would append the rows already loaded a second time (a table without a primary "
          "key is appended to). Restore the primary key and run again, or empty the target table and run `sluice "
          "watermark reset` for this table to copy it anew",
          spec_.table, ToString(*resumed));
    } else if (resumed) {
      // The table's key changed under an unfinished copy: read it again in cursor order.
      warnings_.push_back(fmt::format(
          "table {}: the first copy stopped ({}) and cannot resume: the primary key is now ({}), which a copy "
          "cannot page by (it needs integer or text columns); the table is read again from the start in {} order "
          "(the load merges the rows read twice)",
          spec_.table, ToString(*resumed), fmt::join(schema.primary_key, ", "), spec_.timestamp_column));
      start_cursor_ = Cursor();
      cursor_ = Cursor();
    }
    return Status::Ok();
  }
  if (resumed && resumed->heap && (!heap_ || heap_->storage != resumed->heap->storage)) {
    // Its page numbers no longer say which rows were copied: copy again, in whichever order applies now.
    warnings_.push_back(fmt::format(
        "table {}: the first copy in heap order stopped at page {} and cannot resume there: {}; the copy starts "
        "over",
        spec_.table, resumed->heap->next_page,
        heap_ ? "the table was rewritten since (VACUUM FULL, CLUSTER or TRUNCATE moved its rows to new pages)"
              : "the table can no longer be read by page ranges (it is no longer a plain table, or the server is "
                "older than PostgreSQL 14)"));
    resumed.reset();
    start_cursor_ = Cursor();
    cursor_ = Cursor();
  }
  std::optional<int64_t> ceiling = resumed ? std::optional(resumed->ceiling_micros) : ceiling_.timestamp.AsMicros();
  if (!ceiling) return Status::Ok();  // empty table: nothing to copy, and the cursor stays empty
  // A copy continues in the order it began in; a new one reads in heap order where the source can.
  bool heap_order = resumed ? resumed->heap.has_value() : heap_.has_value();
  mode_ = heap_order ? Mode::kHeapOrderCopy : Mode::kKeyOrderCopy;
  begins_with_heap_copy_ = heap_order;
  reread_micros_.reset();  // a copy reads everything up to its ceiling: nothing behind it to re-read
  reread_id_ = Value();
  key_columns_ = heap_order ? std::vector<std::string>() : schema.primary_key;
  lower_ = resumed && !heap_order ? resumed->after : std::vector<Value>();
  resumed_copy_ = resumed.has_value();
  upper_ = TimestampValue(*ceiling);
  CopyProgress fresh;
  fresh.ceiling_micros = *ceiling;
  fresh.started_micros = ceiling_.clock_micros;
  if (heap_order) fresh.heap = HeapProgress{.next_page = 0, .storage = heap_->storage};
  cursor_ = Cursor{.copy = resumed ? std::move(*resumed) : std::move(fresh)};
  start_cursor_ = cursor_;
  return Status::Ok();
}

int64_t ChunkPlanner::PagesPerChunk(int64_t rows) const {
  double rows_per_page = heap_ && heap_->rows_per_page > 0 ? heap_->rows_per_page : kAssumedRowsPerPage;
  double pages = std::ceil(static_cast<double>(rows) / rows_per_page);
  return pages >= static_cast<double>(kMaxPagesPerChunk) ? kMaxPagesPerChunk
                                                         : std::max<int64_t>(1, static_cast<int64_t>(pages));
}

Status ChunkPlanner::TrackCopiedMax(const ColumnBatch& batch) {
  CopyProgress& copy = *cursor_.copy;
  const ColumnVector& stamps = batch.column(*spec_.schema->FieldIndex(spec_.timestamp_column));
  bool dates = stamps.type().id == TypeId::kDate;
  std::optional<size_t> id_index;
  if (spec_.strategy == CdcStrategy::kHybrid) id_index = spec_.schema->FieldIndex(spec_.id_column);
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    if (stamps.IsNull(row)) continue;
    int64_t micros = dates ? int64_t{stamps.Value<int32_t>(row)} * kMicrosPerDay : stamps.Value<int64_t>(row);
    const std::optional<int64_t>& max = copy.max_timestamp_micros;
    if (max && micros < *max) continue;
    if (!id_index) {
      copy.max_timestamp_micros = micros;
      continue;
    }
    // Ties on the timestamp are broken by the id, as the keyset orders them.
    SLUICE_ASSIGN_OR_RETURN(Value id, ValueAt(batch.column(*id_index), row));
    if (!max || micros > *max || (copy.max_id <=> id) == std::partial_ordering::less) copy.max_id = std::move(id);
    copy.max_timestamp_micros = micros;
  }
  return Status::Ok();
}

Cursor ChunkPlanner::HandOver(const CopyProgress& copy) const {
  if (!copy.max_timestamp_micros) return Cursor();  // nothing copied: the next run starts over
  return Cursor{.timestamp_micros = copy.max_timestamp_micros, .id = copy.max_id};
}

void ChunkPlanner::ContinueInCursorOrder(const CopyProgress& copy) {
  const Cursor handed = cursor_;
  std::optional<int64_t> run_ceiling = ceiling_.timestamp.AsMicros();
  bool later_rows = run_ceiling && (!handed.timestamp_micros || *run_ceiling > *handed.timestamp_micros);
  // A copy resumed by a later run can have passed the key of a row whose
  // transaction committed only after the run that began it stopped: the
  // lookback window before the copy began is read again, here, as the next
  // run would have if the copy had not been interrupted.
  std::optional<int64_t> reread_from;
  if (resumed_copy_ && copy.started_micros) {
    reread_from =
        LookbackAfterRead(spec_, Lookback{}, Ceiling{.clock_micros = copy.started_micros}).from_timestamp_micros;
  }
  bool reread = reread_from && (!handed.timestamp_micros || *reread_from < *handed.timestamp_micros);
  if (!later_rows && !reread) {
    phase_ = Phase::kDone;
    return;
  }
  bool hybrid = spec_.strategy == CdcStrategy::kHybrid;
  mode_ = hybrid ? Mode::kUniqueKeyset : Mode::kTieGroups;
  key_columns_ = hybrid ? std::vector<std::string>{spec_.timestamp_column, spec_.id_column}
                        : std::vector<std::string>{spec_.timestamp_column};
  key_indexes_.clear();
  for (const std::string& column : key_columns_) key_indexes_.push_back(*spec_.schema->FieldIndex(column));
  // From here the cursor never moves back behind what the copy handed over.
  start_cursor_ = handed;
  if (reread) {
    reread_micros_ = reread_from;
    lower_ = {TimestampValue(*reread_from)};
  } else if (handed.timestamp_micros) {
    lower_ = {TimestampValue(*handed.timestamp_micros)};
    if (hybrid && !handed.id.is_null()) lower_.push_back(handed.id);
  } else {
    lower_.clear();
  }
  upper_ = TimestampValue(std::max(run_ceiling.value_or(copy.ceiling_micros), copy.ceiling_micros));
  last_key_.clear();
  phase_ = Phase::kRange;
}

std::optional<int64_t> ChunkPlanner::RemainingRows() const {
  if (!row_limit_) return std::nullopt;
  return std::max<int64_t>(0, *row_limit_ - rows_toward_limit_);
}

bool ChunkPlanner::PastStart(const std::vector<Value>& key) const {
  if (mode_ == Mode::kKeyOrderCopy || mode_ == Mode::kHeapOrderCopy) return true;
  if (spec_.strategy == CdcStrategy::kIdOnly) {
    return start_cursor_.id.is_null() || (key[0] <=> start_cursor_.id) == std::partial_ordering::greater;
  }
  if (!start_cursor_.timestamp_micros) return true;
  int64_t micros = key[0].AsMicros().value_or(0);
  if (micros != *start_cursor_.timestamp_micros) return micros > *start_cursor_.timestamp_micros;
  if (key.size() < 2 || start_cursor_.id.is_null()) return false;
  return (key[1] <=> start_cursor_.id) == std::partial_ordering::greater;
}

Result<int64_t> ChunkPlanner::RowsTowardLimit(const ColumnBatch& batch, size_t keep) const {
  // Rows a lookback re-reads (at or behind the start cursor) were staged
  // before; counting them would let a small --limit stall inside the window.
  bool rereads = mode_ != Mode::kSingleQuery && RereadsBehindStart();
  if (!row_limit_ || !rereads) return static_cast<int64_t>(keep);
  int64_t counted = 0;
  for (size_t row = 0; row < keep; ++row) {
    SLUICE_ASSIGN_OR_RETURN(std::vector<Value> key, KeyAt(batch, row));
    if (PastStart(key)) ++counted;
  }
  return counted;
}

SelectQuery ChunkPlanner::BaseQuery() const {
  SelectQuery query;
  query.table = spec_.table;
  for (const Field& field : spec_.schema->fields) query.columns.push_back(field.name);
  query.key_columns = key_columns_;
  return query;
}

SelectQuery ChunkPlanner::RangeQuery() const {
  SelectQuery query = BaseQuery();
  query.lower = lower_;
  query.upper = upper_;
  if (query_limit_ > 0) query.limit = query_limit_;
  if (mode_ == Mode::kKeyOrderCopy) query.upper_column = spec_.timestamp_column;
  return query;
}

// The current heap-order chunk: its pages, up to the copy's ceiling.
SelectQuery ChunkPlanner::PageQuery() const {
  SelectQuery query = BaseQuery();
  query.pages = PageRange{.first = cursor_.copy->heap->next_page, .end = chunk_end_};
  query.upper = upper_;
  query.upper_column = spec_.timestamp_column;
  return query;
}

// Binds only what a configured cursor column gives a value: configuration
// validation refuses a placeholder without its column, and a query that
// uses one anyway fails to render, naming it, rather than get a stand-in.
SelectQuery ChunkPlanner::CustomQuery() const {
  SelectQuery query;
  query.table = spec_.table;
  query.custom_sql = spec_.custom_sql;
  if (!spec_.timestamp_column.empty()) {
    Value last = start_cursor_.timestamp_micros
                     ? TimestampValue(reread_micros_.value_or(*start_cursor_.timestamp_micros))
                     : TimestampValue(kMinTimestampMicros);
    if (ceiling_.timestamp.kind() == Value::Kind::kDate) {
      last = Value::Date(static_cast<int32_t>(*last.AsMicros() / kMicrosPerDay));
    }
    query.parameters["last_timestamp"] = std::move(last);
    query.parameters["ceiling_timestamp"] = ceiling_.timestamp;
  }
  if (!spec_.id_column.empty()) {
    query.parameters["last_id"] = start_cursor_.id.is_null() ? Value::Int64(INT64_MIN) : start_cursor_.id;
    query.parameters["ceiling_id"] = ceiling_.id;
  }
  return query;
}

std::optional<SelectQuery> ChunkPlanner::NextQuery() {
  query_rows_ = 0;
  batches_in_query_ = 0;
  page_last_key_.reset();
  if (phase_ == Phase::kDone) return std::nullopt;
  if (mode_ == Mode::kSingleQuery) {
    query_limit_ = 0;
    return spec_.strategy == CdcStrategy::kCustomSql ? CustomQuery() : BaseQuery();
  }
  if (phase_ == Phase::kGroup) {
    query_limit_ = 0;
    SelectQuery query = BaseQuery();
    query.equal_to = group_key_;
    return query;
  }
  std::optional<int64_t> remaining = RemainingRows();
  if (remaining && *remaining <= 0) {
    phase_ = Phase::kDone;
    return std::nullopt;
  }
  if (mode_ == Mode::kKeyOrderCopy) {
    query_limit_ = remaining.value_or(0);  // one streaming query: no pages
    return RangeQuery();
  }
  if (mode_ == Mode::kHeapOrderCopy) {
    // Chunks are read whole (progress is a page): a --limit sizes the last one to what it leaves.
    query_limit_ = 0;
    int64_t end =
        cursor_.copy->heap->next_page + PagesPerChunk(std::min(spec_.batch_size, remaining.value_or(INT64_MAX)));
    chunk_end_ = end < heap_->pages ? std::optional(end) : std::nullopt;  // the last chunk reads to the table's end
    return PageQuery();
  }
  query_limit_ = remaining ? std::min(spec_.batch_size, *remaining) : spec_.batch_size;
  return RangeQuery();
}

size_t ChunkPlanner::MaxRowsPerBatch() const {
  return static_cast<size_t>(query_limit_ > 0 ? query_limit_ : spec_.batch_size);
}

Result<std::vector<Value>> ChunkPlanner::KeyAt(const ColumnBatch& batch, size_t row) const {
  std::vector<Value> key;
  key.reserve(key_indexes_.size());
  for (size_t key_idx = 0; key_idx < key_indexes_.size(); ++key_idx) {
    SLUICE_ASSIGN_OR_RETURN(Value value, ValueAt(batch.column(key_indexes_[key_idx]), row));
    if (value.is_null()) {
      return DataError(
          "table {}: key column '{}' is NULL (or a zero date turned NULL) in a row the keyset reached; "
          "rows with NULL cursor values cannot be paged past. Fix the data, or use another cdc_strategy",
          spec_.table, key_columns_[key_idx]);
    }
    key.push_back(std::move(value));
  }
  return key;
}

Result<size_t> ChunkPlanner::AcceptBatch(const ColumnBatch& batch) {
  ++batches_in_query_;
  size_t rows = batch.num_rows();
  query_rows_ += static_cast<int64_t>(rows);
  if (rows == 0) return size_t{0};
  size_t keep = rows;
  if (mode_ == Mode::kSingleQuery) {
    if (spec_.strategy == CdcStrategy::kCustomSql) SLUICE_RETURN_IF_ERROR(AcceptCustomBatch(batch));
  } else if (phase_ == Phase::kRange) {
    SLUICE_ASSIGN_OR_RETURN(keep, AcceptRangeBatch(batch));
  }
  rows_accepted_ += static_cast<int64_t>(keep);
  SLUICE_ASSIGN_OR_RETURN(int64_t counted, RowsTowardLimit(batch, keep));
  rows_toward_limit_ += counted;
  return keep;
}

Result<size_t> ChunkPlanner::AcceptRangeBatch(const ColumnBatch& batch) {
  size_t rows = batch.num_rows();
  if (mode_ == Mode::kHeapOrderCopy) {
    // Not a safe point: the chunk's pages are staged only once it ends (FinishQuery).
    SLUICE_RETURN_IF_ERROR(TrackCopiedMax(batch));
    return rows;
  }
  SLUICE_ASSIGN_OR_RETURN(std::vector<Value> last, KeyAt(batch, rows - 1));
  if (mode_ == Mode::kKeyOrderCopy) {
    // Every batch is a safe point: the copy has staged every key up to this one.
    SLUICE_RETURN_IF_ERROR(TrackCopiedMax(batch));
    cursor_.copy->after = last;
    page_last_key_ = last_key_ = std::move(last);
    return rows;
  }
  bool page_full = query_rows_ >= query_limit_;
  if (exclude_ceiling_group_ && upper_ && last[0] == *upper_) {
    // A non-unique id at the ceiling may still gain rows: leave its group
    // for the next run, when a larger id has closed it.
    size_t keep = rows - 1;
    while (keep > 0) {
      SLUICE_ASSIGN_OR_RETURN(std::vector<Value> key, KeyAt(batch, keep - 1));
      if (!(key[0] == *upper_)) {
        page_last_key_ = last_key_ = std::move(key);
        break;
      }
      --keep;
    }
    reached_ceiling_group_ = true;
    return keep;
  }
  if (mode_ == Mode::kUniqueKeyset || !page_full) {
    page_last_key_ = last_key_ = std::move(last);
    return rows;
  }
  if (batches_in_query_ > 1) {
    return Internal("table {}: a range page arrived in more than one batch; the reader must return up to {} rows",
                    spec_.table, query_limit_);
  }
  // The page is full and its key is not unique: the last tie group may
  // continue past the LIMIT. Drop it here; it is read whole next.
  size_t keep = rows - 1;
  while (keep > 0) {
    SLUICE_ASSIGN_OR_RETURN(std::vector<Value> key, KeyAt(batch, keep - 1));
    if (key != last) {
      page_last_key_ = last_key_ = std::move(key);
      break;
    }
    --keep;
  }
  group_key_ = last[0];
  return keep;
}

// A cursor column the query does not return advances by the ceiling, read
// from the table's own column, so that column must hold values the cursor
// can follow.
Status ChunkPlanner::CheckCustomCeiling() const {
  auto check = [&](const std::string& key, const std::string& column, const Value& max, bool timestamp) -> Status {
    bool is_time = max.AsMicros().has_value();
    if (column.empty() || max.is_null() || is_time == timestamp || spec_.schema->FieldIndex(column)) {
      return Status::Ok();
    }
    return InvalidArgument(
        "table {}: the custom_sql query does not return {} '{}', so the cursor follows the table's own column, "
        "which holds {} (MAX = '{}'), not a {}: the cursor could never advance and every run would read the same "
        "rows again; nothing was read. Return '{}' from the query with a {} type, or follow another column",
        spec_.table, key, column, max.kind() == Value::Kind::kText ? "text" : is_time ? "times" : "numbers",
        max.ToString(), timestamp ? "date or timestamp" : "number", column,
        timestamp ? "DATE, DATETIME or TIMESTAMP" : "integer");
  };
  SLUICE_RETURN_IF_ERROR(check("cdc_timestamp_column", spec_.timestamp_column, ceiling_.timestamp, true));
  return check("cdc_id_column", spec_.id_column, ceiling_.id, false);
}

Status ChunkPlanner::AcceptCustomBatch(const ColumnBatch& batch) {
  const Schema& schema = batch.schema();
  auto track_max = [&](const std::string& column, std::optional<Value>* max) -> Status {
    if (column.empty()) return Status::Ok();
    auto index = schema.FieldIndex(column);
    if (!index) return Status::Ok();
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      SLUICE_ASSIGN_OR_RETURN(Value value, ValueAt(batch.column(*index), row));
      if (value.is_null()) continue;
      if (!*max || (**max <=> value) == std::partial_ordering::less) *max = std::move(value);
    }
    return Status::Ok();
  };
  SLUICE_RETURN_IF_ERROR(track_max(spec_.timestamp_column, &custom_max_timestamp_));
  SLUICE_RETURN_IF_ERROR(track_max(spec_.id_column, &custom_max_id_));
  // Rows arrived, but neither they nor the ceiling give the cursor a value:
  // the next run would read them again.
  auto check_advances = [&](const std::string& column, const std::optional<Value>& max, const Value& ceiling) {
    if (column.empty() || max || !ceiling.is_null()) return Status::Ok();
    return DataError(
        "table {}: the custom_sql query returned rows, but neither they nor the table give '{}' a value (the "
        "column is NULL in every row, or the query does not return it and the table has none), so the cursor "
        "cannot advance and the next run would read the same rows again; nothing was staged. Return a non-NULL "
        "'{}' from the query (e.g. COALESCE it), or follow another column",
        spec_.table, column, column);
  };
  SLUICE_RETURN_IF_ERROR(check_advances(spec_.timestamp_column, custom_max_timestamp_, ceiling_.timestamp));
  return check_advances(spec_.id_column, custom_max_id_, ceiling_.id);
}

void ChunkPlanner::SetCursorFromKey(const std::vector<Value>& key) {
  Cursor next = cursor_;
  switch (spec_.strategy) {
    case CdcStrategy::kHybrid:
      next.timestamp_micros = key[0].AsMicros();
      next.id = key[1];
      break;
    case CdcStrategy::kTimestampOnly: next.timestamp_micros = key[0].AsMicros(); break;
    case CdcStrategy::kIdOnly: next.id = key[0]; break;
    default: return;
  }
  // A lookback re-read starts behind the cursor; the cursor itself never moves back.
  if (spec_.strategy == CdcStrategy::kIdOnly && !start_cursor_.id.is_null() &&
      (next.id <=> start_cursor_.id) == std::partial_ordering::less) {
    return;
  }
  if (start_cursor_.timestamp_micros && next.timestamp_micros) {
    if (*next.timestamp_micros < *start_cursor_.timestamp_micros) return;
    if (*next.timestamp_micros == *start_cursor_.timestamp_micros && !start_cursor_.id.is_null() &&
        (next.id <=> start_cursor_.id) == std::partial_ordering::less) {
      return;
    }
  }
  cursor_ = std::move(next);
}

void ChunkPlanner::FinishQuery() {
  if (phase_ == Phase::kDone) return;
  if (mode_ == Mode::kSingleQuery) {
    if (spec_.strategy == CdcStrategy::kCustomSql) {
      const Value* timestamp = custom_max_timestamp_ ? &*custom_max_timestamp_ : &ceiling_.timestamp;
      const Value* id = custom_max_id_ ? &*custom_max_id_ : &ceiling_.id;
      // The cursor never moves back, even if the query returned only older rows.
      std::optional<int64_t> micros = timestamp->AsMicros();
      if (micros && (!cursor_.timestamp_micros || *micros > *cursor_.timestamp_micros)) {
        cursor_.timestamp_micros = micros;
      }
      if (!id->is_null() &&
          (cursor_.id.is_null() || (cursor_.id <=> *id) == std::partial_ordering::less)) {
        cursor_.id = *id;
      }
    }
    phase_ = Phase::kDone;
    return;
  }
  if (phase_ == Phase::kGroup) {
    lower_ = {group_key_};
    SetCursorFromKey(lower_);
    phase_ = Phase::kRange;
    return;
  }
  bool page_full = query_limit_ > 0 && query_rows_ >= query_limit_;
  if (mode_ == Mode::kKeyOrderCopy || mode_ == Mode::kHeapOrderCopy) {
    if (mode_ == Mode::kKeyOrderCopy && page_full) {
      phase_ = Phase::kDone;  // stopped by --limit: the copy resumes next run
      return;
    }
    if (mode_ == Mode::kHeapOrderCopy && chunk_end_) {
      cursor_.copy->heap->next_page = *chunk_end_;  // a safe point: every page before it is staged
      return;
    }
    // Every row up to the copy's ceiling is read: the strategy's cursor takes
    // over there, and reads on to this run's ceiling when a resumed copy's is older.
    CopyProgress copy = std::move(*cursor_.copy);
    cursor_ = HandOver(copy);
    ContinueInCursorOrder(copy);
    return;
  }
  if (page_last_key_) {
    lower_ = *page_last_key_;
    SetCursorFromKey(lower_);
  }
  if (reached_ceiling_group_) {
    phase_ = Phase::kDone;
  } else if (mode_ == Mode::kTieGroups && page_full) {
    phase_ = Phase::kGroup;  // read the tie group that was cut off, whole
  } else if (!page_full) {
    phase_ = Phase::kDone;
  }
}

std::string ChunkPlanner::DescribeWindow() const {
  if (spec_.strategy == CdcStrategy::kCustomSql) {
    SelectQuery query = CustomQuery();
    std::string out = "custom SQL with";
    for (const auto& [name, value] : query.parameters) out += fmt::format(" {}={}", name, value.ToString());
    return out;
  }
  if (mode_ == Mode::kSingleQuery) return "the whole table in one streaming query";
  if (mode_ == Mode::kHeapOrderCopy) {
    const HeapProgress& heap = *cursor_.copy->heap;
    return fmt::format(
        "first copy in heap order (TID ranges) from page {} of {}, about {} pages a chunk, up to {} "
        "<= {}, then {} from there",
        heap.next_page, heap_->pages, PagesPerChunk(spec_.batch_size), spec_.timestamp_column,
        upper_ ? upper_->ToString() : "NULL", spec_.timestamp_column);
  }
  if (mode_ == Mode::kKeyOrderCopy) {
    std::vector<std::string> after;
    for (const Value& value : lower_) after.push_back(value.ToString());
    return fmt::format("first copy in primary-key order {}{} up to {} <= {}, then {} from there",
                       Tuple(key_columns_), lower_.empty() ? "" : fmt::format(" after {}", Tuple(after)),
                       spec_.timestamp_column, upper_ ? upper_->ToString() : "NULL",
                       spec_.timestamp_column);
  }
  std::vector<std::string> lower_columns(key_columns_.begin(), key_columns_.begin() + lower_.size());
  std::vector<std::string> lower_values;
  for (const Value& value : lower_) lower_values.push_back(value.ToString());
  std::string out = lower_.empty() ? "from the start" : fmt::format("{} > {}", Tuple(lower_columns), Tuple(lower_values));
  if (upper_) out += fmt::format(" up to {} <= {}", key_columns_[0], upper_->ToString());
  if (phase_ == Phase::kDone && !upper_ && spec_.strategy != CdcStrategy::kFullSync) out += " (table empty)";
  if (RereadsBehindStart()) {
    out += fmt::format(" (re-reading behind the cursor what late commits may have hidden: lookback_seconds {})",
                       spec_.lookback_seconds);
  }
  return out;
}

std::optional<double> ChunkPlanner::Progress() const {
  if (phase_ == Phase::kDone) return 1.0;
  if (mode_ == Mode::kKeyOrderCopy) return std::nullopt;  // the key's range is not read up front
  if (mode_ == Mode::kHeapOrderCopy) {
    if (heap_->pages <= 0) return std::nullopt;
    return std::clamp(static_cast<double>(cursor_.copy->heap->next_page) / static_cast<double>(heap_->pages), 0.0, 1.0);
  }
  if (!upper_ || last_key_.empty()) return std::nullopt;
  std::optional<double> high = Numeric(*upper_);
  std::optional<double> now = Numeric(last_key_[0]);
  if (!high || !now) return std::nullopt;
  std::optional<double> low;
  if (start_cursor_.timestamp_micros && spec_.strategy != CdcStrategy::kIdOnly) {
    low = Numeric(TimestampValue(*start_cursor_.timestamp_micros));
  } else if (!start_cursor_.id.is_null() && spec_.strategy == CdcStrategy::kIdOnly) {
    low = Numeric(start_cursor_.id);
  }
  if (!low || *high <= *low) return std::nullopt;
  return std::clamp((*now - *low) / (*high - *low), 0.0, 1.0);
}

}  // namespace sluice::cdc
