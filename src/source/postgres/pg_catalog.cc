#include "source/postgres/pg_catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "common/spelling.h"

namespace sluice::source::postgres {
namespace {

constexpr int kMaxTypeRounds = 8;

constexpr const char* kFindTable = R"(
SELECT c.oid, n.nspname, c.relname, c.relkind
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND lower(c.relname) = lower($2)
  AND CASE WHEN $1 = '' THEN n.nspname = ANY (current_schemas(false)) ELSE lower(n.nspname) = lower($1) END
ORDER BY coalesce(array_position(current_schemas(false), n.nspname), 0), n.nspname, c.relname)";

constexpr const char* kListTables = R"(
SELECT DISTINCT c.relname
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')
  AND CASE WHEN $1 = '' THEN n.nspname = ANY (current_schemas(false)) ELSE lower(n.nspname) = lower($1) END
ORDER BY 1 LIMIT 10000)";

constexpr const char* kColumns = R"(
SELECT a.attname, a.atttypid, a.atttypmod, a.attnotnull, pg_catalog.format_type(a.atttypid, a.atttypmod),
       pg_catalog.format_type(a.atttypid, NULL)
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum)";

constexpr const char* kPrimaryKey = R"(
SELECT a.attname
FROM pg_catalog.pg_index i
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = $1::oid AND i.indisprimary
ORDER BY k.position)";

constexpr const char* kHeap = R"(
SELECT pg_catalog.pg_relation_filenode(c.oid), c.relpages, c.reltuples::float8,
       pg_catalog.pg_relation_size(c.oid) / pg_catalog.current_setting('block_size')::bigint
FROM pg_catalog.pg_class c WHERE c.oid = $1::oid AND c.relkind = 'r')";

// TID Range Scans, which read only the pages a ctid range covers, came in PostgreSQL 14.
constexpr int kFirstVersionWithTidRangeScans = 140000;

constexpr const char* kTypes = R"(
SELECT t.oid, t.typname, t.typtype, t.typcategory, t.typelem, t.typbasetype, t.typtypmod, t.typsend::text
FROM pg_catalog.pg_type t WHERE t.oid = ANY ($1::oid[]))";

constexpr const char* kFormatTypes = R"(
SELECT pg_catalog.format_type(u.type_oid, u.typmod), pg_catalog.format_type(u.type_oid, NULL)
FROM unnest($1::oid[], $2::int4[]) WITH ORDINALITY AS u(type_oid, typmod, position) ORDER BY u.position)";

std::string_view Text(const PGresult* result, int row, int column) {
  return std::string_view(PQgetvalue(result, row, column), static_cast<size_t>(PQgetlength(result, row, column)));
}

