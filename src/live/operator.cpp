#include "live/operator.hpp"

#include <nlohmann/json.hpp>

#include "audit/audit.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "live/repo.hpp"
#include "pass/repo.hpp"

namespace carelive::live {

namespace codes = core::codes;

using core::Error;

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
  return db_.with([&](store::Connection& c) { return repo::facility_rows(c); });
}

Facility OperatorService::add_facility(const pass::Account& who, const std::string& code,
                                       const std::string& name, const std::string& kind,
                                       const audit::Actor& by) {
  require_operator(who);
  return live_.add_facility(code, name, kind, by);
}

Facility OperatorService::rename_facility(const pass::Account& who, std::int64_t facility_id,
                                          const std::string& name_in, const audit::Actor& by) {
  require_operator(who);
  std::string name = core::is_valid_utf8(name_in) ? core::trim(name_in) : std::string();
  if (name.empty()) throw Error::field("name", "required");
  if (core::char_count(name) > 100) throw Error::field("name", "too_long");
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    auto f = require_facility(c, facility_id);
    repo::rename_facility(c, facility_id, name);
    audit::record(c, now, by, "facility_renamed", {{"facility_id", facility_id}});
    f.name = name;
    return f;
  });
}

void OperatorService::close_facility(const pass::Account& who, std::int64_t facility_id,
                                     const audit::Actor& by) {
  require_operator(who);
  const auto now = clock_.now();
  const auto [staff, residents] = db_.transaction([&](store::Connection& c) {
    require_facility(c, facility_id);
    repo::close_facility(c, facility_id, now);
    audit::record(c, now, by, "facility_closed", {{"facility_id", facility_id}});
    return std::pair(repo::staff_rows(c, facility_id), repo::resident_summaries(c, facility_id));
  });
  // Its staff lose their rights there, and its residents' calls end.
  for (const auto& row : staff)
    auth::tell(access_ended_, auth::AccessEnded::rights_changed(row.member.account_id));
  for (const auto& r : residents)
    if (!r.resident.discharged_at)
      auth::tell(access_ended_, auth::AccessEnded::resident_gone(r.resident.id));
}

std::vector<StaffRow> OperatorService::admins(const pass::Account& who, std::int64_t facility_id) {
  require_operator(who);
  return db_.with([&](store::Connection& c) {
    require_facility(c, facility_id);
    return repo::admin_rows(c, facility_id);
  });
}

StaffAdded OperatorService::add_admin(const pass::Account& who, std::int64_t facility_id,
                                      const NameInput& names, const std::string& login_id,
                                      const audit::Actor& by) {
  require_operator(who);
  auto f = db_.with([&](store::Connection& c) { return require_facility(c, facility_id); });
  if (f.closed_at) throw Error(codes::kNotFound);
  return live_.add_staff(f.code, names, login_id, true, std::nullopt, by);
}

std::vector<Announcement> OperatorService::announcements(const pass::Account& who) {
  require_operator(who);
  return db_.with([&](store::Connection& c) { return repo::announcements(c); });
}

Announcement OperatorService::add_announcement(const pass::Account& who, const std::string& title,
                                               const std::string& body, const audit::Actor& by) {
  require_operator(who);
  return live_.add_announcement(title, body, by);
}

std::vector<TermsVersion> OperatorService::terms(const pass::Account& who) {
  require_operator(who);
  return db_.with([&](store::Connection& c) { return repo::terms_versions(c); });
}

TermsVersion OperatorService::publish_terms(const pass::Account& who, const std::string& body,
                                            const audit::Actor& by) {
  require_operator(who);
  return live_.publish_terms(body, by);
}

}  // namespace carelive::live
