#include "store/settings.hpp"

namespace carelive::store {
namespace sql {

constexpr const char* kReadSetting = "SELECT value FROM settings WHERE name = ?";
constexpr const char* kWriteSetting =
    "INSERT INTO settings (name, value) VALUES (?, ?) "
    "ON CONFLICT (name) DO UPDATE SET value = excluded.value";
constexpr const char* kPing = "SELECT 1";

}  // namespace sql

std::optional<std::string> read_setting(Connection& c, const std::string& name) {
  auto r = c.exec(sql::kReadSetting, {name});
  if (r.empty()) return std::nullopt;
  return r.first().text(0);
}

void write_setting(Connection& c, const std::string& name, const std::string& value) {
  c.exec(sql::kWriteSetting, {name, value});
}

bool answers(Connection& c) { return !c.exec(sql::kPing).empty(); }

}  // namespace carelive::store
