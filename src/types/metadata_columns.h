// The columns sluice writes beside a table's own: the metadata of staged
// and change files (SPEC §4, §8) and the columns the apply modes add to a
// target table. A source column with one of these names would be
// indistinguishable from sluice's, so it is refused before anything is
// read (names compare ignoring case, as the warehouses' do).
//
//   _seq         INT64, every staged file: the row's order. Extracted files
//                number their rows 0, 1, ... in read order; change files
//                carry the log order (strictly increasing within a table).
//                Targets order rows by (file position in the load, _seq).
//   _op          STRING, change files: 'I' insert, 'U' update (after
//                image), 'D' delete (before image).
//   _commit_ts   TIMESTAMP (UTC), change files: the transaction's commit.
//   _tx          STRING, change files: the transaction (GTID, xid).
//   _deleted_at  soft_delete tables: when the row was deleted, else NULL.
//   _valid_from, _valid_to, _is_current: history tables (type-2).
//
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <string_view>

#include "common/status.h"
#include "types/schema.h"

namespace sluice {

inline constexpr std::string_view kSeqColumn = "_seq";
inline constexpr std::string_view kOpColumn = "_op";
inline constexpr std::string_view kCommitTsColumn = "_commit_ts";
inline constexpr std::string_view kTxColumn = "_tx";
inline constexpr std::string_view kDeletedAtColumn = "_deleted_at";
inline constexpr std::string_view kValidFromColumn = "_valid_from";
inline constexpr std::string_view kValidToColumn = "_valid_to";
inline constexpr std::string_view kIsCurrentColumn = "_is_current";

inline constexpr std::array<std::string_view, 8> kMetadataColumns = {
    kSeqColumn,       kOpColumn,       kCommitTsColumn, kTxColumn,
    kDeletedAtColumn, kValidFromColumn, kValidToColumn,  kIsCurrentColumn};

// True when `name` is one of kMetadataColumns, ignoring case.
bool IsMetadataColumn(std::string_view name);

// InvalidArgument naming `table`, the first colliding column and the
// remedy (for a custom_sql table: alias it in the query; else rename it in
// the source or read the table through custom_sql under another name).
Status CheckNoMetadataColumns(std::string_view table, const Schema& schema, bool custom_sql);

}  // namespace sluice
