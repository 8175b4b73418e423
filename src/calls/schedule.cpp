#include "calls/schedule.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "audit/audit.hpp"
#include "calls/schedule_repo.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "live/repo.hpp"
#include "live/staff.hpp"
#include "notify/message.hpp"
#include "pass/repo.hpp"
#include "push/subscriptions.hpp"

namespace carelive::calls {

namespace codes = core::codes;

using core::Error;

namespace {

std::vector<std::int64_t> ids_of(const std::vector<ScheduleInvitee>& list) {
  std::vector<std::int64_t> out;
  for (const auto& i : list) out.push_back(i.account_id);
  return out;
}

// Checked input: instant, trimmed note, invitees (sorted, unique, linked to the resident).
struct Checked {
  core::UnixSeconds starts_at = 0;
  std::string note;
  std::vector<std::int64_t> invitees;
};

}  // namespace

ScheduleService::ScheduleService(store::Database& db, const core::Clock& clock,
                                 std::string public_url, const CallSettings& settings,
                                 const std::string& time_zone, const notify::Templates& templates,
                                 live::FamilyService& family, std::function<void()> messages_queued)
    : db_(db),
      clock_(clock),
      public_url_(std::move(public_url)),
      settings_(settings),
      templates_(templates),
      family_(family),
      messages_queued_(std::move(messages_queued)),
      time_(time_zone) {}

void ScheduleService::notify_queued() const {
  if (messages_queued_) messages_queued_();
}

std::string ScheduleService::status_of(const CallSchedule& s) const {
  if (s.cancelled_at) return "cancelled";
  return s.starts_at + kShownAfterStart > clock_.now() ? "upcoming" : "past";
}

namespace {

// Invitees sorted and unique, each linked to the resident; everyone linked when not chosen.
std::vector<std::int64_t> checked_invitees(store::Connection& c, std::int64_t resident_id,
                                           const std::optional<std::vector<std::int64_t>>& in,
                                           core::FieldErrorSet& errors) {
  const auto ids = live::repo::linked_account_ids(c, resident_id);
  const std::set<std::int64_t> linked(ids.begin(), ids.end());
  if (linked.empty()) {
    errors.add("invitees", "no_linked_people");
    return {};
  }
  if (!in) return {linked.begin(), linked.end()};
  const std::set<std::int64_t> chosen(in->begin(), in->end());
  if (chosen.empty()) errors.add("invitees", "required");
  for (auto id : chosen) {
    if (!linked.count(id)) {
      errors.add("invitees", "invitee_not_linked");
      break;
    }
  }
  return {chosen.begin(), chosen.end()};
}

// The rules of SPEC 7 scheduling, each broken one its own field code (docs/api.md). Runs in
// the writing transaction, after the resident row is locked.
Checked check_input(store::Connection& c, const FacilityTime& time, core::UnixSeconds now,
                    std::int64_t resident_id, std::int64_t own_id, const ScheduleInput& in) {
  core::FieldErrorSet errors;
  Checked out;

  std::optional<core::UnixSeconds> at;
  if (in.date.empty()) errors.add("date", "required");
  if (in.time.empty()) errors.add("time", "required");
  if (!in.date.empty() && !in.time.empty()) {
    at = time.instant(in.date, in.time);
    if (!at) {
      // Tell which one is malformed: a date alone is checked with a harmless time.
      if (!time.instant(in.date, "12:00")) errors.add("date", "invalid");
      if (!time.instant("2026-01-01", in.time)) errors.add("time", "invalid");
      if (!errors.has("date") && !errors.has("time")) errors.add("date", "invalid");
    }
  }
  if (at) {
    if (*at <= now)
      errors.add("time", "schedule_past");
    else if (*at > now + kScheduleAheadMax)
      errors.add("date", "schedule_too_far");
    else if (schedule_repo::count_between(c, resident_id, *at - kScheduleMinGap,
                                          *at + kScheduleMinGap, own_id) > 0)
      errors.add("time", "schedule_conflict");
    out.starts_at = *at;
  }

  out.note = core::trim(in.note);
  if (!core::is_valid_utf8(out.note) || out.note.find_first_of("\r\n\t") != std::string::npos)
    errors.add("note", "invalid");
  else if (core::char_count(out.note) > kScheduleNoteMax)
    errors.add("note", "too_long");

  out.invitees = checked_invitees(c, resident_id, in.invitees, errors);
  errors.throw_if_any();
  return out;
}

}  // namespace

std::vector<CallSchedule> ScheduleService::list(const pass::Account& who,
                                                std::int64_t facility_id) {
  const auto since = clock_.now() - kRecentWindow;
  return db_.with([&](store::Connection& c) {
    live::require_facility(c, who, facility_id, live::Need::staff);
    return schedule_repo::since(c, facility_id, since);
  });
}

CallSchedule ScheduleService::create(const pass::Account& who, std::int64_t facility_id,
                                     const ScheduleInput& in, const audit::Actor& by) {
  const auto now = clock_.now();
  auto created = db_.transaction([&](store::Connection& c) {
    auto access = live::require_facility(c, who, facility_id, live::Need::staff);
    if (!in.resident_id) throw Error::field("resident_id", "required");
    // Locked before it is read: on PostgreSQL a discharge committed while we waited is seen
    // here, so no call is booked after the discharge cancelled the resident's calls.
    live::repo::lock_resident(c, *in.resident_id);
    // Another facility's resident answers like an unknown one: nothing to learn about it.
    auto resident = live::repo::find_resident(c, *in.resident_id);
    if (!resident || resident->facility_id != facility_id)
      throw Error::field("resident_id", "resident_not_found");
    if (resident->discharged_at) throw Error::field("resident_id", "resident_discharged");
    auto checked = check_input(c, time_, now, resident->id, 0, in);

    CallSchedule row;
    row.facility_id = facility_id;
    row.resident_id = resident->id;
    row.starts_at = checked.starts_at;
    row.note = checked.note;
    row.created_by = who.id;
    const auto id = schedule_repo::insert(c, row, now);
    for (auto account_id : checked.invitees) schedule_repo::insert_invitee(c, id, account_id);

    const notify::CallNotice notice{
        access.facility.name, resident->display_name(), time_.long_label(checked.starts_at),
        checked.note, public_url_ + "/live/residents/" + std::to_string(resident->id) + "/call"};
    for (auto account_id : checked.invitees) {
      if (auto a = pass::repo::find_account(c, account_id))
        notify::enqueue(c, templates_.call_scheduled(a->primary_login_id(), notice), now);
    }
    notify::enqueue_push(c, push::repo::ids_of(c, checked.invitees),
                         templates_.push_call_scheduled(notice, resident->id, id), now);
    audit::record(c, now, by, "call_scheduled",
                  {{"facility_id", facility_id},
                   {"resident_id", resident->id},
                   {"schedule_id", id},
                   {"starts_at", checked.starts_at}});
    return *schedule_repo::find(c, facility_id, id);
  });
  notify_queued();
  return created;
}

CallSchedule ScheduleService::change(const pass::Account& who, std::int64_t facility_id,
                                     std::int64_t schedule_id, const ScheduleInput& in,
                                     const audit::Actor& by) {
  const auto now = clock_.now();
  auto changed = db_.transaction([&](store::Connection& c) {
    auto access = live::require_facility(c, who, facility_id, live::Need::staff);
    auto before = schedule_repo::find(c, facility_id, schedule_id);
    if (!before) throw Error(codes::kNotFound);
    auto resident = live::repo::find_resident(c, before->resident_id);
    if (before->cancelled_at || before->starts_at <= now || !resident || resident->discharged_at)
      throw Error(codes::kScheduleClosed);
    live::repo::lock_resident(c, resident->id);
    auto checked = check_input(c, time_, now, resident->id, schedule_id, in);

    const bool moved = checked.starts_at != before->starts_at;
    if (!schedule_repo::update(c, schedule_id, checked.starts_at, checked.note, moved, now))
      throw Error(codes::kScheduleClosed);
    const auto old_ids = ids_of(before->invitees);
    const std::set<std::int64_t> old_set(old_ids.begin(), old_ids.end());
    const std::set<std::int64_t> new_set(checked.invitees.begin(), checked.invitees.end());
    for (auto id : old_set)
      if (!new_set.count(id)) schedule_repo::delete_invitee(c, schedule_id, id);
    for (auto id : new_set)
      if (!old_set.count(id)) schedule_repo::insert_invitee(c, schedule_id, id);

    const std::string call_url =
        public_url_ + "/live/residents/" + std::to_string(resident->id) + "/call";
    const notify::CallNotice notice{access.facility.name, resident->display_name(),
                                    time_.long_label(checked.starts_at), checked.note, call_url};
    const notify::CallNotice old_notice{access.facility.name, resident->display_name(),
                                        time_.long_label(before->starts_at), before->note,
                                        call_url};
    const bool note_changed = checked.note != before->note;
    auto send = [&](std::int64_t account_id, auto&& make) {
      if (auto a = pass::repo::find_account(c, account_id))
        notify::enqueue(c, make(a->primary_login_id()), now);
    };
    for (auto id : old_set) {
      if (!new_set.count(id))
        send(id, [&](const std::string& to) { return templates_.call_cancelled(to, old_notice); });
      else if (moved || note_changed)
        send(id, [&](const std::string& to) {
          return templates_.call_changed(to, notice, moved ? old_notice.when : "");
        });
    }
    for (auto id : new_set) {
      if (!old_set.count(id))
        send(id, [&](const std::string& to) { return templates_.call_scheduled(to, notice); });
    }
    audit::record(c, now, by, "call_schedule_changed",
                  {{"facility_id", facility_id},
                   {"resident_id", resident->id},
                   {"schedule_id", schedule_id},
                   {"starts_at", checked.starts_at}});
    return *schedule_repo::find(c, facility_id, schedule_id);
  });
  notify_queued();
  return changed;
}

void ScheduleService::cancel(const pass::Account& who, std::int64_t facility_id,
                             std::int64_t schedule_id, const audit::Actor& by) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    auto access = live::require_facility(c, who, facility_id, live::Need::staff);
    auto s = schedule_repo::find(c, facility_id, schedule_id);
    if (!s) throw Error(codes::kNotFound);
    if (s->cancelled_at || s->starts_at <= now) throw Error(codes::kScheduleClosed);
    if (!cancel_and_tell(c, by, access.facility.name, facility_id, schedule_id, now, ""))
      throw Error(codes::kScheduleClosed);
  });
  notify_queued();
}

