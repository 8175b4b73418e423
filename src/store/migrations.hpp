#pragma once

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

// Applies the migrations not yet recorded in schema_migrations; returns how many ran.
int migrate(Database& db);

}  // namespace carelive::store
