#pragma once

// JSON shapes shared by the staff and operator consoles (docs/api.md).

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "http/context.hpp"
#include "live/staff.hpp"

namespace carelive::live::console {

using nlohmann::json;

using http::id_param;
using http::iso8601;

inline json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

inline json facility_json(const Facility& f) {
  return {{"id", f.id},
          {"code", f.code},
          {"name", f.name},
          {"kind", f.kind},
          {"closed_at", iso8601(f.closed_at)}};
}

inline json resident_json(const Resident& r) {
  return {{"id", r.id},
          {"name", r.family_name + " " + r.given_name},
          {"family_name", r.family_name},
          {"given_name", r.given_name},
          {"family_name_kana", r.family_name_kana},
          {"given_name_kana", r.given_name_kana},
          {"discharged_at", iso8601(r.discharged_at)}};
}

inline json staff_row_json(const StaffRow& s, std::int64_t caller) {
  return {{"id", s.member.id},
          {"account_id", s.member.account_id},
          {"name", s.name},
          {"kana", s.kana},
          {"login_id", s.login_id},
          {"is_admin", s.member.is_admin},
          {"self", s.member.account_id == caller}};
}

inline NameInput names_of(const json& b) {
  return {http::string_field(b, "family_name"), http::string_field(b, "given_name"),
          http::string_field(b, "family_name_kana"), http::string_field(b, "given_name_kana")};
}

}  // namespace carelive::live::console
