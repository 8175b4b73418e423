#include "live/staff.hpp"

#include <nlohmann/json.hpp>

#include "audit/audit.hpp"
#include "core/error.hpp"
#include "live/repo.hpp"
#include "notify/message.hpp"
#include "pass/repo.hpp"
#include "pass/validation.hpp"
#include "push/subscriptions.hpp"

namespace carelive::live {

namespace codes = core::codes;

using core::Error;

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
  return db_.with([&](store::Connection& c) { return repo::staff_facilities(c, who.id); });
}

FacilityAccess StaffService::access(const pass::Account& who, std::int64_t facility_id, Need need) {
  return db_.with(
      [&](store::Connection& c) { return require_facility(c, who, facility_id, need); });
}

std::vector<ResidentSummary> StaffService::residents(const pass::Account& who,
                                                     std::int64_t facility_id) {
  return db_.with([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    return repo::resident_summaries(c, facility_id);
  });
}

std::vector<CallLogEntry> StaffService::calls(const pass::Account& who, std::int64_t facility_id,
                                              std::int64_t limit) {
  return db_.with([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    return repo::call_log(c, facility_id, limit);
  });
}

Resident StaffService::add_resident(const pass::Account& who, std::int64_t facility_id,
                                    const NameInput& in, const audit::Actor& by) {
  auto a = access(who, facility_id, Need::staff);
  return live_.add_resident(a.facility.code, in, by);
}

Resident StaffService::edit_resident(const pass::Account& who, std::int64_t facility_id,
                                     std::int64_t resident_id, const NameInput& in,
                                     const audit::Actor& by) {
  auto n = checked_names(in);
  const auto now = clock_.now();
  return db_.transaction([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    auto r = require_resident(c, facility_id, resident_id);
    r.family_name = n.family_name;
    r.given_name = n.given_name;
    r.family_name_kana = n.family_name_kana;
    r.given_name_kana = n.given_name_kana;
    repo::update_resident_names(c, r, now);
    audit::record(c, now, by, "resident_edited",
                  {{"facility_id", facility_id}, {"resident_id", resident_id}});
    return r;
  });
}

void StaffService::discharge(const pass::Account& who, std::int64_t facility_id,
                             std::int64_t resident_id, const audit::Actor& by) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    require_resident(c, facility_id, resident_id);
    // First, so the resident's row is locked (PostgreSQL) before the hook reads what belongs to
    // the resident: a call scheduled at the same moment is either seen here or refused.
    repo::discharge_resident(c, resident_id, now);
    repo::revoke_invites(c, resident_id, now);
    audit::record(c, now, by, "resident_discharged",
                  {{"facility_id", facility_id}, {"resident_id", resident_id}});
    if (discharge_hook_) discharge_hook_(c, by, facility_id, resident_id, now);
  });
  auth::tell(access_ended_, auth::AccessEnded::resident_gone(resident_id));
  notify_queued();
}

std::optional<std::string> StaffService::invite_url(const pass::Account& who,
                                                    std::int64_t facility_id,
                                                    std::int64_t resident_id) {
  auto a = access(who, facility_id, Need::staff);
  const bool stopped = db_.with([&](store::Connection& c) {
    require_resident(c, facility_id, resident_id);
    return !repo::active_invite(c, resident_id) && repo::has_invites(c, resident_id);
  });
  if (stopped) return std::nullopt;
  return live_.invite_url(a.facility.code, resident_id);
}

std::string StaffService::reissue_invite(const pass::Account& who, std::int64_t facility_id,
                                         std::int64_t resident_id, const audit::Actor& by) {
  db_.with([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    auto r = require_resident(c, facility_id, resident_id);
    if (r.discharged_at) throw Error(codes::kNotFound);
  });
  return live_.reissue_invite(resident_id, by);
}

void StaffService::revoke_invite(const pass::Account& who, std::int64_t facility_id,
                                 std::int64_t resident_id, const audit::Actor& by) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    require_resident(c, facility_id, resident_id);
    repo::revoke_invites(c, resident_id, now);
    audit::record(c, now, by, "invite_revoked",
                  {{"facility_id", facility_id}, {"resident_id", resident_id}});
  });
}

std::vector<PendingApplication> StaffService::pending(const pass::Account& who,
                                                      std::int64_t facility_id) {
  return db_.with([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    return repo::pending_applications(c, facility_id);
  });
}

