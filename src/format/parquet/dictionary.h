// Dictionaries for dictionary encoding: open-addressing hash tables that
// map a column chunk's distinct values to indices 0, 1, 2, ... in the order
// the values are first seen. The dictionary page lists the values in that
// order.
//
// Fixed-width values are keyed by their bit pattern (so -0.0 and 0.0, or
// two NaNs with different payloads, stay distinct and round-trip exactly).
// Byte strings are copied into the PLAIN encoding of the dictionary page as
// they are inserted, so that page needs no further work.
//
// Not thread-safe; one per column writer.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "format/parquet/byte_buffer.h"

namespace sluice::parquet {

inline constexpr uint64_t kHashMultiplier = 0x9E3779B97F4A7C15ULL;

// A fast non-cryptographic hash of a byte string.
uint64_t HashBytes(const uint8_t* data, size_t size);

inline uint64_t HashKey(uint32_t key) { return (key + 1ULL) * kHashMultiplier; }
inline uint64_t HashKey(uint64_t key) { return (key ^ (key >> 32)) * kHashMultiplier + key * 0xC2B2AE3D27D4EB4FULL; }
inline uint64_t HashKey(unsigned __int128 key) {
  uint64_t folded = static_cast<uint64_t>(key) ^ (static_cast<uint64_t>(key >> 64) * uint64_t{0xC2B2AE3D27D4EB4F});
  return HashKey(folded);
}

// Key: an unsigned integer type holding the value's bits. Slots hold the
// key itself, so a lookup touches one cache line.
template <typename Key>
class FixedDictionary {
 public:
  FixedDictionary() { Rehash(kInitialSlots); }

  // The index of `key`; a new key is inserted as the next index unless the
  // dictionary already holds `max_entries` values, in which case nothing
  // is inserted and -1 is returned.
  int64_t FindOrInsert(Key key, size_t max_entries) {
    size_t slot_idx = HashKey(key) >> shift_;
    while (true) {
      const Slot& slot = slots_[slot_idx];
      if (slot.entry_plus_one == 0) break;
      if (slot.key == key) return slot.entry_plus_one - 1;
      slot_idx = (slot_idx + 1) & mask_;
    }
    if (entries_.size() >= max_entries) return -1;
    entries_.push_back(key);
    slots_[slot_idx] = Slot{key, static_cast<uint32_t>(entries_.size())};
    if (entries_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
    return static_cast<int64_t>(entries_.size() - 1);
  }

  size_t size() const { return entries_.size(); }
  // The values in index order.
  const std::vector<Key>& entries() const { return entries_; }
  void Clear() {
    entries_.clear();
    if (slots_.size() > kInitialSlots * 16) {
      Rehash(kInitialSlots);  // a large table from a high-cardinality chunk is not kept
    } else {
      std::fill(slots_.begin(), slots_.end(), Slot{});
    }
  }

 private:
  static constexpr size_t kInitialSlots = 1024;
  struct Slot {
    Key key = 0;
    uint32_t entry_plus_one = 0;  // 0: empty
  };

  void Rehash(size_t slot_count) {
    slots_.assign(slot_count, Slot{});
    mask_ = slot_count - 1;
    shift_ = 64 - __builtin_ctzll(slot_count);
    for (size_t entry_idx = 0; entry_idx < entries_.size(); ++entry_idx) {
      size_t slot_idx = HashKey(entries_[entry_idx]) >> shift_;
      while (slots_[slot_idx].entry_plus_one != 0) slot_idx = (slot_idx + 1) & mask_;
      slots_[slot_idx] = Slot{entries_[entry_idx], static_cast<uint32_t>(entry_idx + 1)};
    }
  }

  std::vector<Slot> slots_;
  std::vector<Key> entries_;
  size_t mask_ = 0;
  int shift_ = 64;
};

class ByteArrayDictionary {
 public:
  ByteArrayDictionary() { Rehash(kInitialSlots); }

  // The index of `value`; a new value is inserted as the next index unless
  // that would grow the dictionary page past `max_page_bytes`, in which
  // case nothing is inserted and -1 is returned.
  int64_t FindOrInsert(std::string_view value, size_t max_page_bytes);

  size_t size() const { return entry_offsets_.size(); }
  // The dictionary page body: the values PLAIN-encoded (4-byte little-endian
  // length, then the bytes), in index order.
  const ByteBuffer& page() const { return page_; }
  void Clear();

 private:
  static constexpr size_t kInitialSlots = 1024;
  struct Slot {
    uint32_t entry_plus_one = 0;  // 0: empty
    uint32_t hash_tag = 0;        // low bits of the hash, to skip most comparisons
  };

  std::string_view Entry(size_t entry_idx) const;
  void Rehash(size_t slot_count);

  std::vector<Slot> slots_;
  ByteBuffer page_;
  std::vector<uint64_t> entry_offsets_;  // where each value's bytes start in page_
  std::vector<uint64_t> entry_hashes_;
  size_t mask_ = 0;
  int shift_ = 64;
};

}  // namespace sluice::parquet
