// Conformance: put/get/head/list/delete semantics, keys, and conditional
// writes, for every backend. Concurrency and large objects are in
// object_store_concurrency_test.cc.
#include "object_store_conformance.h"

#include <gmock/gmock.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>

namespace sluice::store::conformance {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> KeysOf(const Result<std::vector<ObjectInfo>>& listed) {
  std::vector<std::string> keys;
  if (!listed.has_value()) {
    ADD_FAILURE() << listed.status().ToString();
    return keys;
  }
  for (const ObjectInfo& info : *listed) keys.push_back(info.key);
  return keys;
}

// Puts each key with its own name as data.
void PutAll(ObjectStore& store, const std::vector<std::string>& keys) {
  for (const std::string& key : keys) ASSERT_TRUE(store.Put(key, key).has_value()) << key;
}

TEST_P(ObjectStoreConformance, PutThenGetReturnsTheDataAndTheSameVersion) {
  Result<ObjectInfo> put = store().Put("docs/a.json", "{\"a\":1}");
  ASSERT_TRUE(put.has_value()) << put.status().ToString();
  EXPECT_EQ(put->key, "docs/a.json");
  EXPECT_EQ(put->size_bytes, 7u);
  EXPECT_FALSE(put->version.empty());
  Result<Object> got = store().Get("docs/a.json");
  ASSERT_TRUE(got.has_value()) << got.status().ToString();
  EXPECT_EQ(got->data, "{\"a\":1}");
  EXPECT_EQ(got->version, put->version);
}

TEST_P(ObjectStoreConformance, GetOfAnAbsentKeyIsNotFoundNamingTheKey) {
  Result<Object> got = store().Get("nothing/here.json");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), StatusCode::kNotFound);
  EXPECT_THAT(got.error().message(), HasSubstr("nothing/here.json"));
}

TEST_P(ObjectStoreConformance, HeadReportsSizeTimeAndVersionOrNothing) {
  Result<ObjectInfo> put = store().Put("h/x.bin", std::string(1000, 'x'));
  ASSERT_TRUE(put.has_value());
  Result<std::optional<ObjectInfo>> head = store().Head("h/x.bin");
  ASSERT_TRUE(head.has_value() && head->has_value());
  EXPECT_EQ((*head)->key, "h/x.bin");
  EXPECT_EQ((*head)->size_bytes, 1000u);
  EXPECT_EQ((*head)->version, put->version);
  EXPECT_GT((*head)->modified_micros, 1600000000LL * 1000000);  // after 2020: a real wall-clock time
  Result<std::optional<ObjectInfo>> absent = store().Head("h/y.bin");
  ASSERT_TRUE(absent.has_value());
  EXPECT_FALSE(absent->has_value());
  // A "folder" of other keys is not an object.
  Result<std::optional<ObjectInfo>> folder = store().Head("h");
  ASSERT_TRUE(folder.has_value());
  EXPECT_FALSE(folder->has_value());
}

TEST_P(ObjectStoreConformance, PutReplacesTheObjectAndChangesItsVersion) {
  Result<ObjectInfo> first = store().Put("k.json", "one");
  Result<ObjectInfo> second = store().Put("k.json", "second");
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_NE(first->version, second->version);
  EXPECT_EQ(store().Get("k.json")->data, "second");
  EXPECT_EQ((*store().Head("k.json"))->size_bytes, 6u);
}

TEST_P(ObjectStoreConformance, EmptyAndBinaryObjectsRoundTrip) {
  std::string binary("\0\x01\xff\n\r\0tail", 9);
  ASSERT_TRUE(store().Put("empty", "").has_value());
  ASSERT_TRUE(store().Put("binary", binary).has_value());
  EXPECT_EQ(store().Get("empty")->data, "");
  EXPECT_EQ((*store().Head("empty"))->size_bytes, 0u);
  EXPECT_EQ(store().Get("binary")->data, binary);
}

TEST_P(ObjectStoreConformance, DeleteRemovesTheObjectAndDeletingAnAbsentKeyIsFine) {
  PutAll(store(), {"d/one", "d/two"});
  ASSERT_TRUE(store().Delete("d/one").ok());
  EXPECT_EQ(store().Get("d/one").error().code(), StatusCode::kNotFound);
  EXPECT_FALSE(store().Head("d/one")->has_value());
  EXPECT_THAT(KeysOf(store().List("d/")), ElementsAre("d/two"));
  EXPECT_TRUE(store().Delete("d/one").ok());
  EXPECT_TRUE(store().Delete("never/existed").ok());
  ASSERT_TRUE(store().Delete("d/two").ok());
  EXPECT_THAT(KeysOf(store().List("")), IsEmpty());
  // The key can be written again after the folder emptied.
  EXPECT_TRUE(store().Put("d/one", "again").has_value());
}

