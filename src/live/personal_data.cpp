#include "live/personal_data.hpp"

#include "core/time_text.hpp"
#include "store/rows.hpp"

namespace carelive::live::personal_data {

namespace sql {

constexpr const char* kLinks =
    "SELECT r.family_name, r.given_name, f.name, l.kind, l.relationship, l.office_name, "
    "l.office_name_kana, l.created_at FROM links l JOIN residents r ON r.id = l.resident_id "
    "JOIN facilities f ON f.id = r.facility_id WHERE l.account_id = ? ORDER BY l.id";
constexpr const char* kApplications =
    "SELECT r.family_name, r.given_name, f.name, a.kind, a.status, a.created_at, a.decided_at "
    "FROM applications a JOIN residents r ON r.id = a.resident_id JOIN facilities f ON "
    "f.id = r.facility_id WHERE a.account_id = ? ORDER BY a.id";
constexpr const char* kConsents =
    "SELECT t.version, c.agreed_at FROM consents c JOIN terms_versions t ON "
    "t.id = c.terms_version_id WHERE c.account_id = ? ORDER BY t.version";
constexpr const char* kStaff =
    "SELECT f.name, s.is_admin, s.created_at FROM staff s JOIN facilities f ON "
    "f.id = s.facility_id WHERE s.account_id = ? ORDER BY s.id";
constexpr const char* kIsStaff = "SELECT COUNT(*) FROM staff WHERE account_id = ?";

constexpr const char* kDepart =
    "INSERT INTO link_departures (resident_id, account_id, kind, linked_at, left_at) "
    "SELECT resident_id, account_id, kind, created_at, ? FROM links WHERE account_id = ?";
constexpr const char* kLinkedResidents = "SELECT resident_id FROM links WHERE account_id = ?";
constexpr const char* kDeleteLinks = "DELETE FROM links WHERE account_id = ?";
constexpr const char* kDeletePending =
    "DELETE FROM applications WHERE account_id = ? AND status = 'pending'";
constexpr const char* kDeleteInvitations = "DELETE FROM staff_invitations WHERE account_id = ?";
constexpr const char* kDepartures =
    "SELECT kind, linked_at, left_at FROM link_departures WHERE resident_id = ? "
    "ORDER BY left_at DESC";

}  // namespace sql

namespace {

nlohmann::json when(const std::optional<core::UnixSeconds>& t) {
  return t ? nlohmann::json(core::iso8601(*t)) : nlohmann::json(nullptr);
}

nlohmann::json opt(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json collect(store::Connection& c, std::int64_t account_id) {
  const auto name = [](store::Columns& r) {
    auto family = r.text();
    return family + " " + r.text();
  };
  nlohmann::json links = store::all_of(c.exec(sql::kLinks, {account_id}), [&](store::Columns& r) {
    const auto resident = name(r);
    return nlohmann::json{{"resident", resident},
                          {"facility", r.text()},
                          {"kind", r.text()},
                          {"relationship", opt(r.opt_text())},
                          {"office_name", opt(r.opt_text())},
                          {"office_name_kana", opt(r.opt_text())},
                          {"since", core::iso8601(r.integer())}};
  });
  nlohmann::json applications =
      store::all_of(c.exec(sql::kApplications, {account_id}), [&](store::Columns& r) {
        const auto resident = name(r);
        return nlohmann::json{{"resident", resident},
                              {"facility", r.text()},
                              {"kind", r.text()},
                              {"status", r.text()},
                              {"applied_at", core::iso8601(r.integer())},
                              {"decided_at", when(r.opt_integer())}};
      });
  nlohmann::json consents = store::all_of(c.exec(sql::kConsents, {account_id}), [](store::Columns&
                                                                                       r) {
    const auto version = r.integer();
    return nlohmann::json{{"terms_version", version}, {"agreed_at", core::iso8601(r.integer())}};
  });
  nlohmann::json staff = store::all_of(c.exec(sql::kStaff, {account_id}), [](store::Columns& r) {
    const auto facility = r.text();
    const bool admin = r.boolean();
    return nlohmann::json{
        {"facility", facility}, {"admin", admin}, {"since", core::iso8601(r.integer())}};
  });
  return {
      {"links", links}, {"applications", applications}, {"consents", consents}, {"staff", staff}};
}

bool is_staff(store::Connection& c, std::int64_t account_id) {
  return c.exec(sql::kIsStaff, {account_id}).first().integer(0) > 0;
}

std::vector<std::int64_t> erase(store::Connection& c, std::int64_t account_id,
                                core::UnixSeconds now) {
  auto residents = store::all_of(c.exec(sql::kLinkedResidents, {account_id}),
                                 [](store::Columns& r) { return r.integer(); });
  c.exec(sql::kDepart, {now, account_id});
  c.exec(sql::kDeleteLinks, {account_id});
  c.exec(sql::kDeletePending, {account_id});
  c.exec(sql::kDeleteInvitations, {account_id});
  return residents;
}

std::vector<Departure> departures(store::Connection& c, std::int64_t resident_id) {
  return store::all_of(c.exec(sql::kDepartures, {resident_id}), [](store::Columns& r) {
    Departure d;
    d.kind = r.text();
    d.linked_at = r.integer();
    d.left_at = r.integer();
    return d;
  });
}

}  // namespace carelive::live::personal_data