template <typename Integer>
Integer Number(const PGresult* result, int row, int column) {
  std::string_view text = Text(result, row, column);
  Integer value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

struct ResolvedTable {
  std::string oid;
  std::string schema_name;
  std::string name;
  char kind = 'r';
};

Result<ResolvedTable> ResolveTable(PgConnection& connection, std::string_view table) {
  size_t dot = table.find('.');
  std::string schema_name = dot == std::string_view::npos ? "" : std::string(table.substr(0, dot));
  std::string name(dot == std::string_view::npos ? table : table.substr(dot + 1));
  std::string context = fmt::format("looking up table {}", table);
  SLUICE_ASSIGN_OR_RETURN(ResultPtr found, connection.Query(kFindTable, {schema_name, name}, false, context));
  int rows = PQntuples(found.get());
  int chosen = -1;
  for (int row = 0; row < rows && chosen < 0; ++row) {
    bool schema_exact = schema_name.empty() || Text(found.get(), row, 1) == schema_name;
    if (schema_exact && Text(found.get(), row, 2) == name) chosen = row;
  }
  if (chosen < 0 && rows > 0) chosen = 0;  // the first case-insensitive match along the search path
  if (chosen >= 0) {
    std::string_view kind = Text(found.get(), chosen, 3);
    return ResolvedTable{std::string(Text(found.get(), chosen, 0)), std::string(Text(found.get(), chosen, 1)),
                         std::string(Text(found.get(), chosen, 2)), kind.empty() ? 'r' : kind[0]};
  }
  SLUICE_ASSIGN_OR_RETURN(ResultPtr listed, connection.Query(kListTables, {schema_name}, false, context));
  std::vector<std::string> names;
  for (int row = 0; row < PQntuples(listed.get()); ++row) names.emplace_back(Text(listed.get(), row, 0));
  std::string where = schema_name.empty() ? "on the search_path" : fmt::format("in schema {}", schema_name);
  return NotFound("table '{}' not found {}; {}", table, where, DescribeAlternatives(name, names, "tables", "no tables there at all"));
}

// Loads the pg_type rows of `oids` and of the elements and base types they lead to.
Status LoadTypes(PgConnection& connection, std::set<uint32_t> wanted, PgTypeCatalog* types) {
  for (int round = 0; round < kMaxTypeRounds; ++round) {
    std::string list;
    for (uint32_t oid : wanted) {
      if (IsBuiltinScalar(oid) || types->contains(oid)) continue;
      list += (list.empty() ? "" : ",") + std::to_string(oid);
    }
    if (list.empty()) return Status::Ok();
    SLUICE_ASSIGN_OR_RETURN(ResultPtr rows,
                            connection.Query(kTypes, {"{" + list + "}"}, false, "reading pg_type"));
    wanted.clear();
    for (int row = 0; row < PQntuples(rows.get()); ++row) {
      PgTypeInfo info;
      info.oid = Number<uint32_t>(rows.get(), row, 0);
      info.name = Text(rows.get(), row, 1);
      info.type_type = Text(rows.get(), row, 2).empty() ? 'b' : Text(rows.get(), row, 2)[0];
      info.category = Text(rows.get(), row, 3).empty() ? 'U' : Text(rows.get(), row, 3)[0];
      info.element_oid = Number<uint32_t>(rows.get(), row, 4);
      info.base_oid = Number<uint32_t>(rows.get(), row, 5);
      info.base_typmod = Number<int32_t>(rows.get(), row, 6);
      std::string_view send = Text(rows.get(), row, 7);
      info.send_function = send.substr(send.rfind('.') == std::string_view::npos ? 0 : send.rfind('.') + 1);
      if (info.element_oid != 0) wanted.insert(info.element_oid);
      if (info.base_oid != 0) wanted.insert(info.base_oid);
      (*types)[info.oid] = std::move(info);
    }
  }
  return Internal("type definitions nest deeper than {} levels", kMaxTypeRounds);
}

}  // namespace

const PgColumn* PgTable::Find(std::string_view column) const {
  for (const PgColumn& candidate : columns) {
    if (candidate.name == column) return &candidate;
  }
  return nullptr;
}

SchemaPtr MakeSchema(const std::vector<PgColumn>& columns, std::vector<std::string> primary_key) {
  auto schema = std::make_shared<Schema>();
  for (const PgColumn& column : columns) {
    Field field;
    field.name = column.name;
    field.type = column.type.type;
    field.nullable = column.nullable;
    field.source_type = column.type.source_type;
    field.max_length = column.type.max_length;
    schema->fields.push_back(std::move(field));
  }
  schema->primary_key = std::move(primary_key);
  return schema;
}

