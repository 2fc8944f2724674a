#include "source/mysql/mysql_statement.h"

#include <charconv>
#include <cstring>

#include "source/mysql/mysql_wire.h"
#include "types/temporal.h"

namespace sluice::source::mysql {
namespace {

MYSQL_TIME ToMySqlTime(int64_t micros, enum_mysql_timestamp_type kind) {
  int64_t days = micros / kMicrosPerDay - (micros % kMicrosPerDay < 0 ? 1 : 0);
  int64_t of_day = micros - days * kMicrosPerDay;
  CivilDate date = CivilFromDays(days);
  MYSQL_TIME time;
  std::memset(&time, 0, sizeof(time));
  time.year = static_cast<unsigned int>(date.year);
  time.month = static_cast<unsigned int>(date.month);
  time.day = static_cast<unsigned int>(date.day);
  int64_t seconds = of_day / kMicrosPerSecond;
  time.hour = static_cast<unsigned int>(seconds / 3600);
  time.minute = static_cast<unsigned int>(seconds / 60 % 60);
  time.second = static_cast<unsigned int>(seconds % 60);
  time.second_part = static_cast<unsigned long>(of_day % kMicrosPerSecond);
  time.time_type = kind;
  return time;
}

// Collects a small result as text (catalog queries).
struct TextCollector {
  const MYSQL_FIELD* fields = nullptr;
  TextRow row;

