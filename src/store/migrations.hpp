#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace carelive::store {

struct Migration {
  int number;
  const char* name;
  const char* sql;
};

// Every file of migrations/, in order (generated at build time).
const std::vector<Migration>& migrations();

// SQL in migrations/ is portable except for a few marked words, replaced per dialect:
//   {{ID}}   -> INTEGER PRIMARY KEY AUTOINCREMENT | BIGSERIAL PRIMARY KEY
std::string render_for_dialect(const std::string& sql, Dialect dialect);

// The database was migrated by a newer CareLive than this one (its message says what to do).
class SchemaTooNew : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Applies the migrations not yet recorded in schema_migrations; returns how many ran. Processes
// migrating one database at once take turns (PostgreSQL advisory lock; SQLite's write lock).
// Throws SchemaTooNew, changing nothing, when the database knows a migration this binary does not.
int migrate(Database& db);

}  // namespace carelive::store
