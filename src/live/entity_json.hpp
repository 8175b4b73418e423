#pragma once

// Facilities and residents as the API shows them (docs/api.md), in one place. Each has two
// shapes, by audience: the consoles (staff, operator) see the whole record; families and care
// workers see the short one. The shapes differ in fields, so they are two named builders, not
// one with optional parts.

#include <nlohmann/json.hpp>

#include "http/context.hpp"
#include "live/model.hpp"

namespace carelive::live {

// Consoles: {id, code, name, kind, closed_at}.
inline nlohmann::json facility_json(const Facility& f) {
  return {{"id", f.id},
          {"code", f.code},
          {"name", f.name},
          {"kind", f.kind},
          {"closed_at", http::iso8601(f.closed_at)}};
}

// Families: {id, code, name, kind}.
inline nlohmann::json family_facility_json(const Facility& f) {
  return {{"id", f.id}, {"code", f.code}, {"name", f.name}, {"kind", f.kind}};
}

// Consoles: {id, name "姓 名", family_name, given_name, both kana, discharged_at}.
inline nlohmann::json resident_json(const Resident& r) {
  return {{"id", r.id},
          {"name", r.family_name + " " + r.given_name},
          {"family_name", r.family_name},
          {"given_name", r.given_name},
          {"family_name_kana", r.family_name_kana},
          {"given_name_kana", r.given_name_kana},
          {"discharged_at", http::iso8601(r.discharged_at)}};
}

// Families: {id, name "姓名", family_name, given_name}.
inline nlohmann::json family_resident_json(const Resident& r) {
  return {{"id", r.id},
          {"name", r.display_name()},
          {"family_name", r.family_name},
          {"given_name", r.given_name}};
}

// Families: one of their own applications not (yet) approved (SPEC 14), {id, kind, status
// pending|rejected, applied_at, decided_at, resident {name}, facility {id, code, name, kind}}.
inline nlohmann::json own_application_json(const OwnApplication& a) {
  return {{"id", a.application.id},
          {"kind", a.application.kind},
          {"status", a.application.status},
          {"applied_at", http::iso8601(a.application.created_at)},
          {"decided_at", http::iso8601(a.decided_at)},
          {"resident", {{"name", a.resident.display_name()}}},
          {"facility", family_facility_json(a.facility)}};
}

}  // namespace carelive::live
