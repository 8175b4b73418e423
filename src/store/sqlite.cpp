#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <unordered_map>

#include "core/files.hpp"

namespace carelive::store {
namespace {

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(const std::string& path) {
    int rc =
        sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw DbError(DbError::Kind::other, "cannot open " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 10'000);
    exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  }

  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }

  Dialect dialect() const override { return Dialect::sqlite; }

  Result exec(std::string_view sql, const Params& params) override {
    sqlite3_stmt* stmt = prepare(sql);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (std::size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const auto& p = params[i];
      if (std::holds_alternative<std::nullptr_t>(p)) {
        sqlite3_bind_null(stmt, idx);
      } else if (auto* n = std::get_if<std::int64_t>(&p)) {
        sqlite3_bind_int64(stmt, idx, *n);
      } else {
        const auto& s = std::get<std::string>(p);
        sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
    }
    Result result;
    const int columns = sqlite3_column_count(stmt);
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        std::vector<std::optional<std::string>> cols;
        cols.reserve(columns);
        for (int c = 0; c < columns; ++c) {
          if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
            cols.emplace_back(std::nullopt);
          } else {
            auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            cols.emplace_back(std::string(text, sqlite3_column_bytes(stmt, c)));
          }
        }
        result.rows.emplace_back(std::move(cols));
      } else if (rc == SQLITE_DONE) {
        break;
      } else {
        sqlite3_reset(stmt);
        throw error(rc);
      }
    }
    result.affected = sqlite3_changes(db_);
    sqlite3_reset(stmt);
    return result;
  }

  void exec_script(std::string_view sql) override {
    std::string copy(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : "";
      sqlite3_free(err);
      throw DbError(kind_of(rc), msg);
    }
  }

  void begin() override { exec_script("BEGIN IMMEDIATE"); }
  void commit() override { exec_script("COMMIT"); }
  void rollback() override { exec_script("ROLLBACK"); }

 private:
  static DbError::Kind kind_of(int rc) {
    int primary = rc & 0xff;
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
      return DbError::Kind::unique_violation;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return DbError::Kind::busy;
    // The disk is full or failing, or the file cannot be opened or written.
    if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN ||
        primary == SQLITE_READONLY || primary == SQLITE_NOMEM)
      return DbError::Kind::unavailable;
    return DbError::Kind::other;
  }

  DbError error(int) const {
    int ext = sqlite3_extended_errcode(db_);
    return DbError(kind_of(ext), sqlite3_errmsg(db_));
  }

  sqlite3_stmt* prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) throw error(rc);
    cache_.emplace(std::move(key), stmt);
    return stmt;
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace

SqliteDatabase::SqliteDatabase(std::string path, int pool_size)
    : path_(std::move(path)),
      pool_([p = path_] { return std::make_unique<SqliteConnection>(p); }, pool_size) {
  // 0600 from the start: SQLite makes the -wal and -shm files with the database file's mode.
  if (!path_.empty() && path_ != ":memory:" && path_.rfind("file:", 0) != 0)
    core::create_private_file(path_);
  // Open one connection now so a bad path fails at start-up, not on the first request.
  release(take());
}

}  // namespace carelive::store
