// LocalStore: the conformance suite, and what only a directory has (paths,
// temporary and lock files, empty folders, inode reuse), and OpenStore.
#include "store/local/local_store.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "connect/open.h"
#include "object_store_conformance.h"

namespace sluice::store {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Every ".sluice-tmp-*" file under `root`.
std::vector<std::string> TemporariesUnder(const std::string& root) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().filename().string().starts_with(".sluice-tmp-")) found.push_back(entry.path().string());
  }
  return found;
}

config::StoreConfig LocalConfig(std::string name, std::string prefix) {
  config::StoreConfig config;
  config.name = std::move(name);
  config.type = config::StoreType::kLocal;
  config.prefix = std::move(prefix);
  return config;
}

class LocalBackend final : public conformance::StoreBackend {
 public:
  LocalBackend() : store_(*LocalStore::OpenDirectory(scratch_.path() + "/root")) {}
  ObjectStore& store() override { return *store_; }
  std::unique_ptr<ObjectStore> OpenAnother() override {
    Result<std::unique_ptr<LocalStore>> other = LocalStore::OpenDirectory(store_->root());
    return other.has_value() ? std::move(*other) : nullptr;
  }
  bool SharedAcrossProcesses() const override { return true; }
  std::vector<std::string> LeftoverTemporaries() override { return TemporariesUnder(store_->root()); }

 private:
  conformance::ScratchDirectory scratch_;
  std::unique_ptr<LocalStore> store_;
};

std::unique_ptr<conformance::StoreBackend> MakeLocalBackend() { return std::make_unique<LocalBackend>(); }

SLUICE_STORE_CONFORMANCE(Local, MakeLocalBackend);
SLUICE_STORE_PROCESS_CONFORMANCE(Local, MakeLocalBackend);

class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<LocalStore>> opened = LocalStore::OpenDirectory(scratch_.path() + "/stage");
    ASSERT_TRUE(opened.has_value()) << opened.status().ToString();
    store_ = std::move(*opened);
  }
  std::string Root() const { return store_->root(); }

  conformance::ScratchDirectory scratch_;
  std::unique_ptr<LocalStore> store_;
};

TEST_F(LocalStoreTest, ObjectsAreFilesUnderTheRootAndLocateGivesTheirAbsolutePath) {
  ASSERT_TRUE(store_->Put("incremental/year=2025/x.parquet", "PAR1").has_value());
  std::string path = store_->Locate("incremental/year=2025/x.parquet");
  EXPECT_EQ(path, Root() + "/incremental/year=2025/x.parquet");
  EXPECT_TRUE(fs::path(path).is_absolute());
  std::ifstream in(path);
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(contents, "PAR1");
  EXPECT_EQ(store_->Describe(), "local directory " + Root());
}

TEST_F(LocalStoreTest, OpenJoinsPathAndPrefixAndResolvesRelativePaths) {
  config::StoreConfig config = LocalConfig("local_stage", "/sluice/qa/");
  config.path = fs::relative(scratch_.path() + "/rel").string();
  Result<std::unique_ptr<LocalStore>> opened = LocalStore::Open(config);
  ASSERT_TRUE(opened.has_value()) << opened.status().ToString();
  EXPECT_EQ((*opened)->root(), fs::absolute(scratch_.path() + "/rel/sluice/qa").lexically_normal().string());
  ASSERT_TRUE((*opened)->Put("x.json", "{}").has_value());
  EXPECT_TRUE(fs::is_regular_file((*opened)->root() + "/x.json"));
}

