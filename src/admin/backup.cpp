#include "admin/backup.hpp"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <system_error>

#include "core/crypto.hpp"
#include "core/files.hpp"
#include "core/privileges.hpp"
#include "store/backup.hpp"
#include "store/database.hpp"

namespace carelive::admin {

namespace {

namespace fs = std::filesystem;

// Run by root, the command acts as the data folder's owner: say so when that user lacks access.
void require_access(const fs::path& path, int mode, const std::string& what) {
  if (::access(path.c_str(), mode) == 0) return;
  throw std::runtime_error("cannot " + what + " " + path.string() + " as user " +
                           core::current_user_name() + ": " +
                           std::error_code(errno, std::generic_category()).message());
}

fs::path folder_of(const std::string& file) {
  const auto dir = fs::path(file).parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

// The secret's home is the configuration when it names one (it cannot be rewritten from here),
// else the data folder's secret.key.
void put_secret(const Config& config, const std::string& secret) {
  if (config.secret.empty()) core::replace_private_file(config.secret_file(), secret);
}

}  // namespace

int backup(const Config& config, const std::string& to, bool secret_only) {
  const auto db_path = store::sqlite_path(config.database, config.data_dir);
  if (!db_path && !secret_only)
    throw std::runtime_error(
        "the store is PostgreSQL: back its data up with `pg_dump -Fc` (docs/backup.md) and the "
        "server secret with `carelive admin backup --secret-only --to FILE`");
  require_access(folder_of(to), W_OK, "write a backup into");
  core::init_crypto();
  const std::string secret = load_or_create_secret(config);
  if (secret_only) {
    store::backup_secret_only(secret, to);
  } else {
    store::backup_sqlite(*db_path, secret, to);
  }
  std::cout << to << "\n";
  return 0;
}

int restore(const Config& config, const std::string& from) {
  if (fs::exists(from)) require_access(from, R_OK, "read");
  const auto contents = store::inspect_backup(from);
  const auto db_path = store::sqlite_path(config.database, config.data_dir);
  if (contents.has_data && !db_path)
    throw std::runtime_error(from +
                             " holds a SQLite store, but this configuration's store is "
                             "PostgreSQL (restore PostgreSQL with pg_restore, docs/backup.md)");
  if (!contents.has_data && db_path)
    throw std::runtime_error(from +
                             " holds only a server secret (a PostgreSQL installation's "
                             "backup, made with --secret-only); a SQLite store is restored from "
                             "a full backup");
  if (!config.secret.empty() && config.secret != contents.secret)
    throw std::runtime_error(
        "server.secret in the configuration differs from the secret in " + from +
        ": invite URLs and unsent messages of the backup would not work. Set server.secret to "
        "the backup's (sqlite3 " +
        from +
        " 'SELECT secret FROM backup_secret') and run restore "
        "again");
  core::create_private_directories(config.data_dir);
  if (!db_path) {
    put_secret(config, contents.secret);
    std::cout << "restored the server secret from " << from
              << "; restore the PostgreSQL data with pg_restore (docs/backup.md)\n";
    return 0;
  }
  store::RestoreLock lock(*db_path);
  const auto prepared = store::prepare_restore(from, *db_path);
  put_secret(config, contents.secret);
  store::install_restored(lock, prepared, *db_path);
  std::cout << "restored " << *db_path << " and the server secret from " << from << "\n";
  return 0;
}

}  // namespace carelive::admin
