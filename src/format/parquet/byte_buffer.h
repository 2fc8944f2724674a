// ByteBuffer: a growable byte array that, unlike std::string, does not
// zero the bytes it grows by, so encoders can reserve room and write
// values in place. Plus the little-endian and ULEB128 helpers the Parquet
// encoder uses to fill it.
//
// Parquet stores numbers little-endian; the encoder assumes a
// little-endian host (checked at compile time).
//
// Not thread-safe; a buffer belongs to one writer.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string_view>
#include <vector>

namespace sluice::parquet {

static_assert(std::endian::native == std::endian::little, "the Parquet encoder assumes a little-endian host");

class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(ByteBuffer&&) = default;
  ByteBuffer& operator=(ByteBuffer&&) = default;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return std::string_view(reinterpret_cast<const char*>(data_.get()), size_); }

  // Ensures room for `bytes` more bytes without reallocation.
  void Reserve(size_t bytes) {
    if (size_ + bytes > capacity_) Grow(size_ + bytes);
  }
  // Grows the buffer by `bytes` uninitialized bytes and returns where they start.
  uint8_t* Extend(size_t bytes) {
    Reserve(bytes);
    uint8_t* position = data_.get() + size_;
    size_ += bytes;
    return position;
  }
  void Append(const void* bytes, size_t count) {
    if (count == 0) return;
    std::memcpy(Extend(count), bytes, count);
  }
  void Append(std::string_view bytes) { Append(bytes.data(), bytes.size()); }
  void PushBack(uint8_t byte) {
    Reserve(1);
    data_[size_++] = byte;
  }
  // REQUIRES: size <= size(). Drops bytes from the end.
  void Truncate(size_t size) { size_ = std::min(size, size_); }
  // Empties the buffer, keeping its allocation.
  void Clear() { size_ = 0; }

 private:
  void Grow(size_t min_capacity) {
    size_t new_capacity = std::max<size_t>({min_capacity, capacity_ * 2, 64});
    auto new_data = std::make_unique_for_overwrite<uint8_t[]>(new_capacity);
    if (size_ > 0) std::memcpy(new_data.get(), data_.get(), size_);
    data_ = std::move(new_data);
    capacity_ = new_capacity;
  }

  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// An append-only byte sequence kept in blocks that never move, so growing
// copies nothing already written (a column chunk's pages, which can reach
// tens of MiB). Blocks grow from 64 KiB to 1 MiB (or one page, if larger)
// and are kept by Clear() for the next chunk.
class BlockBuffer {
 public:
  // Appends `parts`, contiguous within one block.
  void Append(std::initializer_list<std::string_view> parts) {
    size_t bytes = 0;
    for (std::string_view part : parts) bytes += part.size();
    ByteBuffer* block = Room(bytes);
    for (std::string_view part : parts) block->Append(part);
    size_ += bytes;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The blocks holding the bytes, in order.
  size_t block_count() const { return blocks_.empty() ? 0 : active_ + 1; }
  std::string_view block(size_t block_idx) const { return blocks_[block_idx].view(); }
  // Bytes allocated, kept blocks included.
  size_t capacity() const {
    size_t bytes = 0;
    for (const ByteBuffer& block : blocks_) bytes += block.capacity();
    return bytes;
  }
  void Clear() {
    for (ByteBuffer& block : blocks_) block.Clear();
    active_ = 0;
    size_ = 0;
  }

 private:
  static constexpr size_t kFirstBlockBytes = 64 << 10;
  static constexpr size_t kMaxBlockBytes = 1 << 20;

  ByteBuffer* Room(size_t bytes) {
    if (!blocks_.empty()) {
      ByteBuffer& active = blocks_[active_];
      if (active.capacity() - active.size() >= bytes) return &active;
      if (active.empty()) {  // the first block of a chunk, too small: replace it rather than leave it unused
        active = ByteBuffer();
        active.Reserve(bytes);
        return &active;
      }
    }
    size_t next = blocks_.empty() ? 0 : active_ + 1;
    if (next == blocks_.size()) {
      size_t block_bytes = next == 0 ? kFirstBlockBytes : std::min(blocks_[next - 1].capacity() * 2, kMaxBlockBytes);
      blocks_.emplace_back().Reserve(std::max(block_bytes, bytes));
    } else if (blocks_[next].capacity() < bytes) {
      // A block kept from an earlier chunk is too small for this part:
      // replace it with one of exactly the size needed, so the blocks never
      // outnumber what the largest chunk needed and none is doubled.
      blocks_[next] = ByteBuffer();
      blocks_[next].Reserve(bytes);
    }
    active_ = next;
    return &blocks_[active_];
  }

  std::vector<ByteBuffer> blocks_;
  size_t active_ = 0;  // the block being filled
  size_t size_ = 0;
};

// Stores `value` little-endian at `out` (sizeof(T) bytes).
template <typename T>
inline void StoreLittleEndian(T value, uint8_t* out) {
  std::memcpy(out, &value, sizeof(T));
}

template <typename T>
inline void AppendLittleEndian(T value, ByteBuffer* out) {
  StoreLittleEndian(value, out->Extend(sizeof(T)));
}

// Appends `value` as an unsigned LEB128 varint (7 bits a byte, low first).
// Works with ByteBuffer and std::string.
template <typename Buffer>
inline void AppendUleb128(uint64_t value, Buffer* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

template <>
inline void AppendUleb128<ByteBuffer>(uint64_t value, ByteBuffer* out) {
  out->Reserve(10);
  while (value >= 0x80) {
    out->PushBack(static_cast<uint8_t>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->PushBack(static_cast<uint8_t>(value));
}

}  // namespace sluice::parquet
