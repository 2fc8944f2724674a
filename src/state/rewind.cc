#include "state/rewind.h"

#include <algorithm>
#include <compare>

namespace sluice::state {
namespace {

std::partial_ordering CompareTimestamps(const std::optional<int64_t>& a, const std::optional<int64_t>& b) {
  if (!a || !b) return a.has_value() <=> b.has_value();  // no timestamp reads from the beginning
  return *a <=> *b;
}

// Records the rewind in `last_rewind`: the forgotten files' totals and
// where the cursor went. Their rows no longer count as staged.
void Record(Watermark& watermark, const std::vector<StagedFileEntry>& dropped, bool full_copy,
            const std::string& reason, const std::string& now_iso) {
  RewindRecord record;
  record.at = now_iso;
  record.key = dropped.front().key;
  record.reason = reason;
  record.files_dropped = static_cast<int64_t>(dropped.size());
  for (const StagedFileEntry& entry : dropped) record.rows_dropped += entry.rows;
  if (!full_copy) record.cursor = watermark.cursor;
  watermark.extract.total_rows = std::max<int64_t>(0, watermark.extract.total_rows - record.rows_dropped);
  watermark.last_rewind = std::move(record);
}

std::vector<StagedFileEntry> ForgetCopy(Watermark& watermark, const std::string& run_id, const std::string& reason,
                                        const std::string& now_iso) {
  std::vector<StagedFileEntry> dropped;
  std::vector<StagedFileEntry> kept;
  for (StagedFileEntry& entry : watermark.staged_files) {
    (entry.run_id == run_id ? dropped : kept).push_back(std::move(entry));
  }
  watermark.staged_files = std::move(kept);
  Record(watermark, dropped, /*full_copy=*/true, reason, now_iso);
  return dropped;
}

}  // namespace

const Cursor& EarlierCursor(const Cursor& a, const Cursor& b) {
  // A first copy comes before the cursor it hands over to; two copies
  // compare by how far through the key (or the pages) they are (no key
  // yet: the start). Copies in different orders (one started over in the
  // other), or over pages of different storage, do not compare: the table
  // is read again from the start.
  if (a.copy || b.copy) {
    static const Cursor kStart;
    if (a.empty() || b.empty()) return a.empty() ? a : b;
    if (!a.copy || !b.copy) return a.copy ? a : b;
    if (a.copy->heap.has_value() != b.copy->heap.has_value()) return kStart;
    if (a.copy->heap) {
      if (a.copy->heap->storage != b.copy->heap->storage) return kStart;  // pages of different storage
      return a.copy->heap->next_page <= b.copy->heap->next_page ? a : b;
    }
    if (a.copy->after.empty() || b.copy->after.empty()) return a.copy->after.empty() ? a : b;
    std::partial_ordering order = std::lexicographical_compare_three_way(
        a.copy->after.begin(), a.copy->after.end(), b.copy->after.begin(), b.copy->after.end());
    return order == std::partial_ordering::less || order == std::partial_ordering::equivalent ? a : b;
  }
  std::partial_ordering order = CompareTimestamps(a.timestamp_micros, b.timestamp_micros);
  if (order == std::partial_ordering::equivalent) order = a.id <=> b.id;
  return order == std::partial_ordering::less || order == std::partial_ordering::equivalent ? a : b;
}

Result<std::vector<StagedFileEntry>> RewindOverStagedFile(Watermark& watermark, size_t index, bool full_copy,
                                                          const std::string& reason, const std::string& now_iso) {
  const StagedFileEntry& first = watermark.staged_files.at(index);
  if (full_copy) return ForgetCopy(watermark, std::string(first.run_id), reason, now_iso);  // a copy: entries move
  if (!first.cursor_before && !watermark.cursor.empty()) {
    return DataError(
        "table {} of pipeline {}: staged file '{}' {}, and it was staged by a sluice that did not record where its "
        "rows begin (cursor_before), so they cannot be read again on their own. Remedy: `sluice "
        "watermark reset -p {} -t {} --yes`; the next sync then reads the whole table again (merged by primary key) "
        "and forgets this file",
        watermark.table, watermark.pipeline, first.key, reason, watermark.pipeline, watermark.table);
  }
  if (first.cursor_before) watermark.cursor = EarlierCursor(watermark.cursor, *first.cursor_before);
  std::vector<StagedFileEntry> dropped(std::make_move_iterator(watermark.staged_files.begin() + index),
                                       std::make_move_iterator(watermark.staged_files.end()));
  watermark.staged_files.resize(index);
  Record(watermark, dropped, /*full_copy=*/false, reason, now_iso);
  return dropped;
}

Result<std::vector<StagedFileEntry>> ForgetStagedFiles(Watermark& watermark, const std::set<std::string>& keys,
                                                       bool full_copy, const std::string& reason,
                                                       const std::string& now_iso) {
  std::vector<StagedFileEntry> dropped;
  while (true) {
    auto found = std::find_if(watermark.staged_files.begin(), watermark.staged_files.end(),
                              [&](const StagedFileEntry& entry) { return keys.count(entry.key) > 0; });
    if (found == watermark.staged_files.end()) break;
    size_t index = static_cast<size_t>(found - watermark.staged_files.begin());
    SLUICE_ASSIGN_OR_RETURN(std::vector<StagedFileEntry> forgotten,
                            RewindOverStagedFile(watermark, index, full_copy, reason, now_iso));
    dropped.insert(dropped.end(), std::make_move_iterator(forgotten.begin()), std::make_move_iterator(forgotten.end()));
  }
  if (dropped.size() > 1 && watermark.last_rewind) {
    // One record for the whole edit: it began at the first forgotten file.
    watermark.last_rewind->key = dropped.front().key;
    watermark.last_rewind->files_dropped = static_cast<int64_t>(dropped.size());
    watermark.last_rewind->rows_dropped = 0;
    for (const StagedFileEntry& entry : dropped) watermark.last_rewind->rows_dropped += entry.rows;
  }
  return dropped;
}

}  // namespace sluice::state