Link StaffService::approve(const pass::Account& who, std::int64_t facility_id,
                           std::int64_t application_id, const audit::Actor& by) {
  const auto now = clock_.now();
  auto link = db_.transaction([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    auto app = repo::find_application(c, application_id, facility_id);
    if (!app) throw Error(codes::kNotFound);
    auto resident = require_resident(c, facility_id, app->resident_id);
    if (resident.discharged_at) throw Error(codes::kNotFound);
    if (!repo::decide_application(c, application_id, "approved", who.id, now))
      throw Error(codes::kAlreadyDecided);
    repo::insert_link_if_absent(c, app->resident_id, app->account_id, app->kind, now);
    auto applicant = pass::repo::find_account(c, app->account_id);
    const auto facility = repo::find_facility(c, facility_id);
    const std::string facility_name = facility ? facility->name : "";
    if (applicant) {
      notify::enqueue(
          c,
          templates_.application_approved(applicant->primary_login_id(), facility_name,
                                          resident.display_name(), public_url_ + "/login"),
          now);
    }
    if (facility)
      notify::enqueue_push(c, push::repo::ids_of(c, {app->account_id}),
                           templates_.push_application_approved(
                               facility->name, resident.display_name(), resident.id),
                           now);
    audit::record(c, now, by, "application_approved",
                  {{"facility_id", facility_id},
                   {"application_id", application_id},
                   {"resident_id", app->resident_id},
                   {"applicant_id", app->account_id}});
    return *repo::find_link(c, app->resident_id, app->account_id);
  });
  notify_queued();
  return link;
}

void StaffService::reject(const pass::Account& who, std::int64_t facility_id,
                          std::int64_t application_id, const audit::Actor& by) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    auto a = require_facility(c, who, facility_id, Need::staff);
    auto app = repo::find_application(c, application_id, facility_id);
    if (!app) throw Error(codes::kNotFound);
    if (!repo::decide_application(c, application_id, "rejected", who.id, now))
      throw Error(codes::kAlreadyDecided);
    if (auto applicant = pass::repo::find_account(c, app->account_id)) {
      notify::enqueue(
          c, templates_.application_rejected(applicant->primary_login_id(), a.facility.name), now);
    }
    audit::record(c, now, by, "application_rejected",
                  {{"facility_id", facility_id},
                   {"application_id", application_id},
                   {"resident_id", app->resident_id},
                   {"applicant_id", app->account_id}});
  });
  notify_queued();
}

std::vector<LinkedPerson> StaffService::links(const pass::Account& who, std::int64_t facility_id,
                                              std::int64_t resident_id) {
  return db_.with([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    require_resident(c, facility_id, resident_id);
    return repo::linked_people(c, resident_id);
  });
}

std::vector<personal_data::Departure> StaffService::departures(const pass::Account& who,
                                                               std::int64_t facility_id,
                                                               std::int64_t resident_id) {
  return db_.with([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    require_resident(c, facility_id, resident_id);
    return personal_data::departures(c, resident_id);
  });
}

void StaffService::remove_link(const pass::Account& who, std::int64_t facility_id,
                               std::int64_t resident_id, std::int64_t link_id,
                               const audit::Actor& by) {
  const auto now = clock_.now();
  const auto account_id = db_.transaction([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::staff);
    require_resident(c, facility_id, resident_id);
    std::int64_t account = 0;
    for (const auto& p : repo::linked_people(c, resident_id))
      if (p.link.id == link_id) account = p.link.account_id;
    if (!repo::delete_link(c, link_id, resident_id)) throw Error(codes::kNotFound);
    audit::record(
        c, now, by, "link_removed",
        {{"facility_id", facility_id}, {"resident_id", resident_id}, {"link_id", link_id}});
    return account;
  });
  auth::tell(access_ended_, auth::AccessEnded::link_removed(account_id, resident_id));
}

std::vector<StaffRow> StaffService::staff(const pass::Account& who, std::int64_t facility_id) {
  return db_.with([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::admin);
    return repo::staff_rows(c, facility_id);
  });
}

void StaffService::remove_staff(const pass::Account& who, std::int64_t facility_id,
                                std::int64_t staff_id, const audit::Actor& by) {
  const auto now = clock_.now();
  const auto removed = db_.transaction([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::admin);
    auto target = repo::find_staff_member(c, staff_id, facility_id);
    if (!target) throw Error(codes::kNotFound);
    if (target->account_id == who.id) throw Error(codes::kSelfRemoval);
    if (target->is_admin && repo::admin_count(c, facility_id) <= 1) throw Error(codes::kLastAdmin);
    repo::delete_staff(c, staff_id);
    audit::record(c, now, by, "staff_removed",
                  {{"facility_id", facility_id}, {"account_id", target->account_id}});
    return target->account_id;
  });
  auth::tell(access_ended_, auth::AccessEnded::rights_changed(removed));
}

void StaffService::reset_second_factor(const pass::Account& who, std::int64_t facility_id,
                                       std::int64_t staff_id, const audit::Actor& by) {
  const auto account_id = db_.transaction([&](store::Connection& c) {
    require_facility(c, who, facility_id, Need::admin);
    auto target = repo::find_staff_member(c, staff_id, facility_id);
    if (!target) throw Error(codes::kNotFound);
    if (target->account_id == who.id) throw Error(codes::kForbidden);
    auto account = pass::repo::find_account(c, target->account_id);
    if (!account) throw Error(codes::kNotFound);
    live_.pass().reset_second_factor(c, *account, by, facility_id);
    return account->id;
  });
  live_.pass().sessions_ended(account_id);
}

}  // namespace carelive::live