TEST_P(ObjectStoreConformance, ListIsRecursiveAndSortedByKey) {
  PutAll(store(), {"b", "a/b/c/d", "a/bc", "a/b1", "a/b/c0", "a.json", "ab"});
  EXPECT_THAT(KeysOf(store().List("")), ElementsAre("a.json", "a/b/c/d", "a/b/c0", "a/b1", "a/bc", "ab", "b"));
  Result<std::vector<ObjectInfo>> listed = store().List("a/b/");
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, "a/b/c/d");
  EXPECT_EQ((*listed)[0].size_bytes, 7u);
  EXPECT_EQ((*listed)[0].version, (*store().Head("a/b/c/d"))->version);
}

TEST_P(ObjectStoreConformance, ListPrefixMayEndInsideAName) {
  PutAll(store(), {"a/b/c/d", "a/bc", "a/b1", "a/x", "a.json", "ab", "b"});
  EXPECT_THAT(KeysOf(store().List("a")), ElementsAre("a.json", "a/b/c/d", "a/b1", "a/bc", "a/x", "ab"));
  EXPECT_THAT(KeysOf(store().List("a/b")), ElementsAre("a/b/c/d", "a/b1", "a/bc"));
  EXPECT_THAT(KeysOf(store().List("a/b/")), ElementsAre("a/b/c/d"));
  EXPECT_THAT(KeysOf(store().List("a/b/c/d")), ElementsAre("a/b/c/d"));
  EXPECT_THAT(KeysOf(store().List("a/b/c/d/")), IsEmpty());
  EXPECT_THAT(KeysOf(store().List("a/bc/")), IsEmpty());
  EXPECT_THAT(KeysOf(store().List("zzz")), IsEmpty());
  EXPECT_THAT(KeysOf(store().List("missing/folder/")), IsEmpty());
}

TEST_P(ObjectStoreConformance, PartitionKeysWithSpacesUnicodeAndEqualsSignsWork) {
  std::vector<std::string> keys = {
      "incremental/year=2025/month=11/day=28/orders_20251128_140000_abc123_batch_0001.parquet",
      "incremental/year=2025/month=11/table=settlement.orders/x.parquet",
      "with space/file name (1).json",
      "unicode/Zürich/данные/日本.json",
  };
  PutAll(store(), keys);
  for (const std::string& key : keys) {
    Result<Object> got = store().Get(key);
    ASSERT_TRUE(got.has_value()) << key << ": " << got.status().ToString();
    EXPECT_EQ(got->data, key);
  }
  EXPECT_THAT(KeysOf(store().List("incremental/year=2025/mo")), ElementsAre(keys[0], keys[1]));
  EXPECT_THAT(KeysOf(store().List("unicode/Zü")), ElementsAre(keys[3]));
  EXPECT_THAT(KeysOf(store().List("with space/")), ElementsAre(keys[2]));
  EXPECT_NE(store().Locate(keys[2]).find("file name (1).json"), std::string::npos) << store().Locate(keys[2]);
}

TEST_P(ObjectStoreConformance, InvalidKeysAreRejectedNamingTheKey) {
  std::vector<std::string> keys = {"",
                                   "/abs/path",
                                   "a/../b",
                                   "..",
                                   "a/./b",
                                   "a//b",
                                   "trailing/",
                                   "a/.sluice-tmp-1",
                                   std::string("nul\0byte", 8),
                                   "tab\there",
                                   std::string(1100, 'k')};
  for (const std::string& key : keys) {
    SCOPED_TRACE(key);
    Result<ObjectInfo> put = store().Put(key, "x");
    ASSERT_FALSE(put.has_value());
    EXPECT_EQ(put.error().code(), StatusCode::kInvalidArgument);
    if (key.size() < 100) {
      EXPECT_THAT(put.error().message(), HasSubstr("'" + key + "'"));
    }
    EXPECT_EQ(store().Get(key).error().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store().Head(key).error().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store().GetRange(key, 0, 1).error().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store().OpenRead(key).error().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store().Delete(key).code(), StatusCode::kInvalidArgument);
  }
  EXPECT_THAT(KeysOf(store().List("")), IsEmpty());
}