// Opening, reading and deleting leave the filesystem alone (a dry run, or
// `status` on a fresh project); the first write makes the directories.
TEST_F(LocalStoreTest, OnlyAWriteCreatesTheRootDirectory) {
  std::string root = scratch_.path() + "/fresh/stage";
  Result<std::unique_ptr<LocalStore>> opened = LocalStore::OpenDirectory(root);
  ASSERT_TRUE(opened.has_value()) << opened.status().ToString();
  LocalStore& store = **opened;
  Result<std::vector<ObjectInfo>> listed = store.List("watermarks/");
  ASSERT_TRUE(listed.has_value()) << listed.status().ToString();
  EXPECT_TRUE(listed->empty());
  Result<std::optional<ObjectInfo>> head = store.Head("watermarks/p/t.json");
  ASSERT_TRUE(head.has_value());
  EXPECT_FALSE(head->has_value());
  EXPECT_EQ(store.Get("watermarks/p/t.json").error().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store.Delete("watermarks/p/t.json").ok());
  EXPECT_FALSE(fs::exists(scratch_.path() + "/fresh")) << "reading the store created its directory";
  ASSERT_TRUE(store.Put("watermarks/p/t.json", "{}", PutCondition{.if_absent = true}).has_value());
  EXPECT_TRUE(fs::is_regular_file(root + "/watermarks/p/t.json"));
}

TEST_F(LocalStoreTest, OpeningAFileAsTheRootSaysItIsAFile) {
  std::string file = scratch_.path() + "/not_a_directory";
  std::ofstream(file) << "x";
  Result<std::unique_ptr<LocalStore>> opened = LocalStore::OpenDirectory(file);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(opened.error().message(), HasSubstr("is a file"));
}

TEST_F(LocalStoreTest, OpenRejectsAMissingPathAndAnEscapingPrefix) {
  config::StoreConfig no_path = LocalConfig("s", "");
  Result<std::unique_ptr<LocalStore>> missing = LocalStore::Open(no_path);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.error().message(), HasSubstr("path"));
  config::StoreConfig escaping = LocalConfig("s", "../outside");
  escaping.path = scratch_.path();
  EXPECT_EQ(LocalStore::Open(escaping).error().code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalStoreTest, FailedWritesLeaveNoTemporaryFile) {
  ASSERT_TRUE(store_->Put("a/b.json", "x").has_value());
  // Conflicts are decided after the temporary file is written.
  EXPECT_EQ(store_->Put("a/b.json", "y", conformance::IfAbsent()).error().code(), StatusCode::kConflict);
  // A key that is a folder of other keys.
  Result<ObjectInfo> over_folder = store_->Put("a", "y");
  ASSERT_FALSE(over_folder.has_value());
  EXPECT_EQ(over_folder.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(over_folder.error().message(), HasSubstr("'a'"));
  // A key below an object.
  EXPECT_FALSE(store_->Put("a/b.json/c", "y").has_value());
  // A spool file that cannot be read.
  EXPECT_EQ(store_->PutFile("a/c.parquet", scratch_.path() + "/missing").error().code(), StatusCode::kNotFound);
  EXPECT_FALSE(store_->PutFile("a/c.parquet", scratch_.path()).has_value());  // a directory
  EXPECT_THAT(TemporariesUnder(Root()), IsEmpty());
  EXPECT_EQ(store_->Get("a/b.json")->data, "x");
}

TEST_F(LocalStoreTest, ListSkipsTemporaryAndLockFiles) {
  ASSERT_TRUE(store_->Put("w/p/t.json", "{}").has_value());
  { std::ofstream(Root() + "/w/p/.sluice-tmp-999-1") << "partial"; }
  fs::create_directories(Root() + "/w/.sluice-tmp-dir");
  { std::ofstream(Root() + "/w/.sluice-tmp-dir/x.json") << "{}"; }
  EXPECT_TRUE(fs::exists(Root() + "/.sluice-lock"));
  Result<std::vector<ObjectInfo>> listed = store_->List("");
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, "w/p/t.json");
  EXPECT_FALSE(store_->Head(".sluice-lock").has_value());  // reserved: not a key
}

TEST_F(LocalStoreTest, DeleteRemovesEmptyFoldersUpToTheRoot) {
  ASSERT_TRUE(store_->Put("a/b/c/d.json", "1").has_value());
  ASSERT_TRUE(store_->Put("a/x.json", "2").has_value());
  ASSERT_TRUE(store_->Delete("a/b/c/d.json").ok());
  EXPECT_FALSE(fs::exists(Root() + "/a/b"));
  EXPECT_TRUE(fs::exists(Root() + "/a/x.json"));
  ASSERT_TRUE(store_->Delete("a/x.json").ok());
  EXPECT_FALSE(fs::exists(Root() + "/a"));
  EXPECT_TRUE(fs::is_directory(Root()));
  EXPECT_TRUE(store_->Delete("a").ok());
}

