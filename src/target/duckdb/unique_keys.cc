#include "target/duckdb/unique_keys.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <string_view>

#include "target/duckdb/load_sql.h"

namespace sluice::target::duckdb {
namespace {

// Integer types DuckDB casts to BIGINT exactly.
bool IsExactInBigint(std::string_view type) {
  for (std::string_view integer : {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}) {
    if (type == integer) return true;
  }
  return false;
}

// One key: its integer columns and its text columns, in key order within each.
struct Key {
  std::vector<int64_t> integers;
  std::vector<std::string> texts;

  // Lexicographic over the key's columns (`is_integer[c]` says which kind column c is).
  static int Compare(const Key& a, const Key& b, const std::vector<bool>& is_integer) {
    size_t integer_idx = 0;
    size_t text_idx = 0;
    for (bool integer : is_integer) {
      if (integer) {
        int64_t left = a.integers[integer_idx];
        int64_t right = b.integers[integer_idx++];
        if (left != right) return left < right ? -1 : 1;
      } else {
        int order = a.texts[text_idx].compare(b.texts[text_idx]);
        ++text_idx;
        if (order != 0) return order < 0 ? -1 : 1;
      }
    }
    return 0;
  }
};

// What one file's keys looked like so far: strictly increasing from `first` to `last`.
struct FileKeys {
  bool seen = false;
  Key first;
  Key last;
};

}  // namespace

bool KeysComparable(const std::vector<KeyColumn>& key_columns) {
  return !key_columns.empty() && std::ranges::all_of(key_columns, [](const KeyColumn& column) {
    return IsExactInBigint(column.type) || column.type == "VARCHAR";
  });
}

Result<bool> KeysProvablyUnique(Database& database, const std::vector<std::string>& paths,
                                const std::vector<KeyColumn>& key_columns) {
  std::vector<bool> is_integer;
  std::vector<std::string> selected = {QuoteIdentifier(kFileNameColumn)};
  for (const KeyColumn& column : key_columns) {
    is_integer.push_back(IsExactInBigint(column.type));
    selected.push_back(is_integer.back() ? fmt::format("CAST({} AS BIGINT)", QuoteIdentifier(column.name))
                                         : QuoteIdentifier(column.name));
  }
  std::map<std::string, size_t, std::less<>> file_of_path;
  for (size_t file_idx = 0; file_idx < paths.size(); ++file_idx) file_of_path.emplace(paths[file_idx], file_idx);
  std::vector<FileKeys> files(paths.size());
  SLUICE_ASSIGN_OR_RETURN(ResultStream rows, database.Stream(fmt::format("SELECT {} FROM {}", fmt::join(selected, ", "),
                                                                         ReadParquetSql(paths, kFileNameColumn))));
  Key key;
  key.integers.resize(std::ranges::count(is_integer, true));
  key.texts.resize(is_integer.size() - key.integers.size());
  // DuckDB gives the rows of a file one copy of its name, so a row whose name sits where the last row's did is
  // taken for that row's file without comparing the text. Even a wrong guess could not prove repeated keys
  // unique: two rows with one key fail the proof in one group (not increasing) or in two (ranges overlapping).
  std::string_view last_path;
  size_t current_file = 0;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool more, rows.NextChunk());
    if (!more) break;
    for (uint64_t row_idx = 0; row_idx < rows.chunk_rows(); ++row_idx) {
      std::string_view path = rows.Text(0, row_idx);
      if (path.data() != last_path.data() || path.size() != last_path.size()) {
        auto found = file_of_path.find(path);
        if (found == file_of_path.end()) return Internal("DuckDB read a row of an unrequested file {}", path);
        last_path = path;
        current_file = found->second;
      }
      size_t integer_idx = 0;
      size_t text_idx = 0;
      for (size_t column_idx = 0; column_idx < key_columns.size(); ++column_idx) {
        if (rows.IsNull(column_idx + 1, row_idx)) return false;
        if (is_integer[column_idx]) {
          key.integers[integer_idx++] = rows.Int64(column_idx + 1, row_idx);
        } else {
          key.texts[text_idx++].assign(rows.Text(column_idx + 1, row_idx));  // reuses the buffer
        }
      }
      FileKeys& file = files[current_file];
      if (!file.seen) {
        file.seen = true;
        file.first = key;
      } else if (Key::Compare(file.last, key, is_integer) >= 0) {
        return false;
      }
      file.last = key;  // copies into last's buffers
    }
  }
  std::vector<const FileKeys*> by_first;
  for (const FileKeys& file : files) {
    if (file.seen) by_first.push_back(&file);
  }
  std::ranges::sort(
      by_first, [&](const FileKeys* a, const FileKeys* b) { return Key::Compare(a->first, b->first, is_integer) < 0; });
  for (size_t file_idx = 1; file_idx < by_first.size(); ++file_idx) {
    if (Key::Compare(by_first[file_idx - 1]->last, by_first[file_idx]->first, is_integer) >= 0) return false;
  }
  return true;
}

}  // namespace sluice::target::duckdb
