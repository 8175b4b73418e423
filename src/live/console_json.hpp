#pragma once

// JSON shapes and request helpers shared by the staff and operator consoles (docs/api.md);
// facilities and residents are in live/entity_json.hpp.

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "http/context.hpp"
#include "live/entity_json.hpp"
#include "live/staff.hpp"

namespace carelive::live::console {

using nlohmann::json;

using http::id_param;
using http::iso8601;

inline json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

inline json staff_row_json(const StaffRow& s, std::int64_t caller) {
  return {{"id", s.member.id},
          {"account_id", s.member.account_id},
          {"name", s.name},
          {"kana", s.kana},
          {"login_id", s.login_id},
          {"is_admin", s.member.is_admin},
          {"second_factor", s.second_factor},
          {"self", s.member.account_id == caller}};
}

inline NameInput names_of(const json& b) {
  return {http::string_field(b, "family_name"), http::string_field(b, "given_name"),
          http::string_field(b, "family_name_kana"), http::string_field(b, "given_name_kana")};
}

}  // namespace carelive::live::console
