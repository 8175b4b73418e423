#include "live/staff.hpp"

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "live/repo.hpp"
#include "notify/message.hpp"
#include "pass/repo.hpp"
#include "pass/validation.hpp"

namespace carelive::live {

namespace codes = core::codes;

using core::Error;

namespace sql {

constexpr const char* kStaffFacilities =
    "SELECT f.id, f.code, f.name, f.kind, f.closed_at, s.is_admin, "
    "(SELECT COUNT(*) FROM applications a JOIN residents r ON r.id = a.resident_id "
    " WHERE r.facility_id = f.id AND r.discharged_at IS NULL AND a.status = 'pending') "
    "FROM staff s JOIN facilities f ON f.id = s.facility_id "
    "WHERE s.account_id = ? AND f.closed_at IS NULL ORDER BY f.name, f.id";
constexpr const char* kPendingCount =
    "SELECT COUNT(*) FROM applications a JOIN residents r ON r.id = a.resident_id "
    "WHERE r.facility_id = ? AND r.discharged_at IS NULL AND a.status = 'pending'";

constexpr const char* kResidentsOfFacility =
    "SELECT r.id, r.facility_id, r.family_name, r.given_name, r.family_name_kana, "
    "r.given_name_kana, r.discharged_at, "
    "(SELECT COUNT(*) FROM applications a WHERE a.resident_id = r.id AND a.status = 'pending'), "
    "(SELECT COUNT(*) FROM links l WHERE l.resident_id = r.id) "
    "FROM residents r WHERE r.facility_id = ? "
    "ORDER BY r.discharged_at IS NOT NULL, r.family_name_kana, r.given_name_kana, r.id";
constexpr const char* kCallsOfFacility =
    "SELECT c.id, c.resident_id, r.family_name || ' ' || r.given_name, c.started_by, "
    "a.family_name || ' ' || a.given_name, c.started_at, c.ended_at "
    "FROM calls c JOIN residents r ON r.id = c.resident_id JOIN accounts a ON a.id = c.started_by "
    "WHERE c.facility_id = ? ORDER BY c.started_at DESC, c.id DESC LIMIT ?";
constexpr const char* kParticipantsOfLatestCalls =
    "SELECT p.call_id, p.account_id, a.family_name || ' ' || a.given_name, p.joined_at, "
    "p.left_at FROM call_participants p JOIN accounts a ON a.id = p.account_id "
    "WHERE p.call_id IN (SELECT id FROM calls WHERE facility_id = ? "
    "ORDER BY started_at DESC, id DESC LIMIT ?) ORDER BY p.joined_at, p.id";
constexpr const char* kUpdateResidentNames =
    "UPDATE residents SET family_name = ?, given_name = ?, family_name_kana = ?, "
    "given_name_kana = ?, updated_at = ? WHERE id = ?";
constexpr const char* kDischargeResident =
    "UPDATE residents SET discharged_at = ?, updated_at = ? WHERE id = ? AND discharged_at IS NULL";

constexpr const char* kInviteCount = "SELECT COUNT(*) FROM invites WHERE resident_id = ?";

constexpr const char* kPendingApplications =
    "SELECT a.id, a.resident_id, a.account_id, a.kind, a.status, a.created_at, "
    "r.family_name, r.given_name, r.family_name_kana, r.given_name_kana, "
    "ac.family_name || ' ' || ac.given_name, ac.family_name_kana || ' ' || ac.given_name_kana "
    "FROM applications a JOIN residents r ON r.id = a.resident_id "
    "JOIN accounts ac ON ac.id = a.account_id "
    "WHERE r.facility_id = ? AND r.discharged_at IS NULL AND a.status = 'pending' "
    "ORDER BY a.created_at, a.id";
constexpr const char* kApplicationInFacility =
    "SELECT a.id, a.resident_id, a.account_id, a.kind, a.status, a.created_at "
    "FROM applications a JOIN residents r ON r.id = a.resident_id "
    "WHERE a.id = ? AND r.facility_id = ?";
// Compare-and-set: only a pending application is decided, so two staff members clicking at
// once decide it once.
constexpr const char* kDecideApplication =
    "UPDATE applications SET status = ?, decided_at = ?, decided_by = ? "
    "WHERE id = ? AND status = 'pending'";
constexpr const char* kInsertLink =
    "INSERT INTO links (resident_id, account_id, kind, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (resident_id, account_id) DO NOTHING";

constexpr const char* kLinksOfResident =
    "SELECT l.id, l.resident_id, l.account_id, l.kind, l.relationship, l.office_name, "
    "l.office_name_kana, a.family_name || ' ' || a.given_name, "
    "a.family_name_kana || ' ' || a.given_name_kana "
    "FROM links l JOIN accounts a ON a.id = l.account_id WHERE l.resident_id = ? "
    "ORDER BY l.created_at, l.id";
constexpr const char* kDeleteLink = "DELETE FROM links WHERE id = ? AND resident_id = ?";

constexpr const char* kStaffOfFacility =
    "SELECT s.id, s.facility_id, s.account_id, s.is_admin, a.family_name || ' ' || a.given_name, "
    "a.family_name_kana || ' ' || a.given_name_kana, COALESCE(a.email, a.phone) "
    "FROM staff s JOIN accounts a ON a.id = s.account_id WHERE s.facility_id = ? "
    "ORDER BY a.family_name_kana, a.given_name_kana, s.id";
constexpr const char* kStaffById =
    "SELECT id, facility_id, account_id, is_admin FROM staff WHERE id = ? AND facility_id = ?";
constexpr const char* kAdminCount =
    "SELECT COUNT(*) FROM staff WHERE facility_id = ? AND is_admin <> 0";
constexpr const char* kDeleteStaff = "DELETE FROM staff WHERE id = ?";

}  // namespace sql

namespace {

std::string detail(const nlohmann::json& j) { return j.dump(); }

NameInput checked_names(const NameInput& in) {
  core::FieldErrorSet errors;
  NameInput out;
  out.family_name = pass::check_name("family_name", in.family_name, errors);
  out.given_name = pass::check_name("given_name", in.given_name, errors);
  out.family_name_kana = pass::check_kana("family_name_kana", in.family_name_kana, errors);
  out.given_name_kana = pass::check_kana("given_name_kana", in.given_name_kana, errors);
  errors.throw_if_any();
  return out;
}

Application application_from(const store::Row& r) {
  return {r.integer(0), r.integer(1), r.integer(2), r.text(3), r.text(4), r.integer(5)};
}

}  // namespace

FacilityAccess require_facility(store::Connection& c, const pass::Account& who,
                                std::int64_t facility_id, Need need) {
  auto facility = repo::find_facility(c, facility_id);
  if (who.is_operator) {
    if (!facility) throw Error(codes::kNotFound);
    return {*facility, repo::find_staff(c, facility_id, who.id), true};
  }
  if (!facility || facility->closed_at) throw Error(codes::kForbidden);
  auto member = repo::find_staff(c, facility_id, who.id);
  if (!member) throw Error(codes::kForbidden);
  if (need == Need::admin && !member->is_admin) throw Error(codes::kForbidden);
  return {*facility, member, member->is_admin};
}

StaffService::StaffService(store::Database& db, const core::Clock& clock, std::string public_url,
                           LiveService& live, const notify::Templates& templates,
                           std::function<void()> messages_queued)
    : db_(db),
      clock_(clock),
      public_url_(std::move(public_url)),
      live_(live),
      templates_(templates),
      messages_queued_(std::move(messages_queued)) {}

void StaffService::notify_queued() const {
  if (messages_queued_) messages_queued_();
}

Resident StaffService::require_resident(store::Connection& c, std::int64_t facility_id,
                                        std::int64_t resident_id) {
  auto r = repo::find_resident(c, resident_id);
  if (!r || r->facility_id != facility_id) throw Error(codes::kNotFound);
  return *r;
}

std::vector<StaffFacility> StaffService::facilities(const pass::Account& who) {
  return db_.with([&](store::Connection& c) {
    std::vector<StaffFacility> out;
    for (const auto& r : c.exec(sql::kStaffFacilities, {who.id}).rows) {
      out.push_back({{r.integer(0), r.text(1), r.text(2), r.text(3), r.opt_integer(4)},
                     r.integer(5) != 0,
                     r.integer(6)});
    }
    return out;
  });
}

FacilityAccess StaffService::access(const pass::Account& who, std::int64_t facility_id, Need need) {
  return db_.with(
      [&](store::Connection& c) { return require_facility(c, who, facility_id, need); });
}

std::vector<ResidentSummary> StaffService::residents(const pass::Account& who,
                                                     std::int64_t facility_id) {
  return db_.with([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    std::vector<ResidentSummary> out;
    for (const auto& r : c.exec(sql::kResidentsOfFacility, {facility_id}).rows) {
      out.push_back({{r.integer(0), r.integer(1), r.text(2), r.text(3), r.text(4), r.text(5),
                      r.opt_integer(6)},
                     r.integer(7),
                     r.integer(8)});
    }
    return out;
  });
}

std::vector<CallLogEntry> StaffService::calls(const pass::Account& who, std::int64_t facility_id,
                                              std::int64_t limit) {
  return db_.with([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    std::vector<CallLogEntry> out;
    for (const auto& r : c.exec(sql::kCallsOfFacility, {facility_id, limit}).rows)
      out.push_back({r.integer(0),
                     r.integer(1),
                     r.text(2),
                     r.integer(3),
                     r.text(4),
                     r.integer(5),
                     r.opt_integer(6),
                     {}});
    for (const auto& r : c.exec(sql::kParticipantsOfLatestCalls, {facility_id, limit}).rows) {
      for (auto& call : out) {
        if (call.id == r.integer(0))
          call.participants.push_back({r.integer(1), r.text(2), r.integer(3), r.opt_integer(4)});
      }
    }
    return out;
  });
}

Resident StaffService::add_resident(const pass::Account& who, std::int64_t facility_id,
                                    const NameInput& in) {
  auto a = access(who, facility_id, Need::staff);
  auto r = live_.add_resident(a.facility.code, in);
  db_.with([&](store::Connection& c) {
    pass::repo::audit(c, clock_.now(), who.id, "resident_added", "",
                      detail({{"facility_id", facility_id}, {"resident_id", r.id}}));
  });
  return r;
}

Resident StaffService::edit_resident(const pass::Account& who, std::int64_t facility_id,
                                     std::int64_t resident_id, const NameInput& in) {
  auto n = checked_names(in);
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    auto r = require_resident(c, facility_id, resident_id);
    c.exec(sql::kUpdateResidentNames,
           {n.family_name, n.given_name, n.family_name_kana, n.given_name_kana, now, resident_id});
    pass::repo::audit(c, now, who.id, "resident_edited", "",
                      detail({{"facility_id", facility_id}, {"resident_id", resident_id}}));
    r.family_name = n.family_name;
    r.given_name = n.given_name;
    r.family_name_kana = n.family_name_kana;
    r.given_name_kana = n.given_name_kana;
    return r;
  });
}

