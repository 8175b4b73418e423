#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/actor.hpp"
#include "calls/schedule_model.hpp"
#include "calls/schedule_time.hpp"
#include "calls/settings.hpp"
#include "core/clock.hpp"
#include "live/family.hpp"
#include "notify/templates.hpp"
#include "pass/model.hpp"
#include "store/database.hpp"

namespace carelive::calls {

// Limits of a scheduled call (docs/api.md "Scheduled calls").
inline constexpr int kScheduleNoteMax = 100;  // characters
inline constexpr std::int64_t kScheduleAheadMax = 180 * core::kDay;
// Two calls of one resident closer than this are a mistake (double booking), not a plan.
inline constexpr std::int64_t kScheduleMinGap = 15 * core::kMinute;
// A call stays "next" on the family's home this long after its start, so someone who opens
// home a little late still sees that the call is on now.
inline constexpr std::int64_t kShownAfterStart = 30 * core::kMinute;
// How far back the staff list shows past and cancelled calls.
inline constexpr std::int64_t kRecentWindow = 7 * core::kDay;

// What staff send to schedule or change a call. `date` and `time` are the facility's wall
// clock ("2026-12-01", "14:00"), whatever the browser's time zone.
struct ScheduleInput {
  std::optional<std::int64_t> resident_id;  // create only; nullopt when missing
  std::string date, time;
  std::string note;
  // Account ids of linked people to invite; nullopt: everyone linked to the resident.
  std::optional<std::vector<std::int64_t>> invitees;
};

// Scheduled video calls (SPEC 7): staff schedule, change and cancel calls of their facility's
// residents and choose who is invited among the resident's linked people; every invitee is told
// by email or SMS (by their login id) in the same transaction as the change, and reminded
// `[calls] reminder_minutes_before` ahead. Every function checks access itself. Blocking: call
// from the worker pool (or the reminder loop's thread).
class ScheduleService {
 public:
  // `settings` is read on every use (it belongs to the caller and outlives this).
  ScheduleService(store::Database& db, const core::Clock& clock, std::string public_url,
                  const CallSettings& settings, const std::string& time_zone,
                  const notify::Templates& templates, live::FamilyService& family,
                  std::function<void()> messages_queued = {});

  const FacilityTime& facility_time() const { return time_; }

  // Calls from `kRecentWindow` ago on, in time order, cancelled ones included.
  std::vector<CallSchedule> list(const pass::Account& who, std::int64_t facility_id);
  CallSchedule create(const pass::Account& who, std::int64_t facility_id, const ScheduleInput& in,
                      const audit::Actor& by);
  // Replaces time, note and invitees (in.resident_id is ignored). Added invitees get the
  // scheduled notice, removed ones the cancellation, the others a change notice when the time
  // or the note changed. A new time gets a new reminder. 409 schedule_closed once cancelled or
  // started.
  CallSchedule change(const pass::Account& who, std::int64_t facility_id, std::int64_t schedule_id,
                      const ScheduleInput& in, const audit::Actor& by);
  void cancel(const pass::Account& who, std::int64_t facility_id, std::int64_t schedule_id,
              const audit::Actor& by);
  // Cancels every call of the resident that has not started yet, each like cancel() (the
  // invitees told, an audit entry by `by`), inside the caller's transaction: the discharge
  // hook of live::StaffService, run after the resident is marked discharged. The caller wakes the
  // dispatcher after its commit. Returns how many calls were cancelled.
  int cancel_upcoming_calls(store::Connection& c, const audit::Actor& by, std::int64_t facility_id,
                            std::int64_t resident_id, core::UnixSeconds now);

  // The account's next call with the resident (from kShownAfterStart ago), if any. forbidden
  // unless linked, terms_required unless the newest terms were agreed (FamilyService).
  std::optional<NextCall> next_call(std::int64_t account_id, std::int64_t resident_id);

  // Sends the reminder of every call starting within the next `reminder_minutes_before`
  // minutes that has none yet; never for cancelled calls or calls whose time has passed. Each
  // call is claimed with a compare-and-set, so several processes send it once. Returns how
  // many calls were reminded.
  int send_due_reminders();

  // Whether a call is still ahead (or just started) for the lists: "upcoming", "past",
  // "cancelled".
  std::string status_of(const CallSchedule& s) const;

 private:
  void notify_queued() const;
  // The one way a call gets cancelled: a compare-and-set on cancelled_at, then the cancellation
  // notice to every invitee and an audit entry (`reason` added to it unless empty), in the
  // caller's transaction. False when the call was cancelled already.
  bool cancel_and_tell(store::Connection& c, const audit::Actor& by,
                       const std::string& facility_name, std::int64_t facility_id,
                       std::int64_t schedule_id, core::UnixSeconds now, const std::string& reason);

  store::Database& db_;
  const core::Clock& clock_;
  const std::string public_url_;
  const CallSettings& settings_;
  const notify::Templates& templates_;
  live::FamilyService& family_;
  std::function<void()> messages_queued_;
  FacilityTime time_;
};

}  // namespace carelive::calls
