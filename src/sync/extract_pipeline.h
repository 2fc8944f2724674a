// ExtractPipeline: reads on one thread, encodes on another.
//
// A reader thread runs the change-capture planner and the source — query,
// batches, FinishQuery — and hands the caller's thread, in order, each
// batch (with how many of its rows are output) and each safe point (with
// the cursor exact there). The caller encodes and publishes while the next
// batch is being read, so a run costs about max(read, encode), not their sum.
//
// Memory is bounded: at most kBatchesInFlight batches exist; the caller
// gives each back with Recycle() when done with it.
//
// Thread-safety: Next() and Recycle() are called from one (the caller's)
// thread; the source and planner belong to the reader thread until Next()
// returns kEnd or an error, or the pipeline is destroyed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "cdc/planner.h"
#include "source/source.h"

namespace sluice::sync {

struct ExtractItem {
  enum class Kind { kBatch, kSafePoint, kEnd };
  Kind kind = Kind::kEnd;
  std::unique_ptr<ColumnBatch> batch;  // kBatch
  size_t rows_kept = 0;                // kBatch: the first rows_kept rows are output
  std::optional<double> progress;      // kBatch: planner's estimate after it
  Cursor cursor;                       // kSafePoint: exact after every row handed over so far
  int64_t zero_dates_nulled = 0;       // kSafePoint: by the query that just ended
};

class ExtractPipeline {
 public:
  static constexpr size_t kBatchesInFlight = 3;
  // How often Next() checks the stop while it waits for the reader.
  static constexpr std::chrono::milliseconds kStopPollInterval{100};

  // `check_stop` is polled by the reader thread between batches, and by
  // the caller's thread in Next() while the reader waits for the source (so
  // it must be safe to call from both): once it fails there, the source is
  // asked to Interrupt() its statement and the run ends with its status.
  ExtractPipeline(source::Source& source, cdc::ChunkPlanner& planner, SchemaPtr schema,
                  source::ReadOptions read_options, std::function<Status()> check_stop);
  ~ExtractPipeline();  // stops the reader thread and waits for it

  void Start();
  // The next item in order; kEnd after the last. An error of the reader
  // thread (source, planner, stop) is returned here.
  Result<ExtractItem> Next();
  void Recycle(std::unique_ptr<ColumnBatch> batch);

 private:
  void Run();
  Status ReadAll();
  Result<std::unique_ptr<ColumnBatch>> TakeFreeBatch();
  Status Push(ExtractItem item);
  // A safe point after the rows `reader` has given so far; carries the zero dates since the last one.
  Status PushSafePoint(const source::BatchReader& reader, int64_t* zero_dates_reported);

  source::Source& source_;
  cdc::ChunkPlanner& planner_;
  SchemaPtr schema_;
  source::ReadOptions read_options_;
  std::function<Status()> check_stop_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<ExtractItem> ready_;
  std::vector<std::unique_ptr<ColumnBatch>> free_;
  size_t batches_created_ = 0;
  Status reader_status_;
  bool reader_done_ = false;
  std::atomic<bool> interrupted_{false};  // Next() had the source interrupt its statement
  bool stopping_ = false;
  std::thread reader_;
};

}  // namespace sluice::sync
