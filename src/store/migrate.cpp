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

int migrate(Database& db) {
  return db.with([&](Connection& c) {
    c.exec_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (number BIGINT PRIMARY KEY, name TEXT NOT "
        "NULL, applied_at BIGINT NOT NULL)");
    int applied = 0;
    for (const auto& m : migrations()) {
      c.begin();
      try {
        // Checked inside the transaction: two processes starting at once apply each step once
        // (PostgreSQL serialises them through the schema_migrations primary key).
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