TEST_F(LocalStoreTest, DeletingAFolderNameDeletesNothing) {
  ASSERT_TRUE(store_->Put("f/x.json", "1").has_value());
  EXPECT_TRUE(store_->Delete("f").ok());
  EXPECT_TRUE(store_->Head("f/x.json")->has_value());
}

TEST_F(LocalStoreTest, VersionsAreNeverReusedEvenWhenTheFilesystemReusesInodes) {
  // ext4 hands a freed inode to the next file at once and keeps mtimes per
  // clock tick: A, B, C of one size can give C the inode and mtime of A.
  // A writer still holding A's version must lose all the same.
  std::set<std::string> versions;
  for (int round = 0; round < 50; ++round) {
    Result<ObjectInfo> a = store_->Put("lease.json", "holder=A");
    Result<ObjectInfo> b = store_->Put("lease.json", "holder=B");
    Result<ObjectInfo> c = store_->Put("lease.json", "holder=C");
    ASSERT_TRUE(a.has_value() && b.has_value() && c.has_value());
    for (const std::string& version : {a->version, b->version, c->version}) {
      EXPECT_TRUE(versions.insert(version).second) << "version " << version << " reused in round " << round;
    }
    Result<ObjectInfo> stale = store_->Put("lease.json", "holder=D", conformance::IfVersion(a->version));
    ASSERT_FALSE(stale.has_value()) << "round " << round;
    EXPECT_EQ(stale.error().code(), StatusCode::kConflict);
  }
}

TEST_F(LocalStoreTest, EveryWriteIsStampedLaterThanAnyWriteBefore) {
  // The mechanism behind the test above, made deterministic: push the
  // current file's mtime an hour ahead; the next writes must land after it,
  // for this key and (through the lock file's high-water mark) for others.
  ASSERT_TRUE(store_->Put("w/doc.json", "1").has_value());
  int64_t hour_ahead_micros = (*store_->Head("w/doc.json"))->modified_micros + 3600LL * 1000000;
  struct timespec times[2] = {{0, UTIME_OMIT}, {hour_ahead_micros / 1000000, (hour_ahead_micros % 1000000) * 1000}};
  ASSERT_EQ(::utimensat(AT_FDCWD, store_->Locate("w/doc.json").c_str(), times, 0), 0);
  Result<ObjectInfo> replaced = store_->Put("w/doc.json", "2");
  ASSERT_TRUE(replaced.has_value());
  EXPECT_GT(replaced->modified_micros, hour_ahead_micros - 1);
  Result<ObjectInfo> other = store_->Put("w/other.json", "3");
  ASSERT_TRUE(other.has_value());
  EXPECT_GT(other->modified_micros, replaced->modified_micros - 1);
  EXPECT_NE(other->version, replaced->version);
}

TEST_F(LocalStoreTest, VersionsSurviveReopeningTheStore) {
  Result<ObjectInfo> put = store_->Put("w.json", "1");
  ASSERT_TRUE(put.has_value());
  Result<std::unique_ptr<LocalStore>> reopened = LocalStore::OpenDirectory(Root());
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ((*reopened)->Get("w.json")->version, put->version);
  EXPECT_TRUE((*reopened)->Put("w.json", "2", conformance::IfVersion(put->version)).has_value());
}

TEST(OpenStore, OpensALocalStoreAndRefusesS3ForNow) {
  conformance::ScratchDirectory scratch;
  config::StoreConfig local = LocalConfig("local_stage", "p/");
  local.path = scratch.path();
  Result<std::unique_ptr<ObjectStore>> opened = OpenStore(local);
  ASSERT_TRUE(opened.has_value()) << opened.status().ToString();
  EXPECT_EQ((*opened)->Describe(), "local directory " + scratch.path() + "/p");
  config::StoreConfig s3 = LocalConfig("s3_qa", "");
  s3.type = config::StoreType::kS3;
  s3.bucket = "b";
  Result<std::unique_ptr<ObjectStore>> refused = OpenStore(s3);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error(), NotSupported("s3 stores are not supported yet; use a local store (type: local)"));
}

}  // namespace
}  // namespace sluice::store