TEST_P(ObjectStoreConformance, InvalidListPrefixesAreRejected) {
  for (std::string prefix : {"/", "/abs", "a//", "../", "a/../b"}) {
    SCOPED_TRACE(prefix);
    Result<std::vector<ObjectInfo>> listed = store().List(prefix);
    ASSERT_FALSE(listed.has_value());
    EXPECT_EQ(listed.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST_P(ObjectStoreConformance, PutIfAbsentCreatesOnlyOnce) {
  PutCondition if_absent = IfAbsent();
  Result<ObjectInfo> created = store().Put("leases/p/t.json", "first", if_absent);
  ASSERT_TRUE(created.has_value()) << created.status().ToString();
  Result<ObjectInfo> again = store().Put("leases/p/t.json", "second", if_absent);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), StatusCode::kConflict);
  EXPECT_THAT(again.error().message(), HasSubstr("leases/p/t.json"));
  EXPECT_EQ(store().Get("leases/p/t.json")->data, "first");
  EXPECT_EQ(store().Get("leases/p/t.json")->version, created->version);
  ASSERT_TRUE(store().Delete("leases/p/t.json").ok());
  EXPECT_TRUE(store().Put("leases/p/t.json", "third", if_absent).has_value());
}

TEST_P(ObjectStoreConformance, PutIfVersionReplacesOnlyThatVersion) {
  Result<ObjectInfo> first = store().Put("w.json", "v1");
  ASSERT_TRUE(first.has_value());
  PutCondition if_first = IfVersion(first->version);
  Result<ObjectInfo> second = store().Put("w.json", "v2", if_first);
  ASSERT_TRUE(second.has_value()) << second.status().ToString();
  EXPECT_NE(second->version, first->version);
  EXPECT_EQ(store().Get("w.json")->data, "v2");
  // The first version is gone: a writer still holding it loses.
  Result<ObjectInfo> stale = store().Put("w.json", "v3", if_first);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code(), StatusCode::kConflict);
  EXPECT_THAT(stale.error().message(), HasSubstr("w.json"));
  EXPECT_EQ(store().Get("w.json")->data, "v2");
  EXPECT_EQ(store().Get("w.json")->version, second->version);
}

TEST_P(ObjectStoreConformance, PutIfVersionOfAnAbsentOrDeletedKeyIsConflict) {
  Result<ObjectInfo> never = store().Put("absent.json", "x", IfVersion("1"));
  ASSERT_FALSE(never.has_value());
  EXPECT_EQ(never.error().code(), StatusCode::kConflict);
  Result<ObjectInfo> put = store().Put("gone.json", "x");
  ASSERT_TRUE(put.has_value());
  ASSERT_TRUE(store().Delete("gone.json").ok());
  Result<ObjectInfo> after_delete = store().Put("gone.json", "y", IfVersion(put->version));
  ASSERT_FALSE(after_delete.has_value());
  EXPECT_EQ(after_delete.error().code(), StatusCode::kConflict);
  EXPECT_FALSE(store().Head("gone.json")->has_value());
}

TEST_P(ObjectStoreConformance, FailedWritesLeaveNoTemporaryObjects) {
  ASSERT_TRUE(store().Put("t/doc.json", "x").has_value());
  EXPECT_FALSE(store().Put("t/doc.json", "y", IfAbsent()).has_value());
  EXPECT_FALSE(store().Put("t/doc.json", "y", IfVersion("no-such-version")).has_value());
  EXPECT_FALSE(store().PutFile("t/file.parquet", "/nonexistent/sluice/spool.parquet").has_value());
  EXPECT_THAT(backend_->LeftoverTemporaries(), IsEmpty());
  EXPECT_THAT(KeysOf(store().List("")), ElementsAre("t/doc.json"));
}