int ScheduleService::cancel_upcoming_calls(store::Connection& c, const audit::Actor& by,
                                           std::int64_t facility_id, std::int64_t resident_id,
                                           core::UnixSeconds now) {
  auto facility = live::repo::find_facility(c, facility_id);
  if (!facility) return 0;
  int cancelled = 0;
  for (auto id : schedule_repo::upcoming_of_resident(c, resident_id, facility_id, now)) {
    if (cancel_and_tell(c, by, facility->name, facility_id, id, now, "resident_discharged"))
      ++cancelled;
  }
  return cancelled;
}

bool ScheduleService::cancel_and_tell(store::Connection& c, const audit::Actor& by,
                                      const std::string& facility_name, std::int64_t facility_id,
                                      std::int64_t schedule_id, core::UnixSeconds now,
                                      const std::string& reason) {
  // Compare-and-set: two staff members cancelling at once tell the family once.
  if (!schedule_repo::cancel(c, schedule_id, now)) return false;
  // Read after the write: on PostgreSQL a change committed while we waited for the row is seen,
  // so the notice names the time the family was last told.
  auto s = schedule_repo::find(c, facility_id, schedule_id);
  if (!s) return false;
  auto resident = live::repo::find_resident(c, s->resident_id);
  const notify::CallNotice notice{
      facility_name, resident ? resident->display_name() : s->resident_name,
      time_.long_label(s->starts_at), s->note,
      public_url_ + "/live/residents/" + std::to_string(s->resident_id) + "/call"};
  for (auto account_id : schedule_repo::cancel_recipients(c, schedule_id)) {
    if (auto a = pass::repo::find_account(c, account_id))
      notify::enqueue(c, templates_.call_cancelled(a->primary_login_id(), notice), now);
  }
  nlohmann::json d{
      {"facility_id", facility_id}, {"resident_id", s->resident_id}, {"schedule_id", schedule_id}};
  if (!reason.empty()) d["reason"] = reason;
  audit::record(c, now, by, "call_schedule_cancelled", d);
  return true;
}