Result<PgTable> DescribeTable(PgConnection& connection, std::string_view table, PgTypeCatalog* types) {
  SLUICE_ASSIGN_OR_RETURN(ResolvedTable resolved, ResolveTable(connection, table));
  std::string context = fmt::format("describing table {}", table);
  SLUICE_ASSIGN_OR_RETURN(ResultPtr rows, connection.Query(kColumns, {resolved.oid}, false, context));
  std::set<uint32_t> type_oids;
  for (int row = 0; row < PQntuples(rows.get()); ++row) type_oids.insert(Number<uint32_t>(rows.get(), row, 1));
  SLUICE_RETURN_IF_ERROR(LoadTypes(connection, type_oids, types));
  PgTable described{resolved.oid, resolved.kind, resolved.schema_name, resolved.name, {}, nullptr};
  for (int row = 0; row < PQntuples(rows.get()); ++row) {
    PgColumn column;
    column.name = Text(rows.get(), row, 0);
    auto mapped = MapPgType(Number<uint32_t>(rows.get(), row, 1), Number<int32_t>(rows.get(), row, 2), *types);
    if (!mapped) return mapped.error().WithContext(fmt::format("table {}, column {}", table, column.name));
    column.type = std::move(*mapped);
    column.type.source_type = Text(rows.get(), row, 4);
    column.cast_type = Text(rows.get(), row, 5);
    column.nullable = Text(rows.get(), row, 3) != "t";
    described.columns.push_back(std::move(column));
  }
  SLUICE_ASSIGN_OR_RETURN(ResultPtr key, connection.Query(kPrimaryKey, {resolved.oid}, false, context));
  std::vector<std::string> primary_key;
  for (int row = 0; row < PQntuples(key.get()); ++row) primary_key.emplace_back(Text(key.get(), row, 0));
  described.schema = MakeSchema(described.columns, std::move(primary_key));
  return described;
}

Result<std::optional<HeapLayout>> DescribeHeap(PgConnection& connection, const PgTable& table) {
  if (table.kind != 'r' || PQserverVersion(connection.get()) < kFirstVersionWithTidRangeScans) {
    return std::optional<HeapLayout>();
  }
  std::string context = fmt::format("reading the size of table {}", table.Qualified());
  SLUICE_ASSIGN_OR_RETURN(ResultPtr rows, connection.Query(kHeap, {table.oid}, false, context));
  if (PQntuples(rows.get()) != 1) return std::optional<HeapLayout>();  // no longer a plain table
  HeapLayout layout;
  layout.storage = Text(rows.get(), 0, 0);
  layout.pages = Number<int64_t>(rows.get(), 0, 3);
  auto relpages = Number<int64_t>(rows.get(), 0, 1);
  std::string_view reltuples_text = Text(rows.get(), 0, 2);
  double reltuples = -1;  // PostgreSQL 14+: -1 until the first VACUUM or ANALYZE
  std::from_chars(reltuples_text.data(), reltuples_text.data() + reltuples_text.size(), reltuples);
  if (relpages > 0 && reltuples >= 0) layout.rows_per_page = reltuples / static_cast<double>(relpages);
  return std::optional<HeapLayout>(std::move(layout));
}

Result<std::vector<PgColumn>> DescribeResultColumns(PgConnection& connection, const PGresult* description,
                                                    PgTypeCatalog* types) {
  int count = PQnfields(description);
  std::set<uint32_t> type_oids;
  std::string oid_list, typmod_list;
  for (int field = 0; field < count; ++field) {
    type_oids.insert(PQftype(description, field));
    oid_list += fmt::format("{}{}", field == 0 ? "" : ",", PQftype(description, field));
    typmod_list += fmt::format("{}{}", field == 0 ? "" : ",", PQfmod(description, field));
  }
  SLUICE_RETURN_IF_ERROR(LoadTypes(connection, type_oids, types));
  SLUICE_ASSIGN_OR_RETURN(ResultPtr spelled, connection.Query(kFormatTypes, {"{" + oid_list + "}", "{" + typmod_list + "}"},
                                                              false, "describing the query"));
  std::vector<PgColumn> columns;
  for (int field = 0; field < count; ++field) {
    PgColumn column;
    column.name = PQfname(description, field);
    auto mapped = MapPgType(PQftype(description, field), PQfmod(description, field), *types);
    if (!mapped) return mapped.error().WithContext(fmt::format("query column {}", column.name));
    column.type = std::move(*mapped);
    column.type.source_type = Text(spelled.get(), field, 0);
    column.cast_type = Text(spelled.get(), field, 1);
    columns.push_back(std::move(column));
  }
  return columns;
}

}  // namespace sluice::source::postgres