TEST_P(ObjectStoreConformance, GetRangeReadsTheBytesAskedForAndStopsAtTheEnd) {
  std::string data = PatternBytes(1000, 7);
  Result<ObjectInfo> put = store().Put("r/data.bin", data);
  ASSERT_TRUE(put.has_value()) << put.status().ToString();
  struct Range {
    uint64_t offset, length;
    std::string expected;
  };
  for (const Range& range : std::vector<Range>{
           {0, 10, data.substr(0, 10)},          // start
           {500, 100, data.substr(500, 100)},    // middle
           {990, 10, data.substr(990)},          // exactly the end
           {990, 100, data.substr(990)},         // past the end: what there is
           {0, UINT64_MAX, data},                // everything
           {0, 0, ""},                           // nothing asked
           {1000, 5, ""},                        // at the end
           {5000, 1, ""},                        // beyond it
       }) {
    SCOPED_TRACE(::testing::Message() << "offset " << range.offset << " length " << range.length);
    Result<Object> got = store().GetRange("r/data.bin", range.offset, range.length);
    ASSERT_TRUE(got.has_value()) << got.status().ToString();
    EXPECT_EQ(got->data, range.expected);
    EXPECT_EQ(got->version, put->version);
  }
  ASSERT_TRUE(store().Put("r/empty", "").has_value());
  Result<Object> empty = store().GetRange("r/empty", 0, 10);
  ASSERT_TRUE(empty.has_value()) << empty.status().ToString();
  EXPECT_EQ(empty->data, "");
  Result<Object> missing = store().GetRange("r/missing.bin", 0, 10);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.error().message(), HasSubstr("r/missing.bin"));
}

// Reads `reader` to its end, `piece` bytes at a time.
Result<std::string> ReadToEnd(ObjectReader& reader, size_t piece) {
  std::string data;
  std::string buffer(piece, '\0');
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(size_t got, reader.Read(buffer.data(), buffer.size()));
    if (got == 0) return data;
    data.append(buffer.data(), got);
  }
}

TEST_P(ObjectStoreConformance, AReaderReadingInSmallPiecesReproducesTheObject) {
  std::string data = PatternBytes(100003, 11);
  Result<ObjectInfo> put = store().Put("s/data.parquet", data);
  ASSERT_TRUE(put.has_value()) << put.status().ToString();
  for (size_t piece : {size_t{1} << 16, size_t{7}}) {
    SCOPED_TRACE(piece);
    Result<std::unique_ptr<ObjectReader>> reader = store().OpenRead("s/data.parquet");
    ASSERT_TRUE(reader.has_value()) << reader.status().ToString();
    EXPECT_EQ((*reader)->size_bytes(), data.size());
    EXPECT_EQ((*reader)->version(), put->version);
    Result<std::string> read = ReadToEnd(**reader, piece);
    ASSERT_TRUE(read.has_value()) << read.status().ToString();
    EXPECT_TRUE(*read == data) << "read " << read->size() << " bytes of " << data.size();
    char byte;
    EXPECT_EQ((*reader)->Read(&byte, 1).value_or(99), 0u) << "the end stays the end";
  }
  ASSERT_TRUE(store().Put("s/empty", "").has_value());
  Result<std::unique_ptr<ObjectReader>> empty = store().OpenRead("s/empty");
  ASSERT_TRUE(empty.has_value()) << empty.status().ToString();
  EXPECT_EQ((*empty)->size_bytes(), 0u);
  EXPECT_EQ(ReadToEnd(**empty, 16).value_or("error"), "");
}

TEST_P(ObjectStoreConformance, AReaderOfAMissingKeyIsNotFoundNamingTheKey) {
  Result<std::unique_ptr<ObjectReader>> reader = store().OpenRead("s/missing.parquet");
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error().code(), StatusCode::kNotFound);
  EXPECT_THAT(reader.error().message(), HasSubstr("s/missing.parquet"));
  ASSERT_TRUE(store().Put("s/folder/x", "x").has_value());
  EXPECT_EQ(store().OpenRead("s/folder").error().code(), StatusCode::kNotFound) << "a folder is not an object";
  EXPECT_EQ(store().GetRange("s/folder", 0, 1).error().code(), StatusCode::kNotFound);
}

TEST_P(ObjectStoreConformance, AReaderNeverMixesTwoVersions) {
  std::string first = PatternBytes(50000, 1);
  ASSERT_TRUE(store().Put("s/replaced.parquet", first).has_value());
  Result<std::unique_ptr<ObjectReader>> reader = store().OpenRead("s/replaced.parquet");
  ASSERT_TRUE(reader.has_value()) << reader.status().ToString();
  std::string head(100, '\0');
  ASSERT_EQ((*reader)->Read(head.data(), head.size()).value_or(0), 100u);
  ASSERT_TRUE(store().Put("s/replaced.parquet", PatternBytes(60000, 2)).has_value());
  Result<std::string> rest = ReadToEnd(**reader, 4096);
  // The version it opened, whole, or (a store that cannot keep it: S3) Conflict.
  if (rest.has_value()) {
    EXPECT_TRUE(head + *rest == first);
  } else {
    EXPECT_EQ(rest.error().code(), StatusCode::kConflict) << rest.error().ToString();
  }
}

