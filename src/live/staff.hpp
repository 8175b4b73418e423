#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/actor.hpp"
#include "auth/access.hpp"
#include "core/clock.hpp"
#include "live/model.hpp"
#include "live/personal_data.hpp"
#include "live/service.hpp"
#include "notify/templates.hpp"
#include "pass/model.hpp"
#include "store/database.hpp"

namespace carelive::live {

// What the caller may do in one facility (SPEC People): staff, facility admin, or the operator,
// who may act as a facility admin everywhere.
struct FacilityAccess {
  Facility facility;
  std::optional<StaffMember> member;  // empty for an operator who is not staff there
  bool is_admin = false;
};

enum class Need { staff, admin };

// The one access check of the staff console, run by every staff endpoint on the server
// (SPEC "Rules that hold everywhere"): forbidden unless the account is staff of the open
// facility (facility admin for Need::admin) or an operator; not_found for an unknown facility
// only when the caller is an operator (others learn nothing about facilities they do not reach).
FacilityAccess require_facility(store::Connection& c, const pass::Account& who,
                                std::int64_t facility_id, Need need);

// Runs inside the discharge's transaction, after the resident is marked discharged, so what it
// writes commits or rolls back with the discharge. App sets it to ScheduleService's
// cancel_upcoming_calls: src/live does not know about scheduled calls (docs/architecture.md).
using DischargeHook =
    std::function<void(store::Connection&, const audit::Actor& by, std::int64_t facility_id,
                       std::int64_t resident_id, core::UnixSeconds now)>;

// The staff console (SPEC 10): residents, invites, applications, links and staff of one facility.
// Every function takes the caller and checks access itself; every change takes its actor `by`
// (the caller and the request's address) and is audited in its transaction. Blocking: call from
// the worker pool.
class StaffService {
 public:
  StaffService(store::Database& db, const core::Clock& clock, std::string public_url,
               LiveService& live, const notify::Templates& templates,
               std::function<void()> messages_queued = {});

  std::vector<StaffFacility> facilities(const pass::Account& who);
  FacilityAccess access(const pass::Account& who, std::int64_t facility_id, Need need);

  std::vector<ResidentSummary> residents(const pass::Account& who, std::int64_t facility_id);
  Resident add_resident(const pass::Account& who, std::int64_t facility_id, const NameInput& in,
                        const audit::Actor& by);
  Resident edit_resident(const pass::Account& who, std::int64_t facility_id,
                         std::int64_t resident_id, const NameInput& in, const audit::Actor& by);
  // Sets discharged_at and revokes the invite: the QR code stops working (SPEC 10); then runs
  // the discharge hook in the same transaction and wakes the dispatcher after the commit.
  void discharge(const pass::Account& who, std::int64_t facility_id, std::int64_t resident_id,
                 const audit::Actor& by);

  // The current invite URL; made on first use. Empty after 「停止」 until 「再発行」, so showing
  // the page again never brings a stopped code back.
  std::optional<std::string> invite_url(const pass::Account& who, std::int64_t facility_id,
                                        std::int64_t resident_id);
  std::string reissue_invite(const pass::Account& who, std::int64_t facility_id,
                             std::int64_t resident_id, const audit::Actor& by);
  void revoke_invite(const pass::Account& who, std::int64_t facility_id, std::int64_t resident_id,
                     const audit::Actor& by);

  std::vector<PendingApplication> pending(const pass::Account& who, std::int64_t facility_id);
  // SPEC 1.3: approval links the applicant (kind from the application) and sends
  // 【Live】利用申請が承認されました with the login URL; rejection tells the applicant. A decided
  // application cannot be decided again (409 already_decided).
  Link approve(const pass::Account& who, std::int64_t facility_id, std::int64_t application_id,
               const audit::Actor& by);
  void reject(const pass::Account& who, std::int64_t facility_id, std::int64_t application_id,
              const audit::Actor& by);

  // The people who were linked to the resident and deleted their Pass (「退会したユーザー」).
  std::vector<personal_data::Departure> departures(const pass::Account& who,
                                                   std::int64_t facility_id,
                                                   std::int64_t resident_id);
  std::vector<LinkedPerson> links(const pass::Account& who, std::int64_t facility_id,
                                  std::int64_t resident_id);
  void remove_link(const pass::Account& who, std::int64_t facility_id, std::int64_t resident_id,
                   std::int64_t link_id, const audit::Actor& by);

  // The facility's latest calls (at most `limit`), newest first; any staff member.
  std::vector<CallLogEntry> calls(const pass::Account& who, std::int64_t facility_id,
                                  std::int64_t limit = 50);

  // Facility admins only. New staff come by invitation (StaffInvitations).
  std::vector<StaffRow> staff(const pass::Account& who, std::int64_t facility_id);
  // Refuses removing oneself (409 self_removal) and the last admin (409 last_admin).
  void remove_staff(const pass::Account& who, std::int64_t facility_id, std::int64_t staff_id,
                    const audit::Actor& by);
  // SPEC 15: a staff member who lost their authenticator app (and recovery codes) gets a fresh
  // start: the second factor goes, their sessions end, they are told, and they set one up at the
  // next sign-in. Facility admins, for another member of their facility (one's own is in
  // アカウント管理: 403 forbidden). Audited as `second_factor_reset` by the admin.
  void reset_second_factor(const pass::Account& who, std::int64_t facility_id,
                           std::int64_t staff_id, const audit::Actor& by);

  void set_discharge_hook(DischargeHook hook) { discharge_hook_ = std::move(hook); }
  // Told after a link is removed, a resident discharged or a staff member removed.
  void set_access_listener(auth::AccessListener listener) { access_ended_ = std::move(listener); }

 private:
  Resident require_resident(store::Connection& c, std::int64_t facility_id,
                            std::int64_t resident_id);
  void notify_queued() const;

  store::Database& db_;
  const core::Clock& clock_;
  const std::string public_url_;
  LiveService& live_;
  const notify::Templates& templates_;
  std::function<void()> messages_queued_;
  DischargeHook discharge_hook_;
  auth::AccessListener access_ended_;
};

}  // namespace carelive::live
