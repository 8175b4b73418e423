#include "live/operator.hpp"

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/text.hpp"
#include "live/repo.hpp"
#include "pass/repo.hpp"

namespace carelive::live {

namespace codes = core::codes;

using core::Error;

namespace sql {

constexpr const char* kAllFacilities =
    "SELECT f.id, f.code, f.name, f.kind, f.closed_at, "
    "(SELECT COUNT(*) FROM residents r WHERE r.facility_id = f.id AND r.discharged_at IS NULL), "
    "(SELECT COUNT(*) FROM staff s WHERE s.facility_id = f.id) "
    "FROM facilities f ORDER BY f.closed_at IS NOT NULL, f.code";
constexpr const char* kRenameFacility = "UPDATE facilities SET name = ? WHERE id = ?";
constexpr const char* kCloseFacility =
    "UPDATE facilities SET closed_at = ? WHERE id = ? AND closed_at IS NULL";
constexpr const char* kAdminsOfFacility =
    "SELECT s.id, s.facility_id, s.account_id, s.is_admin, a.family_name || ' ' || a.given_name, "
    "a.family_name_kana || ' ' || a.given_name_kana, COALESCE(a.email, a.phone) "
    "FROM staff s JOIN accounts a ON a.id = s.account_id "
    "WHERE s.facility_id = ? AND s.is_admin <> 0 ORDER BY s.id";
constexpr const char* kAnnouncements =
    "SELECT id, title, body, published_at FROM announcements ORDER BY published_at DESC, id DESC";
constexpr const char* kTermsVersions =
    "SELECT id, version, body, published_at FROM terms_versions ORDER BY version DESC";

}  // namespace sql

OperatorService::OperatorService(store::Database& db, const core::Clock& clock, LiveService& live)
    : db_(db), clock_(clock), live_(live) {}

void OperatorService::require_operator(const pass::Account& who) {
  if (!who.is_operator) throw Error(codes::kForbidden);
}

Facility OperatorService::require_facility(store::Connection& c, std::int64_t facility_id) {
  auto f = repo::find_facility(c, facility_id);
  if (!f) throw Error(codes::kNotFound);
  return *f;
}

std::vector<FacilityRow> OperatorService::facilities(const pass::Account& who) {
  require_operator(who);
  return db_.with([&](store::Connection& c) {
    std::vector<FacilityRow> out;
    for (const auto& r : c.exec(sql::kAllFacilities).rows) {
      out.push_back({{r.integer(0), r.text(1), r.text(2), r.text(3), r.opt_integer(4)},
                     r.integer(5),
                     r.integer(6)});
    }
    return out;
  });
}

Facility OperatorService::add_facility(const pass::Account& who, const std::string& code,
                                       const std::string& name, const std::string& kind) {
  require_operator(who);
  return live_.add_facility(code, name, kind);
}

Facility OperatorService::rename_facility(const pass::Account& who, std::int64_t facility_id,
                                          const std::string& name_in) {
  require_operator(who);
  std::string name = core::is_valid_utf8(name_in) ? core::trim(name_in) : std::string();
  if (name.empty()) throw Error::field("name", "required");
  if (core::char_count(name) > 100) throw Error::field("name", "too_long");
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    auto f = require_facility(c, facility_id);
    c.exec(sql::kRenameFacility, {name, facility_id});
    pass::repo::audit(c, now, who.id, "facility_renamed", "",
                      nlohmann::json{{"facility_id", facility_id}}.dump());
    f.name = name;
    return f;
  });
}

void OperatorService::close_facility(const pass::Account& who, std::int64_t facility_id) {
  require_operator(who);
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    require_facility(c, facility_id);
    c.exec(sql::kCloseFacility, {now, facility_id});
    pass::repo::audit(c, now, who.id, "facility_closed", "",
                      nlohmann::json{{"facility_id", facility_id}}.dump());
  });
}

std::vector<StaffRow> OperatorService::admins(const pass::Account& who, std::int64_t facility_id) {
  require_operator(who);
  return db_.with([&](store::Connection& c) {
    require_facility(c, facility_id);
    std::vector<StaffRow> out;
    for (const auto& r : c.exec(sql::kAdminsOfFacility, {facility_id}).rows) {
      out.push_back({{r.integer(0), r.integer(1), r.integer(2), r.integer(3) != 0},
                     r.text(4),
                     r.text(5),
                     r.opt_text(6).value_or("")});
    }
    return out;
  });
}

StaffAdded OperatorService::add_admin(const pass::Account& who, std::int64_t facility_id,
                                      const NameInput& names, const std::string& login_id) {
  require_operator(who);
  auto f = db_.with([&](store::Connection& c) { return require_facility(c, facility_id); });
  if (f.closed_at) throw Error(codes::kNotFound);
  return live_.add_staff(f.code, names, login_id, true, std::nullopt);
}

std::vector<Announcement> OperatorService::announcements(const pass::Account& who) {
  require_operator(who);
  return db_.with([&](store::Connection& c) {
    std::vector<Announcement> out;
    for (const auto& r : c.exec(sql::kAnnouncements).rows)
      out.push_back({r.integer(0), r.text(1), r.text(2), r.integer(3)});
    return out;
  });
}

Announcement OperatorService::add_announcement(const pass::Account& who, const std::string& title,
                                               const std::string& body) {
  require_operator(who);
  return live_.add_announcement(title, body);
}

std::vector<TermsVersion> OperatorService::terms(const pass::Account& who) {
  require_operator(who);
  return db_.with([&](store::Connection& c) {
    std::vector<TermsVersion> out;
    for (const auto& r : c.exec(sql::kTermsVersions).rows)
      out.push_back({r.integer(0), static_cast<int>(r.integer(1)), r.text(2), r.integer(3)});
    return out;
  });
}

TermsVersion OperatorService::publish_terms(const pass::Account& who, const std::string& body) {
  require_operator(who);
  return live_.publish_terms(body);
}

}  // namespace carelive::live
