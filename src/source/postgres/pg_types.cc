#include "source/postgres/pg_types.h"

#include <algorithm>

namespace sluice::source::postgres {
namespace {

constexpr int32_t kVarHeaderSize = 4;  // VARHDRSZ: typmods of varchar/numeric are offset by it
constexpr int kMaxDomainDepth = 32;

struct Builtin {
  uint32_t oid;
  TypeId type;
  PgKind kind;
};

constexpr Builtin kBuiltins[] = {
    {kBoolOid, TypeId::kBoolean, PgKind::kBool},
    {kByteaOid, TypeId::kBinary, PgKind::kBytea},
    {kNameOid, TypeId::kString, PgKind::kText},
    {kInt8Oid, TypeId::kInt64, PgKind::kInt8},
    {kInt2Oid, TypeId::kInt16, PgKind::kInt2},
    {kInt4Oid, TypeId::kInt32, PgKind::kInt4},
    {kTextOid, TypeId::kString, PgKind::kText},
    {kOidOid, TypeId::kInt64, PgKind::kOid},
    {kJsonOid, TypeId::kJson, PgKind::kJson},
    {kFloat4Oid, TypeId::kFloat32, PgKind::kFloat4},
    {kFloat8Oid, TypeId::kFloat64, PgKind::kFloat8},
    {kBpcharOid, TypeId::kString, PgKind::kText},
    {kVarcharOid, TypeId::kString, PgKind::kText},
    {kDateOid, TypeId::kDate, PgKind::kDate},
    {kTimeOid, TypeId::kTime, PgKind::kTime},
    {kTimestampOid, TypeId::kTimestamp, PgKind::kTimestamp},
    {kTimestampTzOid, TypeId::kTimestampTz, PgKind::kTimestampTz},
    {kNumericOid, TypeId::kDecimal, PgKind::kNumeric},
    {kUuidOid, TypeId::kString, PgKind::kUuid},
    {kJsonbOid, TypeId::kJson, PgKind::kJsonb},
};

const Builtin* FindBuiltin(uint32_t oid) {
  for (const Builtin& builtin : kBuiltins) {
    if (builtin.oid == oid) return &builtin;
  }
  return nullptr;
}

PgColumnType MapBuiltin(const Builtin& builtin, int32_t typmod) {
  PgColumnType column;
  column.oid = builtin.oid;
  column.kind = builtin.kind;
  column.type = builtin.kind == PgKind::kNumeric ? NumericType(typmod) : DataType::Of(builtin.type);
  bool sized = builtin.oid == kVarcharOid || builtin.oid == kBpcharOid;
  if (sized && typmod >= kVarHeaderSize) column.max_length = typmod - kVarHeaderSize;
  return column;
}

PgColumnType AsText(uint32_t oid, PgCast cast) {
  PgColumnType column;
  column.type = DataType::Of(TypeId::kString);
  column.kind = PgKind::kText;
  column.cast = cast;
  column.oid = oid;
  return column;
}

bool SendsText(const PgTypeInfo& info) {
  static constexpr std::string_view kTextSenders[] = {"textsend", "citextsend", "varcharsend", "bpcharsend"};
  return std::find(std::begin(kTextSenders), std::end(kTextSenders), info.send_function) != std::end(kTextSenders);
}

Result<const PgTypeInfo*> Lookup(uint32_t oid, const PgTypeCatalog& catalog) {
  auto found = catalog.find(oid);
  if (found == catalog.end()) return NotFound("type OID {} is not in the catalog", oid);
  return &found->second;
}

// Follows domains down to their base type; `typmod` takes the domain's when the column has none.
Result<uint32_t> ResolveDomains(uint32_t oid, int32_t* typmod, const PgTypeCatalog& catalog) {
  for (int depth = 0; depth < kMaxDomainDepth && !IsBuiltinScalar(oid); ++depth) {
    SLUICE_ASSIGN_OR_RETURN(const PgTypeInfo* info, Lookup(oid, catalog));
    if (info->type_type != 'd') return oid;
    oid = info->base_oid;
    if (*typmod < 0) *typmod = info->base_typmod;
  }
  return oid;
}

Result<PgColumnType> MapArray(const PgTypeInfo& info, int32_t typmod, const PgTypeCatalog& catalog) {
  SLUICE_ASSIGN_OR_RETURN(PgColumnType element, MapPgType(info.element_oid, typmod, catalog));
  PgColumnType column;
  column.type = DataType::Of(TypeId::kJson);
  column.kind = PgKind::kArray;
  column.oid = info.oid;
  if (element.cast != PgCast::kNone || element.kind == PgKind::kArray) {
    column.cast = PgCast::kArrayToJson;
    column.kind = PgKind::kJson;
    column.oid = kJsonOid;
  } else {
    column.element_kind = element.kind;
  }
  return column;
}

Result<PgColumnType> MapResolved(uint32_t oid, int32_t typmod, const PgTypeCatalog& catalog) {
  SLUICE_ASSIGN_OR_RETURN(oid, ResolveDomains(oid, &typmod, catalog));
  if (oid == kCharOid) return AsText(kTextOid, PgCast::kText);  // "char": one raw byte, not always UTF-8
  if (const Builtin* builtin = FindBuiltin(oid)) return MapBuiltin(*builtin, typmod);
  SLUICE_ASSIGN_OR_RETURN(const PgTypeInfo* info, Lookup(oid, catalog));
  if (info->category == 'A' && info->element_oid != 0) return MapArray(*info, typmod, catalog);
  if (info->type_type == 'e' || SendsText(*info)) return AsText(oid, PgCast::kNone);
  return AsText(kTextOid, PgCast::kText);
}

}  // namespace

bool IsBuiltinScalar(uint32_t oid) { return oid == kCharOid || FindBuiltin(oid) != nullptr; }

DataType NumericType(int32_t typmod) {
  if (typmod < kVarHeaderSize) return DataType::Decimal(0, 0);
  int32_t packed = typmod - kVarHeaderSize;
  int precision = (packed >> 16) & 0xffff;
  int scale = ((packed & 0x7ff) ^ 1024) - 1024;  // 11-bit two's complement (PostgreSQL 15 allows -1000..1000)
  if (scale < 0) return DataType::Decimal(precision - scale, 0);
  if (scale > precision) return DataType::Decimal(scale, scale);
  return DataType::Decimal(precision, scale);
}

Result<PgColumnType> MapPgType(uint32_t oid, int32_t typmod, const PgTypeCatalog& catalog) {
  SLUICE_ASSIGN_OR_RETURN(PgColumnType column, MapResolved(oid, typmod, catalog));
  if (column.cast == PgCast::kNone) column.oid = oid;  // a domain's values arrive as the domain type
  return column;
}

}  // namespace sluice::source::postgres
