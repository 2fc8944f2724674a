// MemoryStore: the conformance suite, and the fault injection crash tests rely on.
#include "store/memory/memory_store.h"

#include <gmock/gmock.h>

#include <fstream>

#include "object_store_conformance.h"

namespace sluice::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class MemoryBackend final : public conformance::StoreBackend {
 public:
  explicit MemoryBackend(MemoryStore::VersionScheme scheme) : store_("test", scheme), scheme_(scheme) {}
  ObjectStore& store() override { return store_; }
  std::unique_ptr<ObjectStore> OpenAnother() override { return nullptr; }
  bool SharedAcrossProcesses() const override { return false; }
  std::vector<std::string> LeftoverTemporaries() override { return {}; }
  bool VersionsByContent() const override { return scheme_ == MemoryStore::VersionScheme::kContentHash; }

 private:
  MemoryStore store_;
  MemoryStore::VersionScheme scheme_;
};

std::unique_ptr<conformance::StoreBackend> MakeMemoryBackend() {
  return std::make_unique<MemoryBackend>(MemoryStore::VersionScheme::kCounter);
}
// Versions as S3 gives them (ETag: a digest of the bytes).
std::unique_ptr<conformance::StoreBackend> MakeContentHashMemoryBackend() {
  return std::make_unique<MemoryBackend>(MemoryStore::VersionScheme::kContentHash);
}

SLUICE_STORE_CONFORMANCE(Memory, MakeMemoryBackend);
INSTANTIATE_TEST_SUITE_P(MemoryContentHash, ObjectStoreConformance,
                         ::testing::Values(conformance::BackendParam{"MemoryContentHash",
                                                                     MakeContentHashMemoryBackend}));

TEST(MemoryStore, FaultsCanBeInjectedIntoRangedAndStreamingReads) {
  MemoryStore store;
  ASSERT_TRUE(store.Put("f.parquet", "0123456789").has_value());
  store.FailNext(StoreOperation::kGetRange, Unavailable("connection reset"));
  EXPECT_EQ(store.GetRange("f.parquet", 2, 3).error(), Unavailable("connection reset"));
  EXPECT_EQ(store.GetRange("f.parquet", 2, 3)->data, "234");
  store.FailNext(StoreOperation::kOpenRead, Unavailable("timed out"));
  EXPECT_EQ(store.OpenRead("f.parquet").error(), Unavailable("timed out"));
  Result<std::unique_ptr<ObjectReader>> reader = store.OpenRead("f.parquet");
  ASSERT_TRUE(reader.has_value());
  char buffer[4];
  ASSERT_EQ((*reader)->Read(buffer, 4).value_or(0), 4u);
  // The connection drops mid-stream: the second piece fails, then reading goes on.
  store.InjectFault(FaultRule{.operation = StoreOperation::kRead, .key_contains = "f.parquet",
                              .status = Unavailable("connection dropped")});
  EXPECT_EQ((*reader)->Read(buffer, 4).error(), Unavailable("connection dropped"));
  ASSERT_EQ((*reader)->Read(buffer, 4).value_or(0), 4u);
  EXPECT_EQ(std::string(buffer, 4), "4567");
  EXPECT_EQ(store.CallCount(StoreOperation::kRead), 3);
  EXPECT_EQ(store.CallCount(StoreOperation::kGetRange), 2);
}

TEST(MemoryStore, ContentHashVersionsRepeatForIdenticalBytesAsS3ETagsDo) {
  MemoryStore store("s3-like", MemoryStore::VersionScheme::kContentHash);
  Result<ObjectInfo> a = store.Put("w.json", "A");
  Result<ObjectInfo> b = store.Put("w.json", "B");
  Result<ObjectInfo> again = store.Put("w.json", "A");
  ASSERT_TRUE(a.has_value() && b.has_value() && again.has_value());
  EXPECT_NE(a->version, b->version);
  EXPECT_EQ(a->version, again->version);
  EXPECT_EQ(store.Put("other.json", "A")->version, a->version);
}

TEST(MemoryStore, FailNextFailsOneCallAndChangesNothing) {
  MemoryStore store;
  store.FailNext(StoreOperation::kPut, Unavailable("network down"));
  Result<ObjectInfo> failed = store.Put("a", "1");
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error(), Unavailable("network down"));
  EXPECT_TRUE(store.Contents().empty());
  EXPECT_TRUE(store.Put("a", "1").has_value());
  EXPECT_EQ(store.CallCount(StoreOperation::kPut), 2);
}

TEST(MemoryStore, FailNthCountsOnlyCallsOfThatOperation) {
  MemoryStore store;
  store.FailNth(StoreOperation::kPutFile, 2, IoError("disk full"));
  ASSERT_TRUE(store.Put("w.json", "{}").has_value());  // other operations do not count
  conformance::ScratchDirectory scratch;
  std::string spool = scratch.path() + "/spool";
  { std::ofstream(spool) << "rows"; }
  EXPECT_TRUE(store.PutFile("f1", spool).has_value());
  Result<ObjectInfo> second = store.PutFile("f2", spool);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), StatusCode::kIoError);
  EXPECT_TRUE(store.PutFile("f3", spool).has_value());
  EXPECT_EQ(store.Contents().count("f2"), 0u);
  EXPECT_EQ(store.Contents().at("f3"), "rows");
}

