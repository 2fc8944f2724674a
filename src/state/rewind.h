// Rewinding a table's watermark over staged files that will never be
// loaded — missing or damaged in the store, or deleted on purpose with
// `files clean --include-staged` — so that their rows are not lost: the
// files are forgotten and the cursor goes back to where the first of them
// began, so the next extract reads those rows again (docs/watermark.md,
// "Rewinding over staged files").
//
//   staged_files  [A][B][C][D]          B cannot be loaded
//   cursor                      ^        after D
//   rewind over B [A]                    B, C, D forgotten (C and D begin after B's rows)
//   cursor           ^                   B.cursor_before: the next extract re-reads B, C, D
//
// A full copy has no cursor: only the copy the file belongs to (its run)
// is forgotten, and the next run copies the table again.
//
// These are pure edits of a Watermark value; the caller saves it with
// compare-and-swap and only then deletes the forgotten files' objects, so
// a crash leaves either the old state or the new one.
//
// Thread-safety: functions of values.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "state/watermark.h"

namespace sluice::state {

// Of two cursors, the one that reads more: the earlier position (an empty
// cursor is the earliest, then a first copy's progress, by its key or its
// next page, then the keyed cursors it hands over to). Positions that
// cannot be ordered give `b` (ids of different kinds), or the empty cursor
// (copies in different orders, or over pages of different storage).
const Cursor& EarlierCursor(const Cursor& a, const Cursor& b);

// Forgets staged_files[index] and every staged file after it, and moves the
// cursor back to that file's cursor_before — never forward: a cursor that
// is already earlier (after `watermark reset` or `set`) stays. With
// `full_copy`, forgets the files of that file's copy (same run_id) only.
// Records the rewind in `last_rewind` (`reason`, to follow "staged file
// 'K' ", e.g. "is missing from the store"; `now_iso`) and returns the
// forgotten entries, in order.
//
// DataError, leaving `watermark` unchanged, when the file has no
// cursor_before (staged by an older sluice) and the cursor is not empty;
// the message names the file and the remedy.
// REQUIRES: index < watermark.staged_files.size().
Result<std::vector<StagedFileEntry>> RewindOverStagedFile(Watermark& watermark, size_t index, bool full_copy,
                                                          const std::string& reason, const std::string& now_iso);

// The same for the staged files named in `keys`: rewinds over the earliest
// of them (full copies: forgets each of their copies). Keys that are not
// staged are ignored. Returns every forgotten entry (a superset of `keys`).
Result<std::vector<StagedFileEntry>> ForgetStagedFiles(Watermark& watermark, const std::set<std::string>& keys,
                                                       bool full_copy, const std::string& reason,
                                                       const std::string& now_iso);

}  // namespace sluice::state
