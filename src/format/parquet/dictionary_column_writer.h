// DictionaryColumnWriter: what the column writers that dictionary-encode
// (fixed-width and byte-array values) share, written once: the open page
// held as PLAIN values or as dictionary indices, how that page is flushed,
// and when a dictionary that does not pay for itself is given up.
//
// A chunk starts dictionary-encoded. Its first dictionary page is the
// trial page (kDictionaryTrialBytes): it fills to the size its values
// would take PLAIN, and if its indices plus the dictionary are not smaller
// than that, the rest of the chunk is written PLAIN. A full dictionary
// (the writer's Write sees FindOrInsert refuse an entry) also falls back
// to PLAIN (ColumnWriter::FallBackToPlain).
//
// The derived writer (CRTP, so the per-value size checks stay inlined)
// encodes values into plain_ or indices_ and adds what each index would
// take PLAIN to page_plain_bytes_; it provides
//   size_t DictionaryEntries() const   entries in its dictionary so far
// and the ColumnWriter hooks that depend on the value type (DictionaryBytes,
// FlushDictionaryPage, ChunkStatistics, ResetValues, which calls ResetPage).
//
// Thread-safety: as ColumnWriter.
#pragma once

#include <vector>

#include "format/parquet/column_writer.h"
#include "format/parquet/rle_encoder.h"

namespace sluice::parquet {

template <typename Derived>
class DictionaryColumnWriter : public ColumnWriter {
 public:
  using ColumnWriter::ColumnWriter;

 protected:
  // The trial page counts at its PLAIN size.
  size_t OpenPageValueBytes() const final {
    if (!use_dictionary_) return plain_.size();
    if (dictionary_data_pages() == 0) return page_plain_bytes_;
    return indices_.size() * static_cast<size_t>(IndexBitWidth(self().DictionaryEntries())) / 8;
  }

  Status FlushPage() final {
    if (page_rows() == 0) return Status::Ok();
    size_t entries = self().DictionaryEntries();
    if (!use_dictionary_ || entries == 0) {
      // A page of only NULLs before any dictionary entry is written PLAIN.
      SLUICE_RETURN_IF_ERROR(EmitDataPage(plain_.view(), Encoding::kPlain));
      plain_.Clear();
      return Status::Ok();
    }
    int bit_width = IndexBitWidth(entries);
    context_->values.Clear();
    context_->values.PushBack(static_cast<uint8_t>(bit_width));
    EncodeRleHybrid(indices_.data(), indices_.size(), bit_width, &context_->values);
    size_t dictionary_encoded_bytes = context_->values.size() + DictionaryBytes();
    SLUICE_RETURN_IF_ERROR(EmitDataPage(context_->values.view(), Encoding::kRleDictionary));
    indices_.clear();
    // After the trial page, give up a dictionary that does not pay for itself.
    if (dictionary_data_pages() == 1 && dictionary_encoded_bytes >= page_plain_bytes_) use_dictionary_ = false;
    page_plain_bytes_ = 0;
    return Status::Ok();
  }

  // Forgets the open page's values (for ResetValues).
  void ResetPage() {
    plain_.Clear();
    indices_.clear();
    page_plain_bytes_ = 0;
  }

  ByteBuffer plain_;               // the open page's PLAIN values
  std::vector<uint32_t> indices_;  // the open page's dictionary indices
  size_t page_plain_bytes_ = 0;    // what the open page's indices would take PLAIN

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
};

}  // namespace sluice::parquet
