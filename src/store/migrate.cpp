#include "store/migrations.hpp"

#include <spdlog/spdlog.h>

namespace carelive::store {

namespace {
void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
}
}  // namespace

std::string render_for_dialect(const std::string& sql, Dialect dialect) {
  std::string out = sql;
  replace_all(
      out, "{{ID}}",
      dialect == Dialect::sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY");
  return out;
}

namespace {

// Every CareLive process migrating a PostgreSQL database takes this session-level advisory lock
// first, so processes starting together migrate one after the other (even the CREATE TABLE of
// schema_migrations races otherwise). SQLite needs none: each step runs in BEGIN IMMEDIATE.
constexpr std::int64_t kMigrationLock = 0x6361726531697665;  // "care1ive"

class MigrationLock {
 public:
  explicit MigrationLock(Connection& c) : c_(c) {
    if (c_.dialect() == Dialect::postgres) c_.exec("SELECT pg_advisory_lock(?)", {kMigrationLock});
  }
  ~MigrationLock() {
    if (c_.dialect() != Dialect::postgres) return;
    try {
      c_.exec("SELECT pg_advisory_unlock(?)", {kMigrationLock});
    } catch (const std::exception& e) {
      spdlog::warn("could not release the migration lock: {}", e.what());
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  Connection& c_;
};

// A database migrated by a newer CareLive may hold data this binary would misread: refuse it.
void refuse_newer_schema(Connection& c) {
  const auto& known = migrations();
  const std::int64_t newest_known = known.empty() ? 0 : known.back().number;
  auto r = c.exec("SELECT number, name FROM schema_migrations ORDER BY number DESC LIMIT 1");
  if (r.empty() || r.first().integer(0) <= newest_known) return;
  throw SchemaTooNew("the database's schema (migration " + r.first().text(1) +
                     ") is newer than this carelive knows (up to migration " +
                     (known.empty() ? std::string("none") : std::string(known.back().name)) +
                     "): install the newer carelive again, or restore a backup made with this "
                     "version (docs/operations.md, Upgrades)");
}

}  // namespace

int migrate(Database& db) {
  return db.with([&](Connection& c) {
    MigrationLock lock(c);
    c.exec_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (number BIGINT PRIMARY KEY, name TEXT NOT "
        "NULL, applied_at BIGINT NOT NULL)");
    refuse_newer_schema(c);
    int applied = 0;
    for (const auto& m : migrations()) {
      c.begin();
      try {
        // Checked inside the transaction (and, on PostgreSQL, under the lock): a step is applied
        // once however many processes start together.
        auto done =
            c.exec("SELECT 1 FROM schema_migrations WHERE number = ?", {std::int64_t{m.number}});
        if (!done.empty()) {
          c.commit();
          continue;
        }
        c.exec_script(render_for_dialect(m.sql, c.dialect()));
        c.exec("INSERT INTO schema_migrations (number, name, applied_at) VALUES (?, ?, ?)",
               {std::int64_t{m.number}, std::string(m.name),
                std::int64_t{static_cast<std::int64_t>(std::time(nullptr))}});
        c.commit();
        ++applied;
        spdlog::info("applied migration {}", m.name);
      } catch (...) {
        c.rollback();
        throw;
      }
    }
    return applied;
  });
}

}  // namespace carelive::store
