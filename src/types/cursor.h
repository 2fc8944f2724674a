// Cursor: a table's position in its change stream, the watermark's
// "cursor" (SPEC §4, §8, §9; docs/watermark.md). Which fields are set
// depends on the strategy:
//   hybrid (timestamp, id), timestamp_only (timestamp), id_only (id),
//   custom_sql (whichever its columns give), full_sync (none),
//   log (a log position; an id too while its first copy pages the table),
//   snapshot_diff (the snapshot state the next run compares against).
// A timestamp strategy's first run (hybrid, timestamp_only) copies the
// table first, in its physical page order or its primary-key order: while
// it does, the cursor holds only `copy` (CopyProgress); when the copy ends
// it becomes the usual (timestamp, id) at the copy's ceiling.
//
// Thread-safety: value types.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "types/value.h"

namespace sluice {

// A MySQL/MariaDB binlog position: the event at `position` in `file`.
// JSON: {"file": "binlog.000042", "position": 1234, "gtid": "0-1-987"}.
struct BinlogPosition {
  std::string file;       // "binlog.000042"
  uint64_t position = 0;  // byte offset of the next event in `file`
  std::string gtid;       // MariaDB "0-1-987" or a MySQL GTID set; "" (JSON null) without GTIDs
  friend bool operator==(const BinlogPosition&, const BinlogPosition&) = default;
};

// A PostgreSQL WAL position (pg_lsn), written by the server as two
// hexadecimal numbers "X/Y" of up to 8 digits each. `value` is
// (X << 32) | Y, so positions compare as the server orders them; `text` is
// kept as it was read, so a document is rewritten byte for byte. Two LSNs
// are equal when their values are ("0/16B3748" == "0/016b3748").
// JSON: {"lsn": "0/16B3748"}.
struct Lsn {
  uint64_t value = 0;
  std::string text;
  // InvalidArgument naming `text` unless it is "X/Y" as above.
  static Result<Lsn> Parse(std::string_view text);
  friend bool operator==(const Lsn& a, const Lsn& b) { return a.value == b.value; }
  friend std::strong_ordering operator<=>(const Lsn& a, const Lsn& b) { return a.value <=> b.value; }
};

// Where a log reader resumes: a binlog position (MySQL/MariaDB) or an LSN
// (PostgreSQL), never both.
using LogPosition = std::variant<BinlogPosition, Lsn>;

// The snapshot a snapshot_diff run compares the table with (SPEC §9): the
// store key of its state (the folder "state/<pipeline>/<table>/<run>/"
// holding the sorted primary key -> row hash files) and when the run that
// wrote it read the source. JSON: {"state": "...", "taken_at": ISO UTC}.
struct SnapshotState {
  std::string state;
  int64_t taken_at_micros = 0;
  friend bool operator==(const SnapshotState&, const SnapshotState&) = default;
};

// How far a first copy in the table's physical page order (a source with
// a HeapLayout: PostgreSQL heap pages) has come: every page before
// `next_page` has been staged, of the storage named `storage`
// (HeapLayout::storage). A copy resumes at `next_page` only while the
// storage is the same; a rewrite moved the rows, and the copy starts over.
// JSON: {"next_page": 1234, "storage": "16391"}.
struct HeapProgress {
  int64_t next_page = 0;
  std::string storage;
  friend bool operator==(const HeapProgress&, const HeapProgress&) = default;
};

// How far a first copy (SPEC §3, "first load") has come: every row whose
// cursor column is at most `ceiling_micros` and which lies before the
// copy's position has been staged. The position is, in primary-key order,
// `after`: the last key staged, its values in primary-key column order
// (empty: no row yet), resumed with `key > after AND column <= ceiling`;
// in page order, `heap` (HeapProgress). A copy resumes under the same
// ceiling however late it resumes, then hands over to the strategy's
// cursor at the largest value it copied (cdc/planner.h).
// `started_micros`: the source's clock when the copy began (as
// Ceiling::clock_micros), which a resumed copy's lookback measures from.
// JSON: {"after": [42] or "heap": {...} (one of the two),
//        "ceiling": "2025-11-27T15:30:00.000000Z",
//        "started_at": "2025-11-27T15:30:01.250000Z" or null,
//        "max_timestamp": "2025-11-27T15:29:58.000000Z" or null, "max_id": 41 or null}.
struct CopyProgress {
  std::vector<Value> after = {};
  std::optional<HeapProgress> heap = std::nullopt;  // set: the copy reads in page order (`after` is unused)
  int64_t ceiling_micros = 0;
  std::optional<int64_t> started_micros = std::nullopt;
  // The largest cursor value among the rows copied so far (hybrid: the
  // largest (timestamp, id)): where a read in cursor order would stand, and
  // so the cursor the copy hands over. JSON: "max_timestamp", "max_id".
  std::optional<int64_t> max_timestamp_micros = std::nullopt;
  Value max_id = Value();
  friend bool operator==(const CopyProgress&, const CopyProgress&) = default;
};

struct Cursor {
  // (Initialized so designated initializers may name only the parts a strategy uses.)
  std::optional<int64_t> timestamp_micros = std::nullopt;  // JSON: "2025-11-27T15:30:00.000000Z" or null
  Value id = Value();                                       // JSON: number, string, or null
  std::optional<LogPosition> log = std::nullopt;            // JSON: "log", only when set
  std::optional<SnapshotState> snapshot = std::nullopt;     // JSON: "snapshot", only when set
  std::optional<CopyProgress> copy = std::nullopt;          // JSON: "copy", only while a first copy runs
  bool empty() const { return !timestamp_micros.has_value() && id.is_null() && !log && !snapshot && !copy; }
  friend bool operator==(const Cursor&, const Cursor&) = default;
};

// "in primary-key order after 42 up to 2025-11-27T15:30:00.000000Z",
// "in primary-key order after (7, b) up to ...", "in heap order from page 1234 up to ...".
std::string ToString(const CopyProgress& copy);

// "binlog.000042:1234 gtid 0-1-987", "binlog.000042:1234", "lsn 0/16B3748".
std::string ToString(const LogPosition& position);

// What a lookback (SPEC §3, lookback_seconds) needs to know from earlier
// runs to re-read exactly the rows a late commit can have hidden: a
// transaction that wrote its row before a run read past it and committed
// after. A run that started at clock S can have missed only rows written
// after S - lookback, so the next run re-reads from there
// (docs/watermark.md, "lookback").
struct IdSample {
  int64_t at_micros = 0;  // the source's UTC clock when a run started
  Value id;               // MAX(id) the run saw then (its ceiling)
  friend bool operator==(const IdSample&, const IdSample&) = default;
};

struct Lookback {
  // Timestamp strategies: re-read timestamps above this (the column's own
  // clock: the writers' wall clock for naive columns). Unset: cursor - lookback.
  std::optional<int64_t> from_timestamp_micros;
  // id_only: re-read ids above this. NULL: only above the cursor.
  Value from_id;
  // id_only: MAX(id) at the start of recent runs, oldest first, to find the
  // id a run's clock minus lookback corresponds to.
  std::vector<IdSample> id_samples;
  bool empty() const { return !from_timestamp_micros && from_id.is_null() && id_samples.empty(); }
  friend bool operator==(const Lookback&, const Lookback&) = default;
};

void PrintTo(const Cursor& cursor, std::ostream* out);

}  // namespace sluice
