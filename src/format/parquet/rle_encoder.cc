#include "format/parquet/rle_encoder.h"

#include <cassert>

namespace sluice::parquet {
namespace {

// A run of this many equal values is worth an RLE run of its own.
constexpr size_t kMinRepeatedRun = 8;
constexpr size_t kGroupValues = 8;

template <typename T>
void BitPackValues(const T* values, size_t count, int bit_width, ByteBuffer* out) {
  size_t byte_count = (count * static_cast<size_t>(bit_width) + 7) / 8;
  uint8_t* output = out->Extend(byte_count);
  if (bit_width == 1) {
    size_t value_idx = 0;
    for (; value_idx + 8 <= count; value_idx += 8) {
      const T* group = values + value_idx;
      *output++ = static_cast<uint8_t>(group[0] | (group[1] << 1) | (group[2] << 2) | (group[3] << 3) |
                                       (group[4] << 4) | (group[5] << 5) | (group[6] << 6) | (group[7] << 7));
    }
    if (value_idx < count) {
      uint8_t byte = 0;
      for (int bit = 0; value_idx < count; ++value_idx, ++bit) byte |= static_cast<uint8_t>(values[value_idx] << bit);
      *output = byte;
    }
    return;
  }
  uint64_t pending = 0;  // bits not yet stored, LSB first
  int pending_bits = 0;
  for (size_t value_idx = 0; value_idx < count; ++value_idx) {
    pending |= static_cast<uint64_t>(values[value_idx]) << pending_bits;
    pending_bits += bit_width;
    if (pending_bits >= 32) {
      StoreLittleEndian(static_cast<uint32_t>(pending), output);
      output += 4;
      pending >>= 32;
      pending_bits -= 32;
    }
  }
  while (pending_bits > 0) {
    *output++ = static_cast<uint8_t>(pending);
    pending >>= 8;
    pending_bits -= 8;
  }
}

template <typename T>
void EmitRleRun(T value, size_t count, int bit_width, ByteBuffer* out) {
  AppendUleb128(static_cast<uint64_t>(count) << 1, out);
  uint32_t wide = value;
  int value_bytes = (bit_width + 7) / 8;
  for (int byte_idx = 0; byte_idx < value_bytes; ++byte_idx)
    out->PushBack(static_cast<uint8_t>(wide >> (8 * byte_idx)));
}

// Emits values[0..count) as bit-packed groups; a partial last group is zero-padded.
template <typename T>
void EmitBitPackedRun(const T* values, size_t count, int bit_width, ByteBuffer* out) {
  size_t groups = (count + kGroupValues - 1) / kGroupValues;
  AppendUleb128((static_cast<uint64_t>(groups) << 1) | 1, out);
  size_t full_count = count / kGroupValues * kGroupValues;
  BitPackValues(values, full_count, bit_width, out);
  if (full_count < count) {
    T last_group[kGroupValues] = {};
    for (size_t value_idx = full_count; value_idx < count; ++value_idx)
      last_group[value_idx - full_count] = values[value_idx];
    BitPackValues(last_group, kGroupValues, bit_width, out);
  }
}

template <typename T>
void Encode(const T* values, size_t count, int bit_width, ByteBuffer* out) {
  assert(bit_width >= 1 && bit_width <= 32);
  size_t literal_begin = 0;  // first value not yet emitted
  size_t run_begin = 0;
  while (run_begin < count) {
    T value = values[run_begin];
    size_t run_end = run_begin + 1;
    while (run_end < count && values[run_end] == value) ++run_end;
    size_t run_count = run_end - run_begin;
    if (run_count >= kMinRepeatedRun) {
      size_t literal_count = run_begin - literal_begin;
      // Values the pending literals borrow from this run to fill their last group.
      size_t borrowed = (kGroupValues - literal_count % kGroupValues) % kGroupValues;
      if (run_count - borrowed >= kMinRepeatedRun) {
        if (literal_count > 0) EmitBitPackedRun(values + literal_begin, literal_count + borrowed, bit_width, out);
        EmitRleRun(value, run_count - borrowed, bit_width, out);
        literal_begin = run_end;
      }
    }
    run_begin = run_end;
  }
  if (literal_begin < count) EmitBitPackedRun(values + literal_begin, count - literal_begin, bit_width, out);
}

}  // namespace

void EncodeRleHybrid(const uint32_t* values, size_t count, int bit_width, ByteBuffer* out) {
  Encode(values, count, bit_width, out);
}

void EncodeRleHybrid(const uint8_t* values, size_t count, int bit_width, ByteBuffer* out) {
  Encode(values, count, bit_width, out);
}

void BitPack(const uint32_t* values, size_t count, int bit_width, ByteBuffer* out) {
  BitPackValues(values, count, bit_width, out);
}

void BitPack(const uint8_t* values, size_t count, int bit_width, ByteBuffer* out) {
  BitPackValues(values, count, bit_width, out);
}

}  // namespace sluice::parquet
