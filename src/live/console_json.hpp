#pragma once

// JSON shapes shared by the staff and operator consoles (docs/api.md).

#include <nlohmann/json.hpp>

#include <charconv>
#include <ctime>

#include "core/error.hpp"
#include "http/context.hpp"
#include "live/staff.hpp"

namespace carelive::live::console {

using nlohmann::json;

inline std::int64_t id_param(const http::Context& ctx, const char* name) {
  const auto& s = ctx.params.at(name);
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || end != s.data() + s.size() || id <= 0) throw core::Error("not_found");
  return id;
}

inline json iso8601(std::optional<core::UnixSeconds> t) {
  if (!t) return nullptr;
  std::time_t tt = static_cast<std::time_t>(*t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf);
}

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
