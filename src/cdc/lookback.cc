#include "cdc/lookback.h"

#include <algorithm>

#include "types/temporal.h"

namespace sluice::cdc {
namespace {

bool UsesTimestampLookback(const TableSpec& spec) {
  return spec.lookback_seconds > 0 && !spec.timestamp_column.empty() &&
         spec.strategy != config::CdcStrategy::kFullSync;
}

bool UsesIdLookback(const TableSpec& spec) {
  return spec.lookback_seconds > 0 && spec.strategy == config::CdcStrategy::kIdOnly;
}

bool IsDateColumn(const TableSpec& spec) {
  auto index = spec.schema->FieldIndex(spec.timestamp_column);
  return index && spec.schema->fields[*index].type.id == TypeId::kDate;
}

int64_t FloorDiv(int64_t value, int64_t unit) { return value / unit - (value % unit < 0 ? 1 : 0); }

// Rows written at or after `earliest_micros` are re-read: the exclusive
// bound just below it (for dates, the day before its day).
int64_t ExclusiveBoundBelow(const TableSpec& spec, int64_t earliest_micros) {
  if (IsDateColumn(spec)) return (FloorDiv(earliest_micros, kMicrosPerDay) - 1) * kMicrosPerDay;
  return earliest_micros - 1;
}

}  // namespace

std::optional<int64_t> RereadFromTimestamp(const TableSpec& spec, const Cursor& start, const Lookback& recorded) {
  if (!UsesTimestampLookback(spec) || !start.timestamp_micros) return std::nullopt;
  int64_t from = recorded.from_timestamp_micros.value_or(*start.timestamp_micros -
                                                         spec.lookback_seconds * kMicrosPerSecond);
  if (from >= *start.timestamp_micros) return std::nullopt;
  return from;
}

Value RereadFromId(const TableSpec& spec, const Cursor& start, const Lookback& recorded) {
  if (!UsesIdLookback(spec) || start.id.is_null() || recorded.from_id.is_null()) return Value();
  if ((recorded.from_id <=> start.id) != std::partial_ordering::less) return Value();
  return recorded.from_id;
}

Lookback LookbackAtStart(const TableSpec& spec, const Lookback& recorded, const Ceiling& ceiling) {
  Lookback next = recorded;
  if (!UsesIdLookback(spec) || !ceiling.clock_micros || ceiling.id.is_null()) return next;
  if (!next.id_samples.empty() && next.id_samples.back().at_micros >= *ceiling.clock_micros) return next;
  next.id_samples.push_back(IdSample{*ceiling.clock_micros, ceiling.id});
  return next;
}

Lookback LookbackAfterRead(const TableSpec& spec, const Lookback& at_start, const Ceiling& ceiling) {
  if (spec.lookback_seconds <= 0 || !ceiling.clock_micros) return Lookback{};
  Lookback next = at_start;
  int64_t earliest = *ceiling.clock_micros - spec.lookback_seconds * kMicrosPerSecond;
  if (UsesTimestampLookback(spec)) next.from_timestamp_micros = ExclusiveBoundBelow(spec, earliest);
  if (!UsesIdLookback(spec)) return next;
  // The newest sample taken at or before `earliest`: ids above its MAX can
  // have been written after it. Older samples can never be needed again.
  std::vector<IdSample>& samples = next.id_samples;
  auto newest_old_enough = std::find_if(samples.rbegin(), samples.rend(),
                                        [&](const IdSample& sample) { return sample.at_micros <= earliest; });
  if (newest_old_enough != samples.rend()) {
    next.from_id = newest_old_enough->id;
    samples.erase(samples.begin(), std::prev(newest_old_enough.base()));
  } else if (next.from_id.is_null() && !samples.empty()) {
    // No sample is that old (a table's first runs): the first run's own.
    // Only a transaction already open when that run started can hide below it.
    next.from_id = samples.front().id;
  }
  // Dropping a sample in between only ever widens a later re-read; drop
  // the one whose neighbours are closest in time, keeping them spread out.
  while (samples.size() > kMaxIdSamples) {
    size_t drop = 1;
    for (size_t idx = 2; idx + 1 < samples.size(); ++idx) {
      if (samples[idx + 1].at_micros - samples[idx - 1].at_micros <
          samples[drop + 1].at_micros - samples[drop - 1].at_micros) {
        drop = idx;
      }
    }
    samples.erase(samples.begin() + static_cast<std::ptrdiff_t>(drop));
  }
  return next;
}

}  // namespace sluice::cdc
