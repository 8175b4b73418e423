#include "live/repo.hpp"

namespace carelive::live::repo {
namespace sql {

constexpr const char* kInsertFacility =
    "INSERT INTO facilities (code, name, kind, created_at) VALUES (?, ?, ?, ?) RETURNING id";
constexpr const char* kFacilityByCode =
    "SELECT id, code, name, kind, closed_at FROM facilities WHERE code = ?";
constexpr const char* kFacilityById =
    "SELECT id, code, name, kind, closed_at FROM facilities WHERE id = ?";

constexpr const char* kInsertResident =
    "INSERT INTO residents (facility_id, family_name, given_name, family_name_kana, "
    "given_name_kana, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kResidentById =
    "SELECT id, facility_id, family_name, given_name, family_name_kana, given_name_kana, "
    "discharged_at FROM residents WHERE id = ?";

constexpr const char* kStaffByFacilityAccount =
    "SELECT id, facility_id, account_id, is_admin FROM staff WHERE facility_id = ? AND account_id "
    "= ?";
constexpr const char* kInsertStaff =
    "INSERT INTO staff (facility_id, account_id, is_admin, created_at) VALUES (?, ?, ?, ?) "
    "RETURNING id";
constexpr const char* kSetStaffAdmin = "UPDATE staff SET is_admin = ? WHERE id = ?";
constexpr const char* kIsStaffAnywhere =
    "SELECT 1 FROM staff JOIN facilities f ON f.id = staff.facility_id "
    "WHERE staff.account_id = ? AND f.closed_at IS NULL LIMIT 1";
constexpr const char* kStaffLoginIds =
    "SELECT COALESCE(a.email, a.phone) FROM staff s JOIN accounts a ON a.id = s.account_id "
    "WHERE s.facility_id = ? ORDER BY s.id";

constexpr const char* kActiveInvite =
    "SELECT id, resident_id, nonce, created_at, revoked_at FROM invites "
    "WHERE resident_id = ? AND revoked_at IS NULL ORDER BY id DESC LIMIT 1";
constexpr const char* kInviteByHash =
    "SELECT id, resident_id, nonce, created_at, revoked_at FROM invites WHERE token_hash = ?";
constexpr const char* kInsertInvite =
    "INSERT INTO invites (resident_id, nonce, token_hash, created_at) VALUES (?, ?, ?, ?) "
    "RETURNING id";
constexpr const char* kRevokeInvites =
    "UPDATE invites SET revoked_at = ? WHERE resident_id = ? AND revoked_at IS NULL";

constexpr const char* kPendingApplication =
    "SELECT id, resident_id, account_id, kind, status, created_at FROM applications "
    "WHERE resident_id = ? AND account_id = ? AND status = 'pending'";
constexpr const char* kInsertApplication =
    "INSERT INTO applications (resident_id, account_id, kind, status, created_at) "
    "VALUES (?, ?, ?, 'pending', ?) RETURNING id";
constexpr const char* kLinkByResidentAccount =
    "SELECT id, resident_id, account_id, kind, relationship, office_name, office_name_kana "
    "FROM links WHERE resident_id = ? AND account_id = ?";

constexpr const char* kLatestTerms =
    "SELECT id, version, body, published_at FROM terms_versions ORDER BY version DESC LIMIT 1";
constexpr const char* kInsertTerms =
    "INSERT INTO terms_versions (version, body, published_at) VALUES (?, ?, ?) RETURNING id";
constexpr const char* kInsertAnnouncement =
    "INSERT INTO announcements (title, body, published_at) VALUES (?, ?, ?) RETURNING id";

}  // namespace sql

namespace {
Facility facility_from(const store::Row& r) {
  return {r.integer(0), r.text(1), r.text(2), r.text(3), r.opt_integer(4)};
}
Resident resident_from(const store::Row& r) {
  return {r.integer(0), r.integer(1), r.text(2), r.text(3), r.text(4), r.text(5), r.opt_integer(6)};
}
Invite invite_from(const store::Row& r) {
  return {r.integer(0), r.integer(1), r.text(2), r.integer(3), r.opt_integer(4)};
}
template <class T, class F>
std::optional<T> first(const store::Result& result, F&& from) {
  if (result.empty()) return std::nullopt;
  return from(result.first());
}
}  // namespace

std::int64_t insert_facility(Connection& c, const Facility& f, core::UnixSeconds now) {
  return c.exec(sql::kInsertFacility, {f.code, f.name, f.kind, now}).first().integer(0);
}
std::optional<Facility> find_facility(Connection& c, const std::string& code) {
  return first<Facility>(c.exec(sql::kFacilityByCode, {code}), facility_from);
}
std::optional<Facility> find_facility(Connection& c, std::int64_t id) {
  return first<Facility>(c.exec(sql::kFacilityById, {id}), facility_from);
}

std::int64_t insert_resident(Connection& c, const Resident& r, core::UnixSeconds now) {
  return c
      .exec(sql::kInsertResident, {r.facility_id, r.family_name, r.given_name, r.family_name_kana,
                                   r.given_name_kana, now, now})
      .first()
      .integer(0);
}
std::optional<Resident> find_resident(Connection& c, std::int64_t id) {
  return first<Resident>(c.exec(sql::kResidentById, {id}), resident_from);
}

std::optional<StaffMember> find_staff(Connection& c, std::int64_t facility_id,
                                      std::int64_t account_id) {
  return first<StaffMember>(
      c.exec(sql::kStaffByFacilityAccount, {facility_id, account_id}), [](const store::Row& r) {
        return StaffMember{r.integer(0), r.integer(1), r.integer(2), r.integer(3) != 0};
      });
}
std::int64_t insert_staff(Connection& c, const StaffMember& s, core::UnixSeconds now) {
  return c
      .exec(sql::kInsertStaff, {s.facility_id, s.account_id, std::int64_t{s.is_admin ? 1 : 0}, now})
      .first()
      .integer(0);
}
void set_staff_admin(Connection& c, std::int64_t staff_id, bool is_admin) {
  c.exec(sql::kSetStaffAdmin, {std::int64_t{is_admin ? 1 : 0}, staff_id});
}
bool is_staff_anywhere(Connection& c, std::int64_t account_id) {
  return !c.exec(sql::kIsStaffAnywhere, {account_id}).empty();
}
std::vector<std::string> staff_login_ids(Connection& c, std::int64_t facility_id) {
  std::vector<std::string> out;
  for (const auto& r : c.exec(sql::kStaffLoginIds, {facility_id}).rows) out.push_back(r.text(0));
  return out;
}

std::optional<Invite> active_invite(Connection& c, std::int64_t resident_id) {
  return first<Invite>(c.exec(sql::kActiveInvite, {resident_id}), invite_from);
}
std::optional<Invite> find_invite_by_hash(Connection& c, const std::string& token_hash) {
  return first<Invite>(c.exec(sql::kInviteByHash, {token_hash}), invite_from);
}
std::int64_t insert_invite(Connection& c, const Invite& i, const std::string& token_hash) {
  return c.exec(sql::kInsertInvite, {i.resident_id, i.nonce, token_hash, i.created_at})
      .first()
      .integer(0);
}
void revoke_invites(Connection& c, std::int64_t resident_id, core::UnixSeconds now) {
  c.exec(sql::kRevokeInvites, {now, resident_id});
}

std::optional<Application> pending_application(Connection& c, std::int64_t resident_id,
                                               std::int64_t account_id) {
  return first<Application>(c.exec(sql::kPendingApplication, {resident_id, account_id}),
                            [](const store::Row& r) {
                              return Application{r.integer(0), r.integer(1), r.integer(2),
                                                 r.text(3),    r.text(4),    r.integer(5)};
                            });
}
std::int64_t insert_application(Connection& c, const Application& a) {
  return c.exec(sql::kInsertApplication, {a.resident_id, a.account_id, a.kind, a.created_at})
      .first()
      .integer(0);
}
std::optional<Link> find_link(Connection& c, std::int64_t resident_id, std::int64_t account_id) {
  return first<Link>(c.exec(sql::kLinkByResidentAccount, {resident_id, account_id}),
                     [](const store::Row& r) {
                       return Link{r.integer(0),  r.integer(1),  r.integer(2), r.text(3),
                                   r.opt_text(4), r.opt_text(5), r.opt_text(6)};
                     });
}

std::optional<TermsVersion> latest_terms(Connection& c) {
  return first<TermsVersion>(c.exec(sql::kLatestTerms), [](const store::Row& r) {
    return TermsVersion{r.integer(0), static_cast<int>(r.integer(1)), r.text(2), r.integer(3)};
  });
}
std::int64_t insert_terms(Connection& c, int version, const std::string& body,
                          core::UnixSeconds now) {
  return c.exec(sql::kInsertTerms, {std::int64_t{version}, body, now}).first().integer(0);
}
std::int64_t insert_announcement(Connection& c, const Announcement& a) {
  return c.exec(sql::kInsertAnnouncement, {a.title, a.body, a.published_at}).first().integer(0);
}

}  // namespace carelive::live::repo