  static void OnColumn(void* data, unsigned int column, unsigned char** row) {
    auto* self = static_cast<TextCollector*>(data);
    if (row == nullptr) {
      self->row[column].reset();
      return;
    }
    const unsigned char* position = *row;
    const MYSQL_FIELD& field = self->fields[column];
    bool is_unsigned = (field.flags & UNSIGNED_FLAG) != 0;
    switch (field.type) {
      case MYSQL_TYPE_TINY:
        self->row[column] = is_unsigned ? std::to_string(position[0]) : std::to_string(static_cast<int8_t>(position[0]));
        break;
      case MYSQL_TYPE_SHORT:
      case MYSQL_TYPE_YEAR:
        self->row[column] = is_unsigned ? std::to_string(LoadLittleEndian<uint16_t>(position))
                                        : std::to_string(LoadLittleEndian<int16_t>(position));
        break;
      case MYSQL_TYPE_LONG:
      case MYSQL_TYPE_INT24:
        self->row[column] = is_unsigned ? std::to_string(LoadLittleEndian<uint32_t>(position))
                                        : std::to_string(LoadLittleEndian<int32_t>(position));
        break;
      case MYSQL_TYPE_LONGLONG:
        self->row[column] = is_unsigned ? std::to_string(LoadLittleEndian<uint64_t>(position))
                                        : std::to_string(LoadLittleEndian<int64_t>(position));
        break;
      default:
        if (FixedWireSize(field.type) == 0 && !IsTemporalWire(field.type)) {
          const unsigned char* cursor = position;
          self->row[column] = std::string(ReadBytes(&cursor));
        } else {
          self->row[column].reset();  // floats and temporal values are not read from the catalog
        }
        break;
    }
    SkipValue(field.type, &position);
    *row = const_cast<unsigned char*>(position);
  }
};

}  // namespace

BoundParams::BoundParams(std::vector<Value> values) : values_(std::move(values)) {}

Status BoundParams::BindTo(MYSQL_STMT* statement, std::string_view context) {
  unsigned long markers = mysql_stmt_param_count(statement);
  if (markers != values_.size()) {
    return InvalidArgument("{}: the SQL has {} parameter markers but {} values are bound (a '?' written in custom "
                           "SQL outside quotes is a marker that nothing binds: write the value as a literal, or use "
                           "a {{{{...}}}} placeholder)",
                           context, markers, values_.size());
  }
  binds_.assign(values_.size(), MYSQL_BIND{});
  times_.assign(values_.size(), MYSQL_TIME{});
  lengths_.assign(values_.size(), 0);
  integers_.assign(values_.size(), 0);
  for (size_t param_idx = 0; param_idx < values_.size(); ++param_idx) {
    Value& value = values_[param_idx];
    MYSQL_BIND& bind = binds_[param_idx];
    switch (value.kind()) {
      case Value::Kind::kNull: bind.buffer_type = MYSQL_TYPE_NULL; break;
      case Value::Kind::kInt64:
      case Value::Kind::kUInt64:
        bind.buffer_type = MYSQL_TYPE_LONGLONG;
        bind.is_unsigned = value.kind() == Value::Kind::kUInt64;
        integers_[param_idx] =
            value.kind() == Value::Kind::kUInt64 ? value.uint64() : static_cast<uint64_t>(value.int64());
        bind.buffer = &integers_[param_idx];
        break;
      case Value::Kind::kTimestamp:
        bind.buffer_type = MYSQL_TYPE_DATETIME;
        times_[param_idx] = ToMySqlTime(value.timestamp_micros(), MYSQL_TIMESTAMP_DATETIME);
        bind.buffer = &times_[param_idx];
        break;
      case Value::Kind::kDate:
        bind.buffer_type = MYSQL_TYPE_DATE;
        times_[param_idx] = ToMySqlTime(static_cast<int64_t>(value.date_days()) * kMicrosPerDay, MYSQL_TIMESTAMP_DATE);
        bind.buffer = &times_[param_idx];
        break;
      case Value::Kind::kText:
        bind.buffer_type = MYSQL_TYPE_STRING;
        bind.buffer = const_cast<char*>(value.text().data());
        lengths_[param_idx] = static_cast<unsigned long>(value.text().size());
        bind.buffer_length = lengths_[param_idx];
        bind.length = &lengths_[param_idx];
        break;
    }
  }
  if (!values_.empty() && mysql_stmt_bind_param(statement, binds_.data()) != 0) {
    return MySqlStatus(mysql_stmt_errno(statement), mysql_stmt_error(statement), context);
  }
  return Status::Ok();
}

Status ExecuteStatement(MySqlConnection& connection, MYSQL_STMT* statement, BoundParams* params,
                        ps_result_callback on_column, void* callback_data, std::string_view context) {
  SLUICE_RETURN_IF_ERROR(params->BindTo(statement, context));
  mysql_stmt_attr_set(statement, STMT_ATTR_CB_USER_DATA, callback_data);
  mysql_stmt_attr_set(statement, STMT_ATTR_CB_RESULT, reinterpret_cast<const void*>(on_column));
  if (mysql_stmt_execute(statement) != 0) return connection.StatementError(statement, context);
  return Status::Ok();
}

Result<std::vector<TextRow>> QueryText(MySqlConnection& connection, const std::string& sql, std::vector<Value> params,
                                       std::string_view context) {
  if (connection.reader_active) return Internal("{}: a reader is still open on this source", context);
  SLUICE_ASSIGN_OR_RETURN(MYSQL_STMT * statement, connection.Prepare(sql, context));
  BoundParams bound(std::move(params));
  TextCollector collector;
  SLUICE_RETURN_IF_ERROR(
      ExecuteStatement(connection, statement, &bound, &TextCollector::OnColumn, &collector, context));
  MetadataPtr metadata(mysql_stmt_result_metadata(statement));
  if (!metadata) return InvalidArgument("{}: the statement returns no rows", context);
  collector.fields = mysql_fetch_fields(metadata.get());
  unsigned int field_count = mysql_num_fields(metadata.get());
  std::vector<TextRow> rows;
  while (true) {
    collector.row.assign(field_count, std::nullopt);
    int rc = mysql_stmt_fetch(statement);
    if (rc == MYSQL_NO_DATA) break;
    if (rc != 0) {
      Status status = connection.StatementError(statement, context);
      mysql_stmt_free_result(statement);
      return status;
    }
    rows.push_back(std::move(collector.row));
  }
  return rows;
}

}  // namespace sluice::source::mysql
