#include "store/backup.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "store/migrations.hpp"
#include "store/settings.hpp"
#include "store/sqlite.hpp"
#include "store/test_support.hpp"

namespace carelive::store {
namespace {

namespace fs = std::filesystem;

const std::string kSecret = std::string(64, 's');

// The embedded store in a temp folder, opened as the server opens it (migrations applied).
class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why_not;
    store_ = testing::TestStore::create("sqlite", why_not);
    dir_ = store_->data_dir();
    db_path_ = (fs::path(dir_) / "carelive.db").string();
    file_ = (fs::path(dir_) / "backup.carelive").string();
  }

  Database& db() { return store_->db(); }
  void set(const std::string& name, const std::string& value) {
    db().with([&](Connection& c) { write_setting(c, name, value); });
  }
  std::optional<std::string> get(Database& d, const std::string& name) {
    return d.with([&](Connection& c) { return read_setting(c, name); });
  }
  // A plain connection on any SQLite file, without migrations.
  static std::unique_ptr<Database> open_file(const std::string& path) {
    return std::make_unique<SqliteDatabase>(path, 1);
  }
  static unsigned mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }

  std::unique_ptr<testing::TestStore> store_;
  std::string dir_, db_path_, file_;
};

TEST_F(BackupTest, CopiesCommittedDataAndTheSecretWhileAWriteIsOpen) {
  set("before", "1");
  // Another connection holds a write transaction (the server in the middle of a request).
  auto writer = db().acquire();
  writer->begin();
  write_setting(*writer, "uncommitted", "1");

  backup_sqlite(db_path_, kSecret, file_);
  writer->commit();

  EXPECT_EQ(mode_of(file_), 0600u);
  EXPECT_FALSE(fs::exists(file_ + "-wal")) << "a backup is one file";
  auto copy = open_file(file_);
  EXPECT_EQ(get(*copy, "before"), "1");
  EXPECT_EQ(get(*copy, "uncommitted"), std::nullopt);
  auto secret = copy->with(
      [](Connection& c) { return c.exec("SELECT secret FROM backup_secret").first().text(0); });
  EXPECT_EQ(secret, kSecret);
}

TEST_F(BackupTest, InspectReadsTheSecretOfAFullAndOfASecretOnlyBackup) {
  set("x", "1");
  backup_sqlite(db_path_, kSecret, file_);
  auto full = inspect_backup(file_);
  EXPECT_TRUE(full.has_data);
  EXPECT_EQ(full.secret, kSecret);

  const std::string secret_only = dir_ + "/secret.carelive";
  backup_secret_only(kSecret, secret_only);
  EXPECT_EQ(mode_of(secret_only), 0600u);
  auto only = inspect_backup(secret_only);
  EXPECT_FALSE(only.has_data);
  EXPECT_EQ(only.secret, kSecret);
}

TEST_F(BackupTest, InspectRefusesFilesThatAreNoBackup) {
  set("x", "1");
  const std::string text = dir_ + "/notes.txt";
  std::ofstream(text) << "not a database at all, but long enough to look like one maybe\n";
  EXPECT_THROW(inspect_backup(text), NotABackup);
  EXPECT_THROW(inspect_backup(dir_ + "/missing.carelive"), NotABackup);
  // The live store itself is a SQLite file, but no backup: it has no secret.
  EXPECT_THROW(inspect_backup(db_path_), NotABackup);
}

TEST_F(BackupTest, InspectRefusesABackupOfANewerSchema) {
  set("x", "1");
  backup_sqlite(db_path_, kSecret, file_);
  {
    auto copy = open_file(file_);
    copy->with([](Connection& c) {
      c.exec("INSERT INTO schema_migrations (number, name, applied_at) VALUES (?, ?, 0)",
             {std::int64_t{migrations().back().number + 1}, std::string("9999_future")});
    });
  }
  EXPECT_THROW(inspect_backup(file_), SchemaTooNew);
}

TEST_F(BackupTest, RestoreRefusesWhileTheStoreIsOpenElsewhere) {
  set("x", "1");
  backup_sqlite(db_path_, kSecret, file_);
  // db() keeps its pool's connections open, as a running server does.
  EXPECT_THROW(RestoreLock lock(db_path_), StoreInUse);
  EXPECT_EQ(get(db(), "x"), "1");
}

TEST_F(BackupTest, RestoreReplacesTheStoreWholeAndDropsTheBackupTable) {
  set("x", "before backup");
  backup_sqlite(db_path_, kSecret, file_);
  set("x", "after backup");
  set("later", "1");
  store_->close();

  {
    RestoreLock lock(db_path_);
    const auto prepared = prepare_restore(file_, db_path_);
    install_restored(lock, prepared, db_path_);
  }

  EXPECT_EQ(mode_of(db_path_), 0600u);
  EXPECT_FALSE(fs::exists(db_path_ + ".restored"));
  auto& restored = store_->reopen();
  EXPECT_EQ(get(restored, "x"), "before backup");
  EXPECT_EQ(get(restored, "later"), std::nullopt);
  auto tables = restored.with([](Connection& c) {
    return c.exec("SELECT COUNT(*) FROM sqlite_master WHERE name = 'backup_secret'")
        .first()
        .integer(0);
  });
  EXPECT_EQ(tables, 0);
}

TEST_F(BackupTest, RestoreIntoAnEmptyFolderNeedsNoLock) {
  set("x", "1");
  backup_sqlite(db_path_, kSecret, file_);
  std::string why_not;
  auto fresh = testing::TestStore::create("sqlite", why_not);
  const std::string target = (fs::path(fresh->data_dir()) / "carelive.db").string();
  {
    RestoreLock lock(target);
    install_restored(lock, prepare_restore(file_, target), target);
  }
  EXPECT_EQ(get(fresh->db(), "x"), "1");
}

}  // namespace
}  // namespace carelive::store
