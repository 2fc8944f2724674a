// Compressor: compresses Parquet pages with the file's codec (raw snappy
// blocks, zstd frames, or a plain copy), reusing one zstd context.
//
// Not thread-safe: one per FileWriter (a column writer encoding in
// parallel would need its own).
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "format/parquet/byte_buffer.h"
#include "format/parquet/metadata.h"
#include "format/parquet/writer_options.h"

namespace sluice::parquet {

class Compressor {
 public:
  // InvalidArgument for a zstd level outside zstd's range.
  static Result<std::unique_ptr<Compressor>> Make(Compression compression, int zstd_level);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  Compression compression() const { return compression_; }
  CompressionCodec codec() const;
  // Appends the compressed form of `input` to `out`.
  Status Compress(std::string_view input, ByteBuffer* out);

 private:
  explicit Compressor(Compression compression);

  Compression compression_;
  struct ZstdContext;
  std::unique_ptr<ZstdContext> zstd_;
};

}  // namespace sluice::parquet
