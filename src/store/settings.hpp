#pragma once

#include <optional>
#include <string>

#include "store/database.hpp"

// The server's own rows (the `settings` table) and the health probe: SQL of no domain.

namespace carelive::store {

std::optional<std::string> read_setting(Connection& c, const std::string& name);
void write_setting(Connection& c, const std::string& name, const std::string& value);

// True when the database answers a trivial query (GET /healthz).
bool answers(Connection& c);

}  // namespace carelive::store
