#pragma once

#include <optional>
#include <stdexcept>
#include <string>

struct sqlite3;

// Backups of the embedded store (SPEC "Acceptance contract", docs/backup.md).
//
// A backup is one SQLite file: a copy of the store made by SQLite's online backup API (one read
// transaction, so it is consistent while the server writes) in rollback-journal mode, plus a
// table `backup_secret` holding the server secret, which exists only in backups. A file that
// holds only `backup_secret` is the secret of a PostgreSQL installation (its data goes through
// pg_dump). Everything written is 0600 and appears by rename(2), never half-written.
namespace carelive::store {

// FILE cannot be restored: it is no CareLive backup, or it is damaged. The message says which.
class NotABackup : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The database is open in another process (a running server): restore refuses to replace it.
class StoreInUse : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes the SQLite store at `db_path` and `secret` to `to` while other processes use the store.
void backup_sqlite(const std::string& db_path, const std::string& secret, const std::string& to);

// Writes a backup that holds only `secret` (the data of a PostgreSQL store is pg_dump's job).
void backup_secret_only(const std::string& secret, const std::string& to);

struct BackupContents {
  std::string secret;
  bool has_data = false;  // false: a secret-only backup
};

// Reads FILE and checks it: a CareLive backup (NotABackup otherwise), intact, of a schema this
// binary knows (SchemaTooNew otherwise, store/migrations.hpp).
BackupContents inspect_backup(const std::string& from);

// Holds the store at `db_path` for a restore: fails with StoreInUse while another connection has
// it open, and keeps any server from opening it until released. Nothing is held for a missing
// store.
class RestoreLock {
 public:
  explicit RestoreLock(const std::string& db_path);
  ~RestoreLock();
  RestoreLock(const RestoreLock&) = delete;
  RestoreLock& operator=(const RestoreLock&) = delete;

 private:
  ::sqlite3* db_ = nullptr;
};

// Copies FILE's data (checked by inspect_backup) into a new file beside `db_path`, without the
// backup's own table; returns its path. install_restored() then puts it in place.
std::string prepare_restore(const std::string& from, const std::string& db_path);

// Replaces `db_path` (held by `lock`) with the file prepare_restore() made, in one rename.
void install_restored(const RestoreLock& lock, const std::string& prepared,
                      const std::string& db_path);

}  // namespace carelive::store
