#include "store/settings.hpp"

namespace carelive::store {
namespace sql {

constexpr const char* kReadSetting = "SELECT value FROM settings WHERE name = ?";
constexpr const char* kWriteSetting =
    "INSERT INTO settings (name, value) VALUES (?, ?) "
    "ON CONFLICT (name) DO UPDATE SET value = excluded.value";
constexpr const char* kWriteSettingOnce =
    "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING";
constexpr const char* kReplaceSetting =
    "UPDATE settings SET value = ? WHERE name = ? AND value = ?";
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

std::string setting_once(Connection& c, const std::string& name, const std::string& value) {
  c.exec(sql::kWriteSettingOnce, {name, value});
  return *read_setting(c, name);
}

bool replace_setting(Connection& c, const std::string& name, const std::string& expected,
                     const std::string& value) {
  return c.exec(sql::kReplaceSetting, {value, name, expected}).affected > 0;
}

bool answers(Connection& c) { return !c.exec(sql::kPing).empty(); }

}  // namespace carelive::store