TEST(MemoryStore, FailNextAfterWriteLandsTheWriteButReportsFailure) {
  MemoryStore store;
  Result<ObjectInfo> first = store.Put("w.json", "v1");
  ASSERT_TRUE(first.has_value());
  store.FailNextAfterWrite(StoreOperation::kPut, Unavailable("connection reset"));
  Result<ObjectInfo> ambiguous = store.Put("w.json", "v2", conformance::IfVersion(first->version));
  ASSERT_FALSE(ambiguous.has_value());
  EXPECT_EQ(ambiguous.error().code(), StatusCode::kUnavailable);
  // Visible, and a retry of the same compare-and-swap now conflicts: the caller must re-read.
  EXPECT_EQ(store.Get("w.json")->data, "v2");
  Result<ObjectInfo> retry = store.Put("w.json", "v2", conformance::IfVersion(first->version));
  EXPECT_EQ(retry.error().code(), StatusCode::kConflict);
}

TEST(MemoryStore, AnAfterWriteFaultOnAFailingConditionStillChangesNothing) {
  MemoryStore store;
  ASSERT_TRUE(store.Put("k", "v1").has_value());
  store.FailNextAfterWrite(StoreOperation::kPut, Unavailable("lost"));
  Result<ObjectInfo> put = store.Put("k", "v2", conformance::IfAbsent());
  EXPECT_EQ(put.error().code(), StatusCode::kConflict);
  EXPECT_EQ(store.Get("k")->data, "v1");
}

TEST(MemoryStore, FaultRulesCanTargetKeysAndLastForever) {
  MemoryStore store;
  FaultRule rule;
  rule.operation = StoreOperation::kPut;
  rule.key_contains = "watermarks/";
  rule.skip_calls = 1;
  rule.fail_calls = FaultRule::kForever;
  rule.status = Unavailable("throttled");
  store.InjectFault(rule);
  EXPECT_TRUE(store.Put("watermarks/p/t.json", "1").has_value());  // skipped
  for (int attempt = 0; attempt < 3; ++attempt) {
    EXPECT_EQ(store.Put("watermarks/p/t.json", "2").error().code(), StatusCode::kUnavailable);
  }
  EXPECT_TRUE(store.Put("incremental/data.parquet", "rows").has_value());
  store.ClearFaults();
  EXPECT_TRUE(store.Put("watermarks/p/t.json", "3").has_value());
}

TEST(MemoryStore, ReadAndDeleteFaults) {
  MemoryStore store;
  ASSERT_TRUE(store.Put("a", "1").has_value());
  store.FailNext(StoreOperation::kGet, Unavailable("get"));
  store.FailNext(StoreOperation::kHead, Unavailable("head"));
  store.FailNext(StoreOperation::kList, Unavailable("list"));
  store.FailNext(StoreOperation::kDelete, Unavailable("delete"));
  EXPECT_EQ(store.Get("a").error(), Unavailable("get"));
  EXPECT_EQ(store.Head("a").error(), Unavailable("head"));
  EXPECT_EQ(store.List("").error(), Unavailable("list"));
  EXPECT_EQ(store.Delete("a"), Unavailable("delete"));
  EXPECT_EQ(store.Contents().size(), 1u);
  store.FailNextAfterWrite(StoreOperation::kDelete, Unavailable("after delete"));
  EXPECT_EQ(store.Delete("a"), Unavailable("after delete"));
  EXPECT_TRUE(store.Contents().empty());
}

TEST(MemoryStore, HookLetsAnotherWriterActBetweenTwoCalls) {
  MemoryStore store;
  Result<ObjectInfo> first = store.Put("lease.json", "mine");
  ASSERT_TRUE(first.has_value());
  std::vector<std::string> seen;
  store.SetHook([&](StoreOperation operation, const std::string& key) {
    seen.push_back(std::string(ToString(operation)) + " " + key);
    if (operation == StoreOperation::kPut) {
      EXPECT_TRUE(store.Put(key, "stolen").has_value());  // runs without re-entering the hook
    }
  });
  Result<ObjectInfo> renewed = store.Put("lease.json", "mine again", conformance::IfVersion(first->version));
  EXPECT_EQ(renewed.error().code(), StatusCode::kConflict);
  EXPECT_THAT(renewed.error().message(), HasSubstr("lease.json"));
  store.SetHook(nullptr);
  EXPECT_EQ(store.Get("lease.json")->data, "stolen");
  EXPECT_THAT(seen, ElementsAre("put lease.json"));
}

TEST(MemoryStore, VersionsAreNeverReusedAfterDelete) {
  MemoryStore store;
  Result<ObjectInfo> first = store.Put("k", "same");
  ASSERT_TRUE(store.Delete("k").ok());
  Result<ObjectInfo> second = store.Put("k", "same");
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_NE(first->version, second->version);
  EXPECT_EQ(store.Locate("k"), "memory://test/k");
}

}  // namespace
}  // namespace sluice::store
