#include "store/backup.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <initializer_list>
#include <utility>

#include "core/files.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

namespace carelive::store {

namespace fs = std::filesystem;

namespace sql {
// The backup's own table: only backups have it; a restore drops it from the copy it installs.
constexpr const char* kCreateBackupSecret = "CREATE TABLE backup_secret (secret TEXT NOT NULL)";
constexpr const char* kInsertBackupSecret = "INSERT INTO backup_secret (secret) VALUES (?)";
constexpr const char* kReadBackupSecret = "SELECT secret FROM backup_secret";
constexpr const char* kDropBackupSecret = "DROP TABLE backup_secret";
constexpr const char* kHasTable = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
constexpr const char* kNewestMigration = "SELECT MAX(number) FROM schema_migrations";
constexpr const char* kQuickCheck = "PRAGMA quick_check";
// A single file (no -wal beside it), whatever mode the copied store was in.
constexpr const char* kRollbackJournal = "PRAGMA journal_mode=DELETE";
constexpr const char* kExclusiveLocking = "PRAGMA locking_mode=EXCLUSIVE";
constexpr const char* kBeginExclusive = "BEGIN EXCLUSIVE";
}  // namespace sql

namespace {

DbError::Kind kind_of(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? DbError::Kind::busy
                                                            : DbError::Kind::other;
}

// One sqlite3 handle outside the pool: backups work on files the server does not serve.
class Handle {
 public:
  Handle(const std::string& path, int flags) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw DbError(DbError::Kind::other, "cannot open " + path + ": " + msg);
    }
  }
  ~Handle() { sqlite3_close(db_); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  sqlite3* get() const { return db_; }
  sqlite3* release() { return std::exchange(db_, nullptr); }

  // Runs one statement with text parameters; the first column of its first row, if any.
  std::optional<std::string> query(const char* sql,
                                   std::initializer_list<std::string> params = {}) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) throw failure();
    int i = 0;
    for (const auto& p : params)
      sqlite3_bind_text(stmt, ++i, p.data(), static_cast<int>(p.size()), SQLITE_TRANSIENT);
    std::optional<std::string> first;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (!first && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
        first = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) throw failure();
    return first;
  }

  DbError failure() const {
    return DbError(kind_of(sqlite3_extended_errcode(db_)), sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_ = nullptr;
};

// SQLite's online backup API: one step copies every page under one read transaction, so the
// copy is the store as of one moment while the server goes on writing (WAL).
void copy_database(Handle& from, Handle& to) {
  sqlite3_backup* backup = sqlite3_backup_init(to.get(), "main", from.get(), "main");
  if (!backup) throw to.failure();
  int rc;
  int waits = 0;
  while ((rc = sqlite3_backup_step(backup, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    if (++waits > 200) break;  // about 10 s of a lock held elsewhere: report it below
    sqlite3_sleep(50);
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) throw DbError(kind_of(rc), std::string("backup: ") + sqlite3_errstr(rc));
}

void unlink_if_there(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    throw fs::filesystem_error("cannot remove", path,
                               std::error_code(errno, std::generic_category()));
}

// Makes `temp` a new private SQLite file with `fill`, then renames it to `to`.
template <class F>
void write_by_rename(const std::string& temp, const std::string& to, F&& fill) {
  unlink_if_there(temp);
  unlink_if_there(temp + "-journal");
  core::create_private_file(temp);
  try {
    {
      Handle file(temp, SQLITE_OPEN_READWRITE);
      fill(file);
    }
    core::sync_path(temp);
    if (::rename(temp.c_str(), to.c_str()) != 0)
      throw fs::filesystem_error("cannot rename to", to,
                                 std::error_code(errno, std::generic_category()));
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
  const auto dir = fs::path(to).parent_path();
  core::sync_path(dir.empty() ? fs::path(".") : dir);
}

void add_secret(Handle& file, const std::string& secret) {
  file.query(sql::kCreateBackupSecret);
  file.query(sql::kInsertBackupSecret, {secret});
}

std::string temp_beside(const std::string& path, const char* what) {
  return path + "." + what + "-" + std::to_string(::getpid());
}

}  // namespace

void backup_sqlite(const std::string& db_path, const std::string& secret, const std::string& to) {
  if (!fs::is_regular_file(db_path))
    throw std::runtime_error("no store at " + db_path + ": nothing to back up");
  // Read-write (never created): a WAL reader may need to make the -shm file.
  Handle source(db_path, SQLITE_OPEN_READWRITE);
  sqlite3_busy_timeout(source.get(), 10'000);
  write_by_rename(temp_beside(to, "partial"), to, [&](Handle& copy) {
    copy_database(source, copy);
    copy.query(sql::kRollbackJournal);
    add_secret(copy, secret);
  });
}

void backup_secret_only(const std::string& secret, const std::string& to) {
  write_by_rename(temp_beside(to, "partial"), to, [&](Handle& file) { add_secret(file, secret); });
}

BackupContents inspect_backup(const std::string& from) {
  const std::string not_backup =
      from + " is not a CareLive backup (a file made by `carelive admin backup`)";
  if (!fs::is_regular_file(from)) throw NotABackup(not_backup + ": no such file");
  if (::access(from.c_str(), R_OK) != 0)
    throw std::runtime_error("cannot read " + from + ": " +
                             std::error_code(errno, std::generic_category()).message());
  BackupContents contents;
  std::optional<std::int64_t> newest;
  try {
    Handle file(from, SQLITE_OPEN_READONLY);
    if (!file.query(sql::kHasTable, {"backup_secret"})) throw NotABackup(not_backup);
    contents.secret = file.query(sql::kReadBackupSecret).value_or("");
    contents.has_data = file.query(sql::kHasTable, {"schema_migrations"}).has_value();
    if (contents.has_data) {
      const auto check = file.query(sql::kQuickCheck).value_or("");
      if (check != "ok") throw NotABackup(from + " is damaged: " + check);
      if (auto n = file.query(sql::kNewestMigration)) newest = std::stoll(*n);
    }
  } catch (const DbError& e) {
    throw NotABackup(not_backup + ": " + e.what());
  }
  if (contents.secret.size() < 32) throw NotABackup(from + " holds no usable server secret");
  const auto& known = migrations();
  const std::int64_t newest_known = known.empty() ? 0 : known.back().number;
  if (newest && *newest > newest_known)
    throw SchemaTooNew(from + " was made by a newer CareLive (its schema goes up to migration " +
                       std::to_string(*newest) + ", this carelive knows up to " +
                       std::to_string(newest_known) +
                       "): restore it with that version of carelive or a newer one");
  return contents;
}

RestoreLock::RestoreLock(const std::string& db_path) {
  if (!fs::exists(db_path)) return;
  Handle store(db_path, SQLITE_OPEN_READWRITE);
  try {
    // Leaving WAL needs the only connection (it checkpoints, then removes -wal and -shm): any
    // other process with the store open, such as a running server, makes it fail at once.
    store.query(sql::kExclusiveLocking);
    const auto mode = store.query(sql::kRollbackJournal).value_or("");
    if (mode != "delete") throw DbError(DbError::Kind::busy, "journal mode stays " + mode);
    // Held until the restored file is in place: a server starting meanwhile waits.
    store.query(sql::kBeginExclusive);
  } catch (const DbError& e) {
    if (e.kind() == DbError::Kind::busy)
      throw StoreInUse(db_path +
                       " is in use by another process: stop the server first "
                       "(systemctl stop carelive), then run restore again");
    // A store that cannot be read is replaced all the same: that is often why it is restored.
    spdlog::warn("the current store {} cannot be read ({}); it is replaced", db_path, e.what());
    return;
  }
  db_ = store.release();
}

RestoreLock::~RestoreLock() {
  if (!db_) return;
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db_);
}

std::string prepare_restore(const std::string& from, const std::string& db_path) {
  const std::string temp = temp_beside(db_path, "restoring");
  const std::string ready = db_path + ".restored";
  Handle source(from, SQLITE_OPEN_READONLY);
  write_by_rename(temp, ready, [&](Handle& copy) {
    copy_database(source, copy);
    copy.query(sql::kRollbackJournal);
    copy.query(sql::kDropBackupSecret);
    const auto check = copy.query(sql::kQuickCheck).value_or("");
    if (check != "ok") throw NotABackup(from + " did not copy intact: " + check);
  });
  return ready;
}

void install_restored(const RestoreLock&, const std::string& prepared, const std::string& db_path) {
  // The old store's journal files must not be applied to the new one.
  for (const char* suffix : {"-wal", "-shm", "-journal"}) unlink_if_there(db_path + suffix);
  if (::rename(prepared.c_str(), db_path.c_str()) != 0)
    throw fs::filesystem_error("cannot rename to", db_path,
                               std::error_code(errno, std::generic_category()));
  const auto dir = fs::path(db_path).parent_path();
  core::sync_path(dir.empty() ? fs::path(".") : dir);
}

}  // namespace carelive::store
