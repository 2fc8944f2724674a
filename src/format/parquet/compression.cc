#include "format/parquet/compression.h"

#include <snappy.h>
#include <zstd.h>

namespace sluice::parquet {

struct Compressor::ZstdContext {
  ZSTD_CCtx* context = nullptr;
  ~ZstdContext() { ZSTD_freeCCtx(context); }
};

Compressor::Compressor(Compression compression) : compression_(compression) {}

Result<std::unique_ptr<Compressor>> Compressor::Make(Compression compression, int zstd_level) {
  std::unique_ptr<Compressor> compressor(new Compressor(compression));
  if (compression == Compression::kZstd) {
    if (zstd_level < ZSTD_minCLevel() || zstd_level > ZSTD_maxCLevel()) {
      return InvalidArgument("zstd level {} is outside {}..{}", zstd_level, ZSTD_minCLevel(), ZSTD_maxCLevel());
    }
    compressor->zstd_ = std::make_unique<ZstdContext>();
    compressor->zstd_->context = ZSTD_createCCtx();
    if (compressor->zstd_->context == nullptr) return Internal("cannot create a zstd compression context");
    size_t result = ZSTD_CCtx_setParameter(compressor->zstd_->context, ZSTD_c_compressionLevel, zstd_level);
    if (ZSTD_isError(result)) return InvalidArgument("zstd level {}: {}", zstd_level, ZSTD_getErrorName(result));
  }
  return compressor;
}

Compressor::~Compressor() = default;

CompressionCodec Compressor::codec() const {
  switch (compression_) {
    case Compression::kNone: return CompressionCodec::kUncompressed;
    case Compression::kSnappy: return CompressionCodec::kSnappy;
    case Compression::kZstd: return CompressionCodec::kZstd;
  }
  return CompressionCodec::kUncompressed;
}

Status Compressor::Compress(std::string_view input, ByteBuffer* out) {
  switch (compression_) {
    case Compression::kNone: out->Append(input); return Status::Ok();
    case Compression::kSnappy: {
      size_t bound = snappy::MaxCompressedLength(input.size());
      size_t start = out->size();
      char* target = reinterpret_cast<char*>(out->Extend(bound));
      size_t compressed_bytes = 0;
      snappy::RawCompress(input.data(), input.size(), target, &compressed_bytes);
      out->Truncate(start + compressed_bytes);
      return Status::Ok();
    }
    case Compression::kZstd: {
      size_t bound = ZSTD_compressBound(input.size());
      size_t start = out->size();
      uint8_t* target = out->Extend(bound);
      size_t result = ZSTD_compress2(zstd_->context, target, bound, input.data(), input.size());
      if (ZSTD_isError(result)) {
        out->Truncate(start);
        return Internal("zstd compression failed: {}", ZSTD_getErrorName(result));
      }
      out->Truncate(start + result);
      return Status::Ok();
    }
  }
  return Internal("unknown compression");
}

std::string_view CompressionName(Compression compression) {
  switch (compression) {
    case Compression::kNone: return "none";
    case Compression::kSnappy: return "snappy";
    case Compression::kZstd: return "zstd";
  }
  return "unknown";
}

}  // namespace sluice::parquet
