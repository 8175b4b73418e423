#pragma once

#include <optional>
#include <string>

#include "store/database.hpp"

// The server's own rows (the `settings` table) and the health probe: SQL of no domain.

namespace carelive::store {

std::optional<std::string> read_setting(Connection& c, const std::string& name);
void write_setting(Connection& c, const std::string& name, const std::string& value);
// Writes the setting only if it has no value yet (several processes racing to make one: the
// first wins); the value it has afterwards.
std::string setting_once(Connection& c, const std::string& name, const std::string& value);
// Replaces the setting's value only if it is still `expected` (compare-and-set); whether it did.
bool replace_setting(Connection& c, const std::string& name, const std::string& expected,
                     const std::string& value);

// True when the database answers a trivial query (GET /healthz).
bool answers(Connection& c);

}  // namespace carelive::store