void StaffService::discharge(const pass::Account& who, std::int64_t facility_id,
                             std::int64_t resident_id) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    require_resident(c, facility_id, resident_id);
    // First, so the resident's row is locked (PostgreSQL) before the hook reads what belongs to
    // the resident: a call scheduled at the same moment is either seen here or refused.
    c.exec(sql::kDischargeResident, {now, now, resident_id});
    repo::revoke_invites(c, resident_id, now);
    pass::repo::audit(c, now, who.id, "resident_discharged", "",
                      detail({{"facility_id", facility_id}, {"resident_id", resident_id}}));
    if (discharge_hook_) discharge_hook_(c, who.id, facility_id, resident_id, now);
  });
  notify_queued();
}

std::optional<std::string> StaffService::invite_url(const pass::Account& who,
                                                    std::int64_t facility_id,
                                                    std::int64_t resident_id) {
  auto a = access(who, facility_id, Need::staff);
  const bool stopped = db_.with([&](store::Connection& c) {
    require_resident(c, facility_id, resident_id);
    return !repo::active_invite(c, resident_id) &&
           c.exec(sql::kInviteCount, {resident_id}).first().integer(0) > 0;
  });
  if (stopped) return std::nullopt;
  return live_.invite_url(a.facility.code, resident_id);
}

