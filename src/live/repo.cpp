#include "live/repo.hpp"

#include "store/rows.hpp"

namespace carelive::live::repo {

using store::all_of;
using store::Columns;
using store::first_of;

namespace {

// One mapper per type; a SELECT lists the type's columns in this order, alone or after the
// columns of another type (store/rows.hpp).

// f.id, f.code, f.name, f.kind, f.closed_at
Facility read_facility(Columns& c) {
  return {c.integer(), c.text(), c.text(), c.text(), c.opt_integer()};
}
// r.id, r.facility_id, r.family_name, r.given_name, r.family_name_kana, r.given_name_kana,
// r.discharged_at
Resident read_resident(Columns& c) {
  return {c.integer(), c.integer(), c.text(), c.text(), c.text(), c.text(), c.opt_integer()};
}
// s.id, s.facility_id, s.account_id, s.is_admin
StaffMember read_staff_member(Columns& c) {
  return {c.integer(), c.integer(), c.integer(), c.boolean()};
}
// id, resident_id, nonce, created_at, revoked_at
Invite read_invite(Columns& c) {
  return {c.integer(), c.integer(), c.text(), c.integer(), c.opt_integer()};
}
// a.id, a.resident_id, a.account_id, a.kind, a.status, a.created_at
Application read_application(Columns& c) {
  return {c.integer(), c.integer(), c.integer(), c.text(), c.text(), c.integer()};
}
// l.id, l.resident_id, l.account_id, l.kind, l.relationship, l.office_name, l.office_name_kana
Link read_link(Columns& c) {
  return {c.integer(),  c.integer(),  c.integer(), c.text(),
          c.opt_text(), c.opt_text(), c.opt_text()};
}
// id, version, body, published_at
TermsVersion read_terms(Columns& c) {
  return {c.integer(), static_cast<int>(c.integer()), c.text(), c.integer()};
}
// id, title, body, published_at
Announcement read_announcement(Columns& c) {
  return {c.integer(), c.text(), c.text(), c.integer()};
}
// id, facility_id, account_id, family_name, given_name, family_name_kana, given_name_kana,
// login_id, is_admin, new_account, invited_by, created_at, expires_at, accepted_at, declined_at,
// revoked_at
StaffInvitation read_staff_invitation(Columns& c) {
  StaffInvitation i;
  i.id = c.integer();
  i.facility_id = c.integer();
  i.account_id = c.integer();
  i.family_name = c.text();
  i.given_name = c.text();
  i.family_name_kana = c.text();
  i.given_name_kana = c.text();
  i.login_id = c.text();
  i.is_admin = c.boolean();
  i.new_account = c.boolean();
  i.invited_by = c.opt_integer();
  i.created_at = c.integer();
  i.expires_at = c.integer();
  i.accepted_at = c.opt_integer();
  i.declined_at = c.opt_integer();
  i.revoked_at = c.opt_integer();
  return i;
}
// staff columns, then name, kana and the login id typed when added
StaffRow read_staff_row(Columns& c) {
  StaffRow row{read_staff_member(c), c.text(), c.text(), ""};
  row.login_id = c.opt_text().value_or("");
  row.second_factor = c.boolean();
  return row;
}

std::int64_t id_of(const store::Result& r) { return r.first().integer(0); }
std::int64_t flag(bool b) { return b ? 1 : 0; }

}  // namespace

// ---- Facilities

namespace sql {
constexpr const char* kInsertFacility =
    "INSERT INTO facilities (code, name, kind, created_at) VALUES (?, ?, ?, ?) RETURNING id";
constexpr const char* kFacilityByCode =
    "SELECT id, code, name, kind, closed_at FROM facilities WHERE code = ?";
constexpr const char* kFacilityById =
    "SELECT id, code, name, kind, closed_at FROM facilities WHERE id = ?";
constexpr const char* kRenameFacility = "UPDATE facilities SET name = ? WHERE id = ?";
constexpr const char* kCloseFacility =
    "UPDATE facilities SET closed_at = ? WHERE id = ? AND closed_at IS NULL";
constexpr const char* kFacilityRows =
    "SELECT f.id, f.code, f.name, f.kind, f.closed_at, "
    "(SELECT COUNT(*) FROM residents r WHERE r.facility_id = f.id AND r.discharged_at IS NULL), "
    "(SELECT COUNT(*) FROM staff s WHERE s.facility_id = f.id) "
    "FROM facilities f ORDER BY f.closed_at IS NOT NULL, f.code";
}  // namespace sql

std::int64_t insert_facility(Connection& c, const Facility& f, core::UnixSeconds now) {
  return id_of(c.exec(sql::kInsertFacility, {f.code, f.name, f.kind, now}));
}
std::optional<Facility> find_facility(Connection& c, const std::string& code) {
  return first_of(c.exec(sql::kFacilityByCode, {code}), read_facility);
}
std::optional<Facility> find_facility(Connection& c, std::int64_t id) {
  return first_of(c.exec(sql::kFacilityById, {id}), read_facility);
}
void rename_facility(Connection& c, std::int64_t facility_id, const std::string& name) {
  c.exec(sql::kRenameFacility, {name, facility_id});
}
void close_facility(Connection& c, std::int64_t facility_id, core::UnixSeconds now) {
  c.exec(sql::kCloseFacility, {now, facility_id});
}
std::vector<FacilityRow> facility_rows(Connection& c) {
  return all_of(c.exec(sql::kFacilityRows), [](Columns& r) {
    return FacilityRow{read_facility(r), r.integer(), r.integer()};
  });
}

// ---- Residents

namespace sql {
constexpr const char* kInsertResident =
    "INSERT INTO residents (facility_id, family_name, given_name, family_name_kana, "
    "given_name_kana, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kResidentById =
    "SELECT id, facility_id, family_name, given_name, family_name_kana, given_name_kana, "
    "discharged_at FROM residents WHERE id = ?";
constexpr const char* kUpdateResidentNames =
    "UPDATE residents SET family_name = ?, given_name = ?, family_name_kana = ?, "
    "given_name_kana = ?, updated_at = ? WHERE id = ?";
constexpr const char* kDischargeResident =
    "UPDATE residents SET discharged_at = ?, updated_at = ? WHERE id = ? AND discharged_at IS NULL";
constexpr const char* kLockResident = "UPDATE residents SET updated_at = updated_at WHERE id = ?";
constexpr const char* kResidentSummaries =
    "SELECT r.id, r.facility_id, r.family_name, r.given_name, r.family_name_kana, "
    "r.given_name_kana, r.discharged_at, "
    "(SELECT COUNT(*) FROM applications a WHERE a.resident_id = r.id AND a.status = 'pending'), "
    "(SELECT COUNT(*) FROM links l WHERE l.resident_id = r.id) "
    "FROM residents r WHERE r.facility_id = ? "
    "ORDER BY r.discharged_at IS NOT NULL, r.family_name_kana, r.given_name_kana, r.id";
}  // namespace sql

std::int64_t insert_resident(Connection& c, const Resident& r, core::UnixSeconds now) {
  return id_of(c.exec(sql::kInsertResident, {r.facility_id, r.family_name, r.given_name,
                                             r.family_name_kana, r.given_name_kana, now, now}));
}
std::optional<Resident> find_resident(Connection& c, std::int64_t id) {
  return first_of(c.exec(sql::kResidentById, {id}), read_resident);
}
void update_resident_names(Connection& c, const Resident& r, core::UnixSeconds now) {
  c.exec(sql::kUpdateResidentNames,
         {r.family_name, r.given_name, r.family_name_kana, r.given_name_kana, now, r.id});
}
void discharge_resident(Connection& c, std::int64_t resident_id, core::UnixSeconds now) {
  c.exec(sql::kDischargeResident, {now, now, resident_id});
}
void lock_resident(Connection& c, std::int64_t resident_id) {
  c.exec(sql::kLockResident, {resident_id});
}
std::vector<ResidentSummary> resident_summaries(Connection& c, std::int64_t facility_id) {
  return all_of(c.exec(sql::kResidentSummaries, {facility_id}), [](Columns& r) {
    return ResidentSummary{read_resident(r), r.integer(), r.integer()};
  });
}

// ---- Staff

namespace sql {
constexpr const char* kStaffByFacilityAccount =
    "SELECT id, facility_id, account_id, is_admin FROM staff WHERE facility_id = ? AND account_id "
    "= ?";
constexpr const char* kStaffById =
    "SELECT id, facility_id, account_id, is_admin FROM staff WHERE id = ? AND facility_id = ?";
constexpr const char* kInsertStaff =
    "INSERT INTO staff (facility_id, account_id, is_admin, created_at, invited_as) "
    "VALUES (?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kSetStaffAdmin = "UPDATE staff SET is_admin = ? WHERE id = ?";
constexpr const char* kDeleteStaff = "DELETE FROM staff WHERE id = ?";
constexpr const char* kAdminCount =
    "SELECT COUNT(*) FROM staff WHERE facility_id = ? AND is_admin <> 0";
constexpr const char* kIsStaffAnywhere =
    "SELECT 1 FROM staff JOIN facilities f ON f.id = staff.facility_id "
    "WHERE staff.account_id = ? AND f.closed_at IS NULL LIMIT 1";
constexpr const char* kStaffLoginIds =
    "SELECT COALESCE(a.email, a.phone) FROM staff s JOIN accounts a ON a.id = s.account_id "
    "WHERE s.facility_id = ? ORDER BY s.id";
constexpr const char* kStaffFacilitiesWithPending =
    "SELECT f.id, f.code, f.name, f.kind, f.closed_at, s.is_admin, "
    "(SELECT COUNT(*) FROM applications a JOIN residents r ON r.id = a.resident_id "
    " WHERE r.facility_id = f.id AND r.discharged_at IS NULL AND a.status = 'pending') "
    "FROM staff s JOIN facilities f ON f.id = s.facility_id "
    "WHERE s.account_id = ? AND f.closed_at IS NULL ORDER BY f.name, f.id";
constexpr const char* kFacilitiesOfStaff =
    "SELECT f.id, f.code, f.name, f.kind, f.closed_at FROM staff s "
    "JOIN facilities f ON f.id = s.facility_id "
    "WHERE s.account_id = ? AND f.closed_at IS NULL ORDER BY f.id";
// Whether the member's sign-in has a second factor (SPEC 15: the admin may reset it).
#define CARELIVE_HAS_SECOND_FACTOR                                                        \
  "CASE WHEN EXISTS (SELECT 1 FROM totp_factors t WHERE t.account_id = s.account_id AND " \
  "t.confirmed_at IS NOT NULL) THEN 1 ELSE 0 END"
constexpr const char* kStaffRows =
    "SELECT s.id, s.facility_id, s.account_id, s.is_admin, a.family_name || ' ' || a.given_name, "
    "a.family_name_kana || ' ' || a.given_name_kana, s.invited_as, " CARELIVE_HAS_SECOND_FACTOR
    " FROM staff s JOIN accounts a ON a.id = s.account_id WHERE s.facility_id = ? "
    "ORDER BY a.family_name_kana, a.given_name_kana, s.id";
constexpr const char* kAdminRows =
    "SELECT s.id, s.facility_id, s.account_id, s.is_admin, a.family_name || ' ' || a.given_name, "
    "a.family_name_kana || ' ' || a.given_name_kana, COALESCE(a.email, "
    "a.phone), " CARELIVE_HAS_SECOND_FACTOR
    " FROM staff s JOIN accounts a ON a.id = s.account_id "
    "WHERE s.facility_id = ? AND s.is_admin <> 0 ORDER BY s.id";
#undef CARELIVE_HAS_SECOND_FACTOR
}  // namespace sql

std::optional<StaffMember> find_staff(Connection& c, std::int64_t facility_id,
                                      std::int64_t account_id) {
  return first_of(c.exec(sql::kStaffByFacilityAccount, {facility_id, account_id}),
                  read_staff_member);
}
std::optional<StaffMember> find_staff_member(Connection& c, std::int64_t staff_id,
                                             std::int64_t facility_id) {
  return first_of(c.exec(sql::kStaffById, {staff_id, facility_id}), read_staff_member);
}
std::int64_t insert_staff(Connection& c, const StaffMember& s, const std::string& invited_as,
                          core::UnixSeconds now) {
  return id_of(
      c.exec(sql::kInsertStaff, {s.facility_id, s.account_id, flag(s.is_admin), now, invited_as}));
}
void set_staff_admin(Connection& c, std::int64_t staff_id, bool is_admin) {
  c.exec(sql::kSetStaffAdmin, {flag(is_admin), staff_id});
}
void delete_staff(Connection& c, std::int64_t staff_id) { c.exec(sql::kDeleteStaff, {staff_id}); }
std::int64_t admin_count(Connection& c, std::int64_t facility_id) {
  return c.exec(sql::kAdminCount, {facility_id}).first().integer(0);
}
bool is_staff_anywhere(Connection& c, std::int64_t account_id) {
  return !c.exec(sql::kIsStaffAnywhere, {account_id}).empty();
}
std::vector<std::string> staff_login_ids(Connection& c, std::int64_t facility_id) {
  return all_of(c.exec(sql::kStaffLoginIds, {facility_id}), [](Columns& r) { return r.text(); });
}
std::vector<StaffFacility> staff_facilities(Connection& c, std::int64_t account_id) {
  return all_of(c.exec(sql::kStaffFacilitiesWithPending, {account_id}), [](Columns& r) {
    return StaffFacility{read_facility(r), r.boolean(), r.integer()};
  });
}
std::vector<Facility> facilities_of_staff(Connection& c, std::int64_t account_id) {
  return all_of(c.exec(sql::kFacilitiesOfStaff, {account_id}), read_facility);
}
std::vector<StaffRow> staff_rows(Connection& c, std::int64_t facility_id) {
  return all_of(c.exec(sql::kStaffRows, {facility_id}), read_staff_row);
}
std::vector<StaffRow> admin_rows(Connection& c, std::int64_t facility_id) {
  return all_of(c.exec(sql::kAdminRows, {facility_id}), read_staff_row);
}

// ---- Staff invitations

namespace sql {
constexpr const char* kInvitationColumns =
    "id, facility_id, account_id, family_name, given_name, family_name_kana, given_name_kana, "
    "login_id, is_admin, new_account, invited_by, created_at, expires_at, accepted_at, "
    "declined_at, revoked_at FROM staff_invitations ";
constexpr const char* kInsertInvitation =
    "INSERT INTO staff_invitations (facility_id, account_id, family_name, given_name, "
    "family_name_kana, given_name_kana, login_id, is_admin, token_hash, new_account, invited_by, "
    "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kRevokeOpenInvitations =
    "UPDATE staff_invitations SET revoked_at = ? WHERE facility_id = ? AND account_id = ? "
    "AND accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL";
constexpr const char* kSetInvitationState =
    "UPDATE staff_invitations SET accepted_at = ?, declined_at = ?, revoked_at = ? WHERE id = ?";
}  // namespace sql

std::int64_t insert_staff_invitation(Connection& c, const StaffInvitation& i,
                                     const std::optional<std::string>& token_hash) {
  return id_of(
      c.exec(sql::kInsertInvitation,
             {i.facility_id, i.account_id, i.family_name, i.given_name, i.family_name_kana,
              i.given_name_kana, i.login_id, flag(i.is_admin), store::nullable(token_hash),
              flag(i.new_account), store::nullable(i.invited_by), i.created_at, i.expires_at}));
}
void revoke_open_staff_invitations(Connection& c, std::int64_t facility_id, std::int64_t account_id,
                                   core::UnixSeconds now) {
  c.exec(sql::kRevokeOpenInvitations, {now, facility_id, account_id});
}
std::optional<StaffInvitation> find_staff_invitation(Connection& c, std::int64_t id) {
  return first_of(c.exec(std::string("SELECT ") + sql::kInvitationColumns + "WHERE id = ?", {id}),
                  read_staff_invitation);
}
std::optional<StaffInvitation> find_staff_invitation_by_hash(Connection& c,
                                                             const std::string& token_hash) {
  return first_of(c.exec(std::string("SELECT ") + sql::kInvitationColumns + "WHERE token_hash = ?",
                         {token_hash}),
                  read_staff_invitation);
}
std::vector<StaffInvitation> unanswered_staff_invitations(Connection& c, std::int64_t facility_id) {
  return all_of(c.exec(std::string("SELECT ") + sql::kInvitationColumns +
                           "WHERE facility_id = ? AND accepted_at IS NULL AND revoked_at IS NULL "
                           "ORDER BY id DESC",
                       {facility_id}),
                read_staff_invitation);
}
std::vector<StaffInvitation> new_account_invitations(Connection& c, std::int64_t account_id) {
  return all_of(c.exec(std::string("SELECT ") + sql::kInvitationColumns +
                           "WHERE account_id = ? AND new_account <> 0 ORDER BY id",
                       {account_id}),
                read_staff_invitation);
}
void close_staff_invitation(Connection& c, const StaffInvitation& i) {
  c.exec(sql::kSetInvitationState, {store::nullable(i.accepted_at), store::nullable(i.declined_at),
                                    store::nullable(i.revoked_at), i.id});
}

// ---- Invites

namespace sql {
constexpr const char* kActiveInvite =
    "SELECT id, resident_id, nonce, created_at, revoked_at FROM invites "
    "WHERE resident_id = ? AND revoked_at IS NULL ORDER BY id DESC LIMIT 1";
constexpr const char* kInviteByHash =
    "SELECT id, resident_id, nonce, created_at, revoked_at FROM invites WHERE token_hash = ?";
constexpr const char* kInviteCount = "SELECT COUNT(*) FROM invites WHERE resident_id = ?";
constexpr const char* kInsertInvite =
    "INSERT INTO invites (resident_id, nonce, token_hash, created_at) VALUES (?, ?, ?, ?) "
    "RETURNING id";
constexpr const char* kRevokeInvites =
    "UPDATE invites SET revoked_at = ? WHERE resident_id = ? AND revoked_at IS NULL";
}  // namespace sql

std::optional<Invite> active_invite(Connection& c, std::int64_t resident_id) {
  return first_of(c.exec(sql::kActiveInvite, {resident_id}), read_invite);
}
std::optional<Invite> find_invite_by_hash(Connection& c, const std::string& token_hash) {
  return first_of(c.exec(sql::kInviteByHash, {token_hash}), read_invite);
}
bool has_invites(Connection& c, std::int64_t resident_id) {
  return c.exec(sql::kInviteCount, {resident_id}).first().integer(0) > 0;
}
std::int64_t insert_invite(Connection& c, const Invite& i, const std::string& token_hash) {
  return id_of(c.exec(sql::kInsertInvite, {i.resident_id, i.nonce, token_hash, i.created_at}));
}
void revoke_invites(Connection& c, std::int64_t resident_id, core::UnixSeconds now) {
  c.exec(sql::kRevokeInvites, {now, resident_id});
}

// ---- Applications

namespace sql {
constexpr const char* kPendingApplication =
    "SELECT id, resident_id, account_id, kind, status, created_at FROM applications "
    "WHERE resident_id = ? AND account_id = ? AND status = 'pending'";
constexpr const char* kApplicationInFacility =
    "SELECT a.id, a.resident_id, a.account_id, a.kind, a.status, a.created_at "
    "FROM applications a JOIN residents r ON r.id = a.resident_id "
    "WHERE a.id = ? AND r.facility_id = ?";
constexpr const char* kInsertApplication =
    "INSERT INTO applications (resident_id, account_id, kind, status, created_at) "
    "VALUES (?, ?, ?, 'pending', ?) RETURNING id";
constexpr const char* kPendingApplications =
    "SELECT a.id, a.resident_id, a.account_id, a.kind, a.status, a.created_at, "
    "r.id, r.facility_id, r.family_name, r.given_name, r.family_name_kana, r.given_name_kana, "
    "r.discharged_at, "
    "ac.family_name || ' ' || ac.given_name, ac.family_name_kana || ' ' || ac.given_name_kana, "
    "COALESCE(ac.email, ac.phone, '') "
    "FROM applications a JOIN residents r ON r.id = a.resident_id "
    "JOIN accounts ac ON ac.id = a.account_id "
    "WHERE r.facility_id = ? AND r.discharged_at IS NULL AND a.status = 'pending' "
    "ORDER BY a.created_at, a.id";
// Compare-and-set: only a pending application is decided, so two staff members clicking at
// once decide it once.
constexpr const char* kDecideApplication =
    "UPDATE applications SET status = ?, decided_at = ?, decided_by = ? "
    "WHERE id = ? AND status = 'pending'";
constexpr const char* kOwnApplications =
    "SELECT a.id, a.resident_id, a.account_id, a.kind, a.status, a.created_at, "
    "r.id, r.facility_id, r.family_name, r.given_name, r.family_name_kana, r.given_name_kana, "
    "r.discharged_at, f.id, f.code, f.name, f.kind, f.closed_at, a.decided_at "
    "FROM applications a JOIN residents r ON r.id = a.resident_id "
    "JOIN facilities f ON f.id = r.facility_id "
    "WHERE a.account_id = ? AND a.status IN ('pending', 'rejected') "
    "AND r.discharged_at IS NULL AND f.closed_at IS NULL "
    "AND NOT EXISTS (SELECT 1 FROM links l WHERE l.resident_id = a.resident_id "
    "AND l.account_id = a.account_id) "
    "AND NOT EXISTS (SELECT 1 FROM applications b WHERE b.resident_id = a.resident_id "
    "AND b.account_id = a.account_id AND b.id > a.id) "
    "ORDER BY a.created_at DESC, a.id DESC";
constexpr const char* kApprovePending =
    "UPDATE applications SET status = 'approved', decided_at = ? "
    "WHERE resident_id = ? AND account_id = ? AND status = 'pending'";
}  // namespace sql

std::optional<Application> pending_application(Connection& c, std::int64_t resident_id,
                                               std::int64_t account_id) {
  return first_of(c.exec(sql::kPendingApplication, {resident_id, account_id}), read_application);
}
std::optional<Application> find_application(Connection& c, std::int64_t application_id,
                                            std::int64_t facility_id) {
  return first_of(c.exec(sql::kApplicationInFacility, {application_id, facility_id}),
                  read_application);
}
std::int64_t insert_application(Connection& c, const Application& a) {
  return id_of(
      c.exec(sql::kInsertApplication, {a.resident_id, a.account_id, a.kind, a.created_at}));
}
std::vector<PendingApplication> pending_applications(Connection& c, std::int64_t facility_id) {
  return all_of(c.exec(sql::kPendingApplications, {facility_id}), [](Columns& r) {
    return PendingApplication{read_application(r), read_resident(r), r.text(), r.text(), r.text()};
  });
}
std::vector<OwnApplication> own_applications(Connection& c, std::int64_t account_id) {
  return all_of(c.exec(sql::kOwnApplications, {account_id}), [](Columns& r) {
    OwnApplication out;  // the columns come application, resident, facility, decided_at
    out.application = read_application(r);
    out.resident = read_resident(r);
    out.facility = read_facility(r);
    out.decided_at = r.opt_integer();
    return out;
  });
}
bool decide_application(Connection& c, std::int64_t application_id, const std::string& status,
                        std::int64_t decided_by, core::UnixSeconds now) {
  return c.exec(sql::kDecideApplication, {status, now, decided_by, application_id}).affected == 1;
}
void approve_pending_application(Connection& c, std::int64_t resident_id, std::int64_t account_id,
                                 core::UnixSeconds now) {
  c.exec(sql::kApprovePending, {now, resident_id, account_id});
}

// ---- Links

namespace sql {
constexpr const char* kLinkByResidentAccount =
    "SELECT id, resident_id, account_id, kind, relationship, office_name, office_name_kana "
    "FROM links WHERE resident_id = ? AND account_id = ?";
constexpr const char* kInsertLink =
    "INSERT INTO links (resident_id, account_id, kind, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kInsertLinkIfAbsent =
    "INSERT INTO links (resident_id, account_id, kind, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (resident_id, account_id) DO NOTHING";
constexpr const char* kSetRelationship =
    "UPDATE links SET relationship = ?, office_name = ?, office_name_kana = ?, updated_at = ? "
    "WHERE id = ?";
constexpr const char* kDeleteLink = "DELETE FROM links WHERE id = ? AND resident_id = ?";
constexpr const char* kLinkedPeople =
    "SELECT l.id, l.resident_id, l.account_id, l.kind, l.relationship, l.office_name, "
    "l.office_name_kana, a.family_name || ' ' || a.given_name, "
    "a.family_name_kana || ' ' || a.given_name_kana "
    "FROM links l JOIN accounts a ON a.id = l.account_id WHERE l.resident_id = ? "
    "ORDER BY l.created_at, l.id";
constexpr const char* kLinkedAccounts =
    "SELECT account_id FROM links WHERE resident_id = ? ORDER BY created_at, id";
constexpr const char* kLinkedResidents =
    "SELECT l.id, l.resident_id, l.account_id, l.kind, l.relationship, l.office_name, "
    "l.office_name_kana, r.id, r.facility_id, r.family_name, r.given_name, r.family_name_kana, "
    "r.given_name_kana, r.discharged_at, f.id, f.code, f.name, f.kind, f.closed_at "
    "FROM links l JOIN residents r ON r.id = l.resident_id "
    "JOIN facilities f ON f.id = r.facility_id "
    "WHERE l.account_id = ? AND r.discharged_at IS NULL AND f.closed_at IS NULL "
    "ORDER BY f.id, r.id";
}  // namespace sql

std::optional<Link> find_link(Connection& c, std::int64_t resident_id, std::int64_t account_id) {
  return first_of(c.exec(sql::kLinkByResidentAccount, {resident_id, account_id}), read_link);
}
std::int64_t insert_link(Connection& c, std::int64_t resident_id, std::int64_t account_id,
                         const std::string& kind, core::UnixSeconds now) {
  return id_of(c.exec(sql::kInsertLink, {resident_id, account_id, kind, now, now}));
}
void insert_link_if_absent(Connection& c, std::int64_t resident_id, std::int64_t account_id,
                           const std::string& kind, core::UnixSeconds now) {
  c.exec(sql::kInsertLinkIfAbsent, {resident_id, account_id, kind, now, now});
}
void set_relationship(Connection& c, const Link& link, core::UnixSeconds now) {
  c.exec(sql::kSetRelationship,
         {store::nullable(link.relationship), store::nullable(link.office_name),
          store::nullable(link.office_name_kana), now, link.id});
}
bool delete_link(Connection& c, std::int64_t link_id, std::int64_t resident_id) {
  return c.exec(sql::kDeleteLink, {link_id, resident_id}).affected == 1;
}
std::vector<LinkedPerson> linked_people(Connection& c, std::int64_t resident_id) {
  return all_of(c.exec(sql::kLinkedPeople, {resident_id}), [](Columns& r) {
    return LinkedPerson{read_link(r), r.text(), r.text()};
  });
}
std::vector<std::int64_t> linked_account_ids(Connection& c, std::int64_t resident_id) {
  return all_of(c.exec(sql::kLinkedAccounts, {resident_id}),
                [](Columns& r) { return r.integer(); });
}
std::vector<LinkedResident> linked_residents(Connection& c, std::int64_t account_id) {
  return all_of(c.exec(sql::kLinkedResidents, {account_id}), [](Columns& r) {
    LinkedResident out;  // the columns come link, resident, facility
    out.link = read_link(r);
    out.resident = read_resident(r);
    out.facility = read_facility(r);
    out.needs_relationship =
        out.link.kind == "family" ? !out.link.relationship : !out.link.office_name;
    return out;
  });
}

// ---- Call log

namespace sql {
constexpr const char* kCallLog =
    "SELECT c.id, c.resident_id, r.family_name || ' ' || r.given_name, c.started_by, "
    "a.family_name || ' ' || a.given_name, c.started_at, c.ended_at "
    "FROM calls c JOIN residents r ON r.id = c.resident_id JOIN accounts a ON a.id = c.started_by "
    "WHERE c.facility_id = ? ORDER BY c.started_at DESC, c.id DESC LIMIT ?";
constexpr const char* kParticipantsOfCallLog =
    "SELECT p.call_id, p.account_id, a.family_name || ' ' || a.given_name, p.joined_at, "
    "p.left_at FROM call_participants p JOIN accounts a ON a.id = p.account_id "
    "WHERE p.call_id IN (SELECT id FROM calls WHERE facility_id = ? "
    "ORDER BY started_at DESC, id DESC LIMIT ?) ORDER BY p.joined_at, p.id";
}  // namespace sql

std::vector<CallLogEntry> call_log(Connection& c, std::int64_t facility_id, std::int64_t limit) {
  auto out = all_of(c.exec(sql::kCallLog, {facility_id, limit}), [](Columns& r) {
    return CallLogEntry{r.integer(), r.integer(), r.text(),        r.integer(),
                        r.text(),    r.integer(), r.opt_integer(), {}};
  });
  for (const auto& row : c.exec(sql::kParticipantsOfCallLog, {facility_id, limit}).rows) {
    Columns r(row);
    const auto call_id = r.integer();
    CallParticipant p{r.integer(), r.text(), r.integer(), r.opt_integer()};
    for (auto& call : out)
      if (call.id == call_id) call.participants.push_back(p);
  }
  return out;
}

// ---- Terms and consent

namespace sql {
constexpr const char* kLatestTerms =
    "SELECT id, version, body, published_at FROM terms_versions ORDER BY version DESC LIMIT 1";
constexpr const char* kTermsVersions =
    "SELECT id, version, body, published_at FROM terms_versions ORDER BY version DESC";
constexpr const char* kInsertTerms =
    "INSERT INTO terms_versions (version, body, published_at) VALUES (?, ?, ?) RETURNING id";
constexpr const char* kHasConsent =
    "SELECT 1 FROM consents WHERE account_id = ? AND terms_version_id = ?";
constexpr const char* kAnyConsent = "SELECT 1 FROM consents WHERE account_id = ? LIMIT 1";
constexpr const char* kInsertConsent =
    "INSERT INTO consents (account_id, terms_version_id, agreed_at) VALUES (?, ?, ?) "
    "ON CONFLICT DO NOTHING";
}  // namespace sql

std::optional<TermsVersion> latest_terms(Connection& c) {
  return first_of(c.exec(sql::kLatestTerms), read_terms);
}
std::vector<TermsVersion> terms_versions(Connection& c) {
  return all_of(c.exec(sql::kTermsVersions), read_terms);
}
std::int64_t insert_terms(Connection& c, int version, const std::string& body,
                          core::UnixSeconds now) {
  return id_of(c.exec(sql::kInsertTerms, {std::int64_t{version}, body, now}));
}
bool has_consent(Connection& c, std::int64_t account_id, std::int64_t terms_version_id) {
  return !c.exec(sql::kHasConsent, {account_id, terms_version_id}).empty();
}
bool has_any_consent(Connection& c, std::int64_t account_id) {
  return !c.exec(sql::kAnyConsent, {account_id}).empty();
}
bool insert_consent(Connection& c, std::int64_t account_id, std::int64_t terms_version_id,
                    core::UnixSeconds now) {
  return c.exec(sql::kInsertConsent, {account_id, terms_version_id, now}).affected > 0;
}

// ---- Announcements

namespace sql {
constexpr const char* kInsertAnnouncement =
    "INSERT INTO announcements (title, body, published_at) VALUES (?, ?, ?) RETURNING id";
constexpr const char* kAnnouncementById =
    "SELECT id, title, body, published_at FROM announcements WHERE id = ?";
constexpr const char* kAllAnnouncements =
    "SELECT id, title, body, published_at FROM announcements ORDER BY published_at DESC, id DESC";
constexpr const char* kAnnouncementsForAccount =
    "SELECT a.id, a.title, a.body, a.published_at, "
    "CASE WHEN r.account_id IS NULL THEN 0 ELSE 1 END "
    "FROM announcements a LEFT JOIN announcement_reads r "
    "ON r.announcement_id = a.id AND r.account_id = ? "
    "ORDER BY a.published_at DESC, a.id DESC LIMIT 100";
constexpr const char* kMarkRead =
    "INSERT INTO announcement_reads (account_id, announcement_id, read_at) VALUES (?, ?, ?) "
    "ON CONFLICT DO NOTHING";
}  // namespace sql

std::int64_t insert_announcement(Connection& c, const Announcement& a) {
  return id_of(c.exec(sql::kInsertAnnouncement, {a.title, a.body, a.published_at}));
}
std::optional<Announcement> find_announcement(Connection& c, std::int64_t id) {
  return first_of(c.exec(sql::kAnnouncementById, {id}), read_announcement);
}
std::vector<Announcement> announcements(Connection& c) {
  return all_of(c.exec(sql::kAllAnnouncements), read_announcement);
}
std::vector<AnnouncementView> announcements_for(Connection& c, std::int64_t account_id) {
  return all_of(c.exec(sql::kAnnouncementsForAccount, {account_id}), [](Columns& r) {
    return AnnouncementView{read_announcement(r), r.boolean()};
  });
}
void mark_announcement_read(Connection& c, std::int64_t account_id, std::int64_t announcement_id,
                            core::UnixSeconds now) {
  c.exec(sql::kMarkRead, {account_id, announcement_id, now});
}

}  // namespace carelive::live::repo