// The watermark and lease documents carry a generation counter that every
// save increments, so no two writes of a document have the same bytes.
std::string Document(const std::string& state, int generation) {
  return fmt::format("{{\"state\": \"{}\", \"generation\": {}}}", state, generation);
}

TEST_P(ObjectStoreConformance, AnIdenticalRewriteCannotFoolACompareAndSwapOfAGenerationCountedDocument) {
  Result<ObjectInfo> a = store().Put("cas/doc.json", Document("A", 1));
  ASSERT_TRUE(a.has_value());
  // Another writer changes the document to B and back to A while we hold version v1 of A.
  ASSERT_TRUE(store().Put("cas/doc.json", Document("B", 2), IfVersion(a->version)).has_value());
  ASSERT_TRUE(store().Put("cas/doc.json", Document("A", 3), IfVersion(store().Get("cas/doc.json")->version)));
  Result<ObjectInfo> stale = store().Put("cas/doc.json", Document("stale", 2), IfVersion(a->version));
  ASSERT_FALSE(stale.has_value()) << "a compare-and-swap against v1 of A won after A was written again";
  EXPECT_EQ(stale.error().code(), StatusCode::kConflict);
  EXPECT_EQ(store().Get("cas/doc.json")->data, Document("A", 3));
}

TEST_P(ObjectStoreConformance, RewritingIdenticalBytesChangesTheVersionUnlessVersionsAreDigests) {
  Result<ObjectInfo> a = store().Put("cas/raw.json", "A");
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(store().Put("cas/raw.json", "B").has_value());
  Result<ObjectInfo> again = store().Put("cas/raw.json", "A");
  ASSERT_TRUE(again.has_value());
  Result<ObjectInfo> stale = store().Put("cas/raw.json", "stale", IfVersion(a->version));
  if (backend_->VersionsByContent()) {
    // S3's ETag: the same bytes are the same version, which is why the
    // documents written with compare-and-swap never repeat their bytes.
    EXPECT_EQ(again->version, a->version);
    EXPECT_TRUE(stale.has_value());
  } else {
    EXPECT_NE(again->version, a->version);
    ASSERT_FALSE(stale.has_value());
    EXPECT_EQ(stale.error().code(), StatusCode::kConflict);
  }
}

TEST_P(ObjectStoreConformance, DescribeAndLocateNameTheStoreAndTheKey) {
  EXPECT_FALSE(store().Describe().empty());
  EXPECT_NE(store().Locate("a/b.parquet").find("a/b.parquet"), std::string::npos);
}

}  // namespace

ScratchDirectory::ScratchDirectory() {
  static std::atomic<int> counter{0};
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = test ? std::string(test->test_suite_name()) + "." + test->name() : "scratch";
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  path_ = (std::filesystem::temp_directory_path() /
           ("sluice_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + name))
              .string();
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

ScratchDirectory::~ScratchDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::vector<int> RunInProcesses(int count, const std::function<int(int index)>& body) {
  int start_pipe[2];
  if (::pipe(start_pipe) != 0) return {};
  std::vector<pid_t> children;
  for (int index = 0; index < count; ++index) {
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(start_pipe[1]);
      char byte;
      while (::read(start_pipe[0], &byte, 1) < 0 && errno == EINTR) {
      }
      ::_exit(body(index));  // _exit: no gtest or sanitizer teardown in the child
    }
    if (pid > 0) children.push_back(pid);
  }
  ::close(start_pipe[0]);
  ::close(start_pipe[1]);  // end of file: every child starts now
  std::vector<int> exit_codes;
  for (pid_t child : children) {
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    exit_codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }
  return exit_codes;
}

std::string PatternBytes(size_t size, uint32_t seed) {
  std::string bytes(size, '\0');
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t offset = 0; offset < size; offset += sizeof(state)) {
    state ^= state << 13;  // xorshift64
    state ^= state >> 7;
    state ^= state << 17;
    std::memcpy(bytes.data() + offset, &state, std::min(sizeof(state), size - offset));
  }
  return bytes;
}

}  // namespace sluice::store::conformance
