#pragma once

// Helpers for tests only (header-only, so it never lands in carelive_lib): a fresh, isolated
// store per test on either backend, so every store and service test runs on SQLite and on
// PostgreSQL. ctest runs each test as its own process, in parallel: every test gets its own
// temp folder or its own PostgreSQL database with a random name, so nothing collides.
//
//   class MyTest : public store::testing::BackendTest {};
//   TEST_P(MyTest, Something) { store().db().with(...); }
//   INSTANTIATE_TEST_SUITE_P(Backends, MyTest, ::testing::Values("sqlite", "postgres"),
//                            store::testing::backend_name);
//
// PostgreSQL comes from CARELIVE_TEST_PG_URL (scripts/postgres.sh). Without it the PostgreSQL
// cases are skipped, unless CARELIVE_TEST_REQUIRE_PG=1 (scripts/test.sh) makes that a failure.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "store/database.hpp"
#include "store/postgres.hpp"
#include "store/sqlite.hpp"

namespace carelive::store::testing {

namespace fs = std::filesystem;

inline std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// 64 random bits as hex: unique enough between the processes that ctest runs at once.
inline std::string random_hex() {
  std::random_device rd;
  const std::uint64_t n = (std::uint64_t{rd()} << 32) ^ rd();
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (int shift = 60; shift >= 0; shift -= 4) out += digits[(n >> shift) & 0xf];
  return out;
}

// `postgresql://user@host:port/db?opts` with the database name replaced by `db_name`.
inline std::string with_database(const std::string& url, const std::string& db_name) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) throw std::invalid_argument("not a URL: " + url);
  const auto query = url.find('?', scheme + 3);
  const std::string head = url.substr(0, query);
  const std::string tail = query == std::string::npos ? "" : url.substr(query);
  const auto slash = head.find('/', scheme + 3);
  return (slash == std::string::npos ? head : head.substr(0, slash)) + "/" + db_name + tail;
}

// One empty store for one test: a temp folder (SQLite) or a new database (PostgreSQL), removed
// or dropped when the TestStore is destroyed. db() opens it like the server does
// (open_database: migrations applied); reopen() is a server restart on the same data.
class TestStore {
 public:
  static constexpr int kPoolSize = 4;

  // nullptr when the backend is not available here; `why_not` says why.
  static std::unique_ptr<TestStore> create(const std::string& backend, std::string& why_not) {
    if (backend == "sqlite") {
      std::string pattern = (fs::temp_directory_path() / "carelive-store-XXXXXX").string();
      if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
      return std::unique_ptr<TestStore>(new TestStore(backend, pattern, "", "", ""));
    }
    if (backend == "postgres") {
      const std::string admin_url = env_or_empty("CARELIVE_TEST_PG_URL");
      if (admin_url.empty()) {
        why_not = "CARELIVE_TEST_PG_URL is not set (eval \"$(bash scripts/postgres.sh start)\")";
        return nullptr;
      }
      const std::string name = "carelive_t_" + random_hex();
      // A plain pool of one, without migrations: the admin database is not ours to change.
      PostgresDatabase admin(admin_url, 1);
      admin.with([&](Connection& c) { c.exec_script("CREATE DATABASE " + name); });
      return std::unique_ptr<TestStore>(
          new TestStore(backend, "", admin_url, name, with_database(admin_url, name)));
    }
    throw std::invalid_argument("unknown backend " + backend);
  }

  ~TestStore() {
    close();
    if (!data_dir_.empty()) {
      std::error_code ignored;
      fs::remove_all(data_dir_, ignored);
    }
    if (!db_name_.empty()) {
      try {
        PostgresDatabase admin(admin_url_, 1);
        admin.with([&](Connection& c) {
          c.exec_script("DROP DATABASE IF EXISTS " + db_name_ + " WITH (FORCE)");
        });
      } catch (const std::exception& e) {
        ADD_FAILURE() << "cannot drop test database " << db_name_ << ": " << e.what();
      }
    }
  }
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  const std::string& backend() const { return backend_; }
  // What `carelive serve` would be given: `--data DIR` or `database = "postgresql://…"`.
  const std::string& url() const { return url_; }
  const std::string& data_dir() const { return data_dir_; }

  // The store as the server opens it; opened on first use.
  Database& db() {
    if (!db_) db_ = open_database(url_, data_dir_, pool_size_);
    return *db_;
  }
  // Closes every connection and opens the store again: a server restart.
  Database& reopen(int pool_size = kPoolSize) {
    close();
    pool_size_ = pool_size;
    return db();
  }
  void close() { db_.reset(); }

  // A second, independent pool on the same store without running migrations (for the
  // migration runner's own tests). Destroy it before the TestStore.
  std::unique_ptr<Database> open_unmigrated(int pool_size = 1) const {
    if (backend_ == "sqlite")
      return std::make_unique<SqliteDatabase>((fs::path(data_dir_) / "carelive.db").string(),
                                              pool_size);
    return std::make_unique<PostgresDatabase>(url_, pool_size);
  }

 private:
  TestStore(std::string backend, std::string data_dir, std::string admin_url, std::string db_name,
            std::string url)
      : backend_(std::move(backend)),
        data_dir_(std::move(data_dir)),
        admin_url_(std::move(admin_url)),
        db_name_(std::move(db_name)),
        url_(std::move(url)) {}

  std::string backend_;
  std::string data_dir_;   // SQLite
  std::string admin_url_;  // PostgreSQL: where CREATE/DROP DATABASE run
  std::string db_name_;
  std::string url_;
  int pool_size_ = kPoolSize;
  std::unique_ptr<Database> db_;
};

// Base fixture of value-parameterized tests: GetParam() is the backend name. Fixtures that add
// their own SetUp call this one first and return when IsSkipped() or HasFatalFailure().
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string why_not;
    store_ = TestStore::create(GetParam(), why_not);
    if (!store_) {
      if (env_or_empty("CARELIVE_TEST_REQUIRE_PG") == "1") FAIL() << why_not;
      GTEST_SKIP() << why_not;
    }
  }
  void TearDown() override { store_.reset(); }

  // Whether SetUp of this base skipped or failed: derived SetUp returns at once then.
  bool not_ready() const { return IsSkipped() || HasFatalFailure() || !store_; }

  TestStore& store() { return *store_; }
  Database& db() { return store_->db(); }

  std::unique_ptr<TestStore> store_;
};

// Test names end in /sqlite or /postgres instead of /0 and /1.
inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace carelive::store::testing

// Runs every TEST_P of `Suite` on both stores.
#define CARELIVE_BACKENDS(Suite)                                                     \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::Values("sqlite", "postgres"), \
                           ::carelive::store::testing::backend_name)