std::string StaffService::reissue_invite(const pass::Account& who, std::int64_t facility_id,
                                         std::int64_t resident_id) {
  db_.with([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    auto r = require_resident(c, facility_id, resident_id);
    if (r.discharged_at) throw Error(codes::kNotFound);
  });
  auto url = live_.reissue_invite(resident_id);
  db_.with([&](store::Connection& c) {
    pass::repo::audit(c, clock_.now(), who.id, "invite_reissued", "",
                      detail({{"facility_id", facility_id}, {"resident_id", resident_id}}));
  });
  return url;
}

void StaffService::revoke_invite(const pass::Account& who, std::int64_t facility_id,
                                 std::int64_t resident_id) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    require_resident(c, facility_id, resident_id);
    repo::revoke_invites(c, resident_id, now);
    pass::repo::audit(c, now, who.id, "invite_revoked", "",
                      detail({{"facility_id", facility_id}, {"resident_id", resident_id}}));
  });
}

std::vector<PendingApplication> StaffService::pending(const pass::Account& who,
                                                      std::int64_t facility_id) {
  return db_.with([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    std::vector<PendingApplication> out;
    for (const auto& r : c.exec(sql::kPendingApplications, {facility_id}).rows) {
      PendingApplication p;
      p.application = application_from(r);
      p.resident = {r.integer(1), facility_id, r.text(6),   r.text(7),
                    r.text(8),    r.text(9),   std::nullopt};
      p.applicant_name = r.text(10);
      p.applicant_kana = r.text(11);
      out.push_back(std::move(p));
    }
    return out;
  });
}

