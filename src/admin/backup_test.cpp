#include "admin/backup.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "store/backup.hpp"
#include "store/database.hpp"
#include "store/settings.hpp"
#include "store/test_support.hpp"

namespace carelive::admin {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Two data folders on SQLite: the one backed up and the one restored into.
class AdminBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why_not;
    old_ = store::testing::TestStore::create("sqlite", why_not);
    new_ = store::testing::TestStore::create("sqlite", why_not);
    from_.data_dir = old_->data_dir();
    to_.data_dir = new_->data_dir();
    file_ = old_->data_dir() + "/backup.carelive";
    old_->db().with([](store::Connection& c) { store::write_setting(c, "x", "1"); });
  }
  std::string error_of(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const std::exception& e) {
      return e.what();
    }
    ADD_FAILURE() << "no error";
    return "";
  }

  std::unique_ptr<store::testing::TestStore> old_, new_;
  Config from_, to_;
  std::string file_;
};

TEST_F(AdminBackupTest, RestoreBringsTheStoreAndTheSecretKeyIntoAnotherFolder) {
  ASSERT_EQ(backup(from_, file_, false), 0);
  ASSERT_EQ(restore(to_, file_), 0);
  EXPECT_EQ(read_file(to_.secret_file()), read_file(from_.secret_file()));
  struct stat st {};
  ASSERT_EQ(::stat(to_.secret_file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  auto x = new_->db().with([](store::Connection& c) { return store::read_setting(c, "x"); });
  EXPECT_EQ(x, "1");
}

TEST_F(AdminBackupTest, RestoreRefusesABackupWhoseSecretDiffersFromTheConfiguredOne) {
  ASSERT_EQ(backup(from_, file_, false), 0);
  to_.secret = std::string(40, 'c');
  EXPECT_NE(error_of([&] { restore(to_, file_); }).find("server.secret"), std::string::npos);
  EXPECT_FALSE(fs::exists(to_.data_dir + "/carelive.db"));
  EXPECT_FALSE(fs::exists(to_.secret_file()));
}

TEST_F(AdminBackupTest, OnPostgresBackupRefusesTheDataAndKeepsTheSecretWithSecretOnly) {
  // Neither command connects: the URL only says which kind of store this is.
  from_.database = to_.database = "postgresql://carelive@127.0.0.1:1/carelive";
  EXPECT_NE(error_of([&] { backup(from_, file_, false); }).find("pg_dump"), std::string::npos);
  EXPECT_FALSE(fs::exists(file_));

  ASSERT_EQ(backup(from_, file_, true), 0);
  EXPECT_FALSE(store::inspect_backup(file_).has_data);
  ASSERT_EQ(restore(to_, file_), 0);
  EXPECT_EQ(read_file(to_.secret_file()), read_file(from_.secret_file()));
}

TEST_F(AdminBackupTest, ASqliteBackupIsRefusedOnPostgresAndASecretOnlyOneOnSqlite) {
  ASSERT_EQ(backup(from_, file_, false), 0);
  Config postgres = to_;
  postgres.database = "postgresql://carelive@127.0.0.1:1/carelive";
  EXPECT_NE(error_of([&] { restore(postgres, file_); }).find("PostgreSQL"), std::string::npos);

  const std::string secret_only = old_->data_dir() + "/secret.carelive";
  ASSERT_EQ(backup(from_, secret_only, true), 0);
  EXPECT_NE(error_of([&] { restore(to_, secret_only); }).find("only a server secret"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(to_.secret_file()));
}

}  // namespace
}  // namespace carelive::admin
