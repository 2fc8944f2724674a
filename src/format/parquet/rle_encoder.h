// The RLE / bit-packing hybrid encoding of Parquet (Encodings.md, "RLE"),
// used for definition levels and dictionary indices, and plain bit-packing.
//
//   encoded   := run*
//   run       := rle-run | bit-packed-run
//   rle-run   := ULEB128(count << 1)  value in ceil(bit_width / 8) bytes, little-endian
//   bit-packed-run := ULEB128(groups << 1 | 1)  groups * 8 values packed LSB first
//
// The encoder sees a whole page's values at once: a run of at least eight
// equal values becomes an RLE run, everything between becomes bit-packed
// groups of eight. A bit-packed group must hold eight values, so before an
// RLE run the last group borrows values from the run; only the final group
// of the sequence is padded with zeros (readers stop at the page's value
// count). No length prefix is written; callers add one where the format
// wants it (definition levels in a v1 data page).
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "format/parquet/byte_buffer.h"

namespace sluice::parquet {

// Bits needed to represent `max_value` (0 for 0).
inline int BitWidth(uint64_t max_value) { return max_value == 0 ? 0 : 64 - __builtin_clzll(max_value); }

// Appends the hybrid encoding of `values[0..count)` to `out`.
// REQUIRES: 1 <= bit_width <= 32 and every value < 2^bit_width.
void EncodeRleHybrid(const uint32_t* values, size_t count, int bit_width, ByteBuffer* out);
void EncodeRleHybrid(const uint8_t* values, size_t count, int bit_width, ByteBuffer* out);

// Appends `values[0..count)` packed `bit_width` bits each, LSB first, the
// last byte zero-padded: ceil(count * bit_width / 8) bytes.
// REQUIRES: 1 <= bit_width <= 32 and every value < 2^bit_width.
void BitPack(const uint32_t* values, size_t count, int bit_width, ByteBuffer* out);
void BitPack(const uint8_t* values, size_t count, int bit_width, ByteBuffer* out);

}  // namespace sluice::parquet