std::optional<NextCall> ScheduleService::next_call(std::int64_t account_id,
                                                   std::int64_t resident_id) {
  // forbidden / terms_required, exactly as the home screen itself.
  family_.home(account_id, resident_id);
  const auto since = clock_.now() - kShownAfterStart;
  return db_.with([&](store::Connection& c) {
    return schedule_repo::next_for(c, account_id, resident_id, since);
  });
}

int ScheduleService::send_due_reminders() {
  const auto now = clock_.now();
  const auto lead = settings_.reminder_minutes_before * core::kMinute;
  auto due = db_.with(
      [&](store::Connection& c) { return schedule_repo::due_reminders(c, now, now + lead); });
  int reminded = 0;
  for (const auto& row : due) {
    // Named copies, not a structured binding: clang before 16 cannot capture those (fuzz build).
    const std::int64_t id = row.first, facility_id = row.second;
    const bool claimed = db_.transaction([&](store::Connection& c) {
      if (!schedule_repo::claim_reminder(c, id, now)) return false;
      auto s = schedule_repo::find(c, facility_id, id);
      if (!s) return true;
      auto facility = live::repo::find_facility(c, facility_id);
      auto resident = live::repo::find_resident(c, s->resident_id);
      if (!facility || !resident) return true;
      const notify::CallNotice notice{
          facility->name, resident->display_name(), time_.long_label(s->starts_at), s->note,
          public_url_ + "/live/residents/" + std::to_string(s->resident_id) + "/call"};
      const auto recipients = schedule_repo::recipients(c, id);
      for (auto account_id : recipients) {
        if (auto a = pass::repo::find_account(c, account_id))
          notify::enqueue(c, templates_.call_reminder(a->primary_login_id(), notice), now);
      }
      notify::enqueue_push(c, push::repo::ids_of(c, recipients),
                           templates_.push_call_reminder(notice, s->resident_id, id), now);
      return true;
    });
    if (claimed) ++reminded;
  }
  if (reminded > 0) {
    spdlog::info("sent reminders for {} scheduled call(s)", reminded);
    notify_queued();
  }
  return reminded;
}

}  // namespace carelive::calls