Link StaffService::approve(const pass::Account& who, std::int64_t facility_id,
                           std::int64_t application_id) {
  const auto now = clock_.now();
  auto link = db_.transaction([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    auto rows = c.exec(sql::kApplicationInFacility, {application_id, facility_id});
    if (rows.empty()) throw Error(codes::kNotFound);
    auto app = application_from(rows.first());
    auto resident = require_resident(c, facility_id, app.resident_id);
    if (resident.discharged_at) throw Error(codes::kNotFound);
    if (c.exec(sql::kDecideApplication, {std::string("approved"), now, who.id, application_id})
            .affected != 1)
      throw Error(codes::kAlreadyDecided);
    c.exec(sql::kInsertLink, {app.resident_id, app.account_id, app.kind, now, now});
    auto applicant = pass::repo::find_account(c, app.account_id);
    if (applicant) {
      notify::enqueue(
          c, templates_.application_approved(applicant->primary_login_id(), public_url_ + "/login"),
          now);
    }
    pass::repo::audit(c, now, who.id, "application_approved", "",
                      detail({{"application_id", application_id},
                              {"resident_id", app.resident_id},
                              {"applicant_id", app.account_id}}));
    return *repo::find_link(c, app.resident_id, app.account_id);
  });
  notify_queued();
  return link;
}

