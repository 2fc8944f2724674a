#include "format/parquet/dictionary.h"

#include <algorithm>

namespace sluice::parquet {
namespace {

inline uint64_t Load64(const uint8_t* data) {
  uint64_t word;
  std::memcpy(&word, data, 8);
  return word;
}

inline uint64_t Mix(uint64_t state, uint64_t word) {
  state = (state ^ word) * 0xBF58476D1CE4E5B9ULL;
  return state ^ (state >> 31);
}

}  // namespace

uint64_t HashBytes(const uint8_t* data, size_t size) {
  uint64_t state = kHashMultiplier ^ (size * 0x94D049BB133111EBULL);
  if (size >= 8) {
    size_t word_end = size - 8;
    for (size_t position = 0; position < word_end; position += 8) state = Mix(state, Load64(data + position));
    state = Mix(state, Load64(data + word_end));  // the last 8 bytes, possibly overlapping
  } else if (size >= 4) {
    uint32_t head;
    uint32_t tail;
    std::memcpy(&head, data, 4);
    std::memcpy(&tail, data + size - 4, 4);
    state = Mix(state, (static_cast<uint64_t>(head) << 32) | tail);
  } else if (size > 0) {
    uint64_t word =
        (static_cast<uint64_t>(data[0]) << 16) | (static_cast<uint64_t>(data[size / 2]) << 8) | data[size - 1];
    state = Mix(state, word);
  }
  state ^= state >> 29;
  return state * kHashMultiplier;
}

std::string_view ByteArrayDictionary::Entry(size_t entry_idx) const {
  uint64_t offset = entry_offsets_[entry_idx];
  uint32_t length;
  std::memcpy(&length, page_.data() + offset - 4, 4);
  return std::string_view(reinterpret_cast<const char*>(page_.data() + offset), length);
}

int64_t ByteArrayDictionary::FindOrInsert(std::string_view value, size_t max_page_bytes) {
  uint64_t hash = HashBytes(reinterpret_cast<const uint8_t*>(value.data()), value.size());
  uint32_t hash_tag = static_cast<uint32_t>(hash);
  size_t slot_idx = hash >> shift_;
  while (true) {
    const Slot& slot = slots_[slot_idx];
    if (slot.entry_plus_one == 0) break;
    if (slot.hash_tag == hash_tag && Entry(slot.entry_plus_one - 1) == value) return slot.entry_plus_one - 1;
    slot_idx = (slot_idx + 1) & mask_;
  }
  if (page_.size() + 4 + value.size() > max_page_bytes) return -1;
  AppendLittleEndian(static_cast<uint32_t>(value.size()), &page_);
  entry_offsets_.push_back(page_.size());
  entry_hashes_.push_back(hash);
  page_.Append(value);
  slots_[slot_idx] = Slot{static_cast<uint32_t>(entry_offsets_.size()), hash_tag};
  if (entry_offsets_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
  return static_cast<int64_t>(entry_offsets_.size() - 1);
}

void ByteArrayDictionary::Clear() {
  page_.Clear();
  entry_offsets_.clear();
  entry_hashes_.clear();
  if (slots_.size() > kInitialSlots * 16) {
    Rehash(kInitialSlots);  // a large table from a high-cardinality chunk is not kept
  } else {
    std::fill(slots_.begin(), slots_.end(), Slot{});
  }
}

void ByteArrayDictionary::Rehash(size_t slot_count) {
  slots_.assign(slot_count, Slot{});
  mask_ = slot_count - 1;
  shift_ = 64 - __builtin_ctzll(slot_count);
  for (size_t entry_idx = 0; entry_idx < entry_hashes_.size(); ++entry_idx) {
    uint64_t hash = entry_hashes_[entry_idx];
    size_t slot_idx = hash >> shift_;
    while (slots_[slot_idx].entry_plus_one != 0) slot_idx = (slot_idx + 1) & mask_;
    slots_[slot_idx] = Slot{static_cast<uint32_t>(entry_idx + 1), static_cast<uint32_t>(hash)};
  }
}

}  // namespace sluice::parquet