void StaffService::reject(const pass::Account& who, std::int64_t facility_id,
                          std::int64_t application_id) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    auto a = require_facility(c, who, facility_id, Need::staff);
    auto rows = c.exec(sql::kApplicationInFacility, {application_id, facility_id});
    if (rows.empty()) throw Error(codes::kNotFound);
    auto app = application_from(rows.first());
    if (c.exec(sql::kDecideApplication, {std::string("rejected"), now, who.id, application_id})
            .affected != 1)
      throw Error(codes::kAlreadyDecided);
    if (auto applicant = pass::repo::find_account(c, app.account_id)) {
      notify::enqueue(
          c, templates_.application_rejected(applicant->primary_login_id(), a.facility.name), now);
    }
    pass::repo::audit(c, now, who.id, "application_rejected", "",
                      detail({{"application_id", application_id},
                              {"resident_id", app.resident_id},
                              {"applicant_id", app.account_id}}));
  });
  notify_queued();
}

std::vector<LinkedPerson> StaffService::links(const pass::Account& who, std::int64_t facility_id,
                                              std::int64_t resident_id) {
  return db_.with([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    require_resident(c, facility_id, resident_id);
    std::vector<LinkedPerson> out;
    for (const auto& r : c.exec(sql::kLinksOfResident, {resident_id}).rows) {
      out.push_back({{r.integer(0), r.integer(1), r.integer(2), r.text(3), r.opt_text(4),
                      r.opt_text(5), r.opt_text(6)},
                     r.text(7),
                     r.text(8)});
    }
    return out;
  });
}

void StaffService::remove_link(const pass::Account& who, std::int64_t facility_id,
                               std::int64_t resident_id, std::int64_t link_id) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    require_resident(c, facility_id, resident_id);
    if (c.exec(sql::kDeleteLink, {link_id, resident_id}).affected != 1)
      throw Error(codes::kNotFound);
    pass::repo::audit(c, now, who.id, "link_removed", "",
                      detail({{"resident_id", resident_id}, {"link_id", link_id}}));
  });
}

std::vector<StaffRow> StaffService::staff(const pass::Account& who, std::int64_t facility_id) {
  return db_.with([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::admin);
    std::vector<StaffRow> out;
    for (const auto& r : c.exec(sql::kStaffOfFacility, {facility_id}).rows) {
      out.push_back({{r.integer(0), r.integer(1), r.integer(2), r.integer(3) != 0},
                     r.text(4),
                     r.text(5),
                     r.opt_text(6).value_or("")});
    }
    return out;
  });
}

StaffAdded StaffService::add_staff(const pass::Account& who, std::int64_t facility_id,
                                   const NameInput& names, const std::string& login_id,
                                   bool is_admin) {
  auto a = access(who, facility_id, Need::admin);
  auto added = live_.add_staff(a.facility.code, names, login_id, is_admin, std::nullopt);
  db_.with([&](store::Connection& c) {
    pass::repo::audit(c, clock_.now(), who.id, "staff_added_by", "",
                      detail({{"facility_id", facility_id}, {"account_id", added.account_id}}));
  });
  return added;
}

void StaffService::remove_staff(const pass::Account& who, std::int64_t facility_id,
                                std::int64_t staff_id) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::admin);
    auto rows = c.exec(sql::kStaffById, {staff_id, facility_id});
    if (rows.empty()) throw Error(codes::kNotFound);
    const auto& r = rows.first();
    StaffMember target{r.integer(0), r.integer(1), r.integer(2), r.integer(3) != 0};
    if (target.account_id == who.id) throw Error(codes::kSelfRemoval);
    if (target.is_admin && c.exec(sql::kAdminCount, {facility_id}).first().integer(0) <= 1)
      throw Error(codes::kLastAdmin);
    c.exec(sql::kDeleteStaff, {staff_id});
    pass::repo::audit(c, now, who.id, "staff_removed", "",
                      detail({{"facility_id", facility_id}, {"account_id", target.account_id}}));
  });
}

}  // namespace carelive::live
