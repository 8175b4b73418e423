#include "calls/schedule.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "live/repo.hpp"
#include "live/staff.hpp"
#include "notify/message.hpp"
#include "pass/repo.hpp"

namespace carelive::calls {

namespace codes = core::codes;

using core::Error;

namespace sql {

constexpr const char* kScheduleColumns =
    "SELECT s.id, s.facility_id, s.resident_id, r.family_name || ' ' || r.given_name, "
    "s.starts_at, s.note, s.created_by, COALESCE(a.family_name || ' ' || a.given_name, ''), "
    "s.created_at, s.cancelled_at, s.reminded_at "
    "FROM call_schedules s JOIN residents r ON r.id = s.resident_id "
    "LEFT JOIN accounts a ON a.id = s.created_by ";
const std::string kScheduleById =
    std::string(kScheduleColumns) + "WHERE s.id = ? AND s.facility_id = ?";
const std::string kSchedulesOfFacility = std::string(kScheduleColumns) +
                                         "WHERE s.facility_id = ? AND s.starts_at >= ? "
                                         "ORDER BY s.starts_at, s.id LIMIT 500";
constexpr const char* kInviteesOfFacility =
    "SELECT i.schedule_id, i.account_id, a.family_name || ' ' || a.given_name "
    "FROM call_schedule_invitees i JOIN accounts a ON a.id = i.account_id "
    "WHERE i.schedule_id IN (SELECT id FROM call_schedules WHERE facility_id = ? AND "
    "starts_at >= ?) ORDER BY a.family_name_kana, a.given_name_kana, i.account_id";
constexpr const char* kInviteesOf =
    "SELECT i.schedule_id, i.account_id, a.family_name || ' ' || a.given_name "
    "FROM call_schedule_invitees i JOIN accounts a ON a.id = i.account_id "
    "WHERE i.schedule_id = ? ORDER BY a.family_name_kana, a.given_name_kana, i.account_id";

constexpr const char* kLinkedAccounts =
    "SELECT account_id FROM links WHERE resident_id = ? ORDER BY created_at, id";
// A no-op write that row-locks the resident on PostgreSQL until commit, so two staff members
// scheduling the same resident at once cannot both pass the conflict check (SQLite's
// BEGIN IMMEDIATE already serializes writers).
constexpr const char* kLockResident = "UPDATE residents SET updated_at = updated_at WHERE id = ?";
constexpr const char* kConflicts =
    "SELECT COUNT(*) FROM call_schedules WHERE resident_id = ? AND cancelled_at IS NULL "
    "AND starts_at > ? AND starts_at < ? AND id <> ?";
constexpr const char* kInsertSchedule =
    "INSERT INTO call_schedules (facility_id, resident_id, starts_at, note, created_by, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kInsertInvitee =
    "INSERT INTO call_schedule_invitees (schedule_id, account_id) VALUES (?, ?)";
constexpr const char* kDeleteInvitee =
    "DELETE FROM call_schedule_invitees WHERE schedule_id = ? AND account_id = ?";
// The reminder is cleared only when the time moves: a reminder the scan sent meanwhile for an
// unchanged time stays sent.
constexpr const char* kUpdateSchedule =
    "UPDATE call_schedules SET starts_at = ?, note = ?, updated_at = ?, "
    "reminded_at = CASE WHEN ? = 1 THEN NULL ELSE reminded_at END "
    "WHERE id = ? AND cancelled_at IS NULL";
constexpr const char* kCancelSchedule =
    "UPDATE call_schedules SET cancelled_at = ?, updated_at = ? "
    "WHERE id = ? AND cancelled_at IS NULL";

constexpr const char* kNextCall =
    "SELECT s.id, s.starts_at, s.note FROM call_schedule_invitees i "
    "JOIN call_schedules s ON s.id = i.schedule_id "
    "WHERE i.account_id = ? AND s.resident_id = ? AND s.cancelled_at IS NULL AND s.starts_at > ? "
    "ORDER BY s.starts_at, s.id LIMIT 1";

constexpr const char* kDueReminders =
    "SELECT id, facility_id FROM call_schedules WHERE reminded_at IS NULL AND cancelled_at IS NULL "
    "AND starts_at > ? AND starts_at <= ? ORDER BY starts_at, id LIMIT 200";
// Compare-and-set: the process whose UPDATE changes the row sends the reminder; a call
// cancelled or moved past meanwhile is not claimed.
constexpr const char* kClaimReminder =
    "UPDATE call_schedules SET reminded_at = ? "
    "WHERE id = ? AND reminded_at IS NULL AND cancelled_at IS NULL AND starts_at > ?";

// Who gets a message about a call: invitees still linked to the resident (a removed link ends
// the invitation too), while the resident lives there and the facility is open.
constexpr const char* kRecipients =
    "SELECT i.account_id FROM call_schedule_invitees i "
    "JOIN call_schedules s ON s.id = i.schedule_id "
    "JOIN links l ON l.resident_id = s.resident_id AND l.account_id = i.account_id "
    "JOIN residents r ON r.id = s.resident_id JOIN facilities f ON f.id = s.facility_id "
    "WHERE i.schedule_id = ? AND r.discharged_at IS NULL AND f.closed_at IS NULL "
    "ORDER BY i.account_id";
// Who is told that a call is cancelled: the same people, except that a discharge, which cancels
// the resident's calls after marking the resident discharged, tells them too.
constexpr const char* kCancelRecipients =
    "SELECT i.account_id FROM call_schedule_invitees i "
    "JOIN call_schedules s ON s.id = i.schedule_id "
    "JOIN links l ON l.resident_id = s.resident_id AND l.account_id = i.account_id "
    "JOIN facilities f ON f.id = s.facility_id "
    "WHERE i.schedule_id = ? AND f.closed_at IS NULL ORDER BY i.account_id";
constexpr const char* kUpcomingOfResident =
    "SELECT id FROM call_schedules WHERE resident_id = ? AND facility_id = ? "
    "AND cancelled_at IS NULL AND starts_at > ? ORDER BY starts_at, id";

}  // namespace sql

namespace {

std::string detail(const nlohmann::json& j) { return j.dump(); }

CallSchedule schedule_from(const store::Row& r) {
  CallSchedule s;
  s.id = r.integer(0);
  s.facility_id = r.integer(1);
  s.resident_id = r.integer(2);
  s.resident_name = r.text(3);
  s.starts_at = r.integer(4);
  s.note = r.text(5);
  s.created_by = r.integer(6);
  s.created_by_name = r.text(7);
  s.created_at = r.integer(8);
  s.cancelled_at = r.opt_integer(9);
  s.reminded_at = r.opt_integer(10);
  return s;
}

std::optional<CallSchedule> find_schedule(store::Connection& c, std::int64_t facility_id,
                                          std::int64_t id) {
  auto rows = c.exec(sql::kScheduleById, {id, facility_id});
  if (rows.empty()) return std::nullopt;
  auto s = schedule_from(rows.first());
  for (const auto& r : c.exec(sql::kInviteesOf, {id}).rows)
    s.invitees.push_back({r.integer(1), r.text(2)});
  return s;
}

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
    else if (c.exec(sql::kConflicts,
                    {resident_id, *at - kScheduleMinGap, *at + kScheduleMinGap, own_id})
                 .first()
                 .integer(0) > 0)
      errors.add("time", "schedule_conflict");
    out.starts_at = *at;
  }

  out.note = core::trim(in.note);
  if (!core::is_valid_utf8(out.note) || out.note.find_first_of("\r\n\t") != std::string::npos)
    errors.add("note", "invalid");
  else if (core::char_count(out.note) > kScheduleNoteMax)
    errors.add("note", "too_long");

  std::set<std::int64_t> linked;
  for (const auto& r : c.exec(sql::kLinkedAccounts, {resident_id}).rows)
    linked.insert(r.integer(0));
  if (linked.empty()) {
    errors.add("invitees", "no_linked_people");
  } else if (!in.invitees) {
    out.invitees.assign(linked.begin(), linked.end());
  } else {
    std::set<std::int64_t> chosen(in.invitees->begin(), in.invitees->end());
    if (chosen.empty()) errors.add("invitees", "required");
    for (auto id : chosen) {
      if (!linked.count(id)) {
        errors.add("invitees", "invitee_not_linked");
        break;
      }
    }
    out.invitees.assign(chosen.begin(), chosen.end());
  }
  errors.throw_if_any();
  return out;
}

}  // namespace

std::vector<CallSchedule> ScheduleService::list(const pass::Account& who,
                                                std::int64_t facility_id) {
  const auto since = clock_.now() - kRecentWindow;
  return db_.with([&](store::Connection& c) {
    live::require_facility(c, who, facility_id, live::Need::staff);
    std::vector<CallSchedule> out;
    for (const auto& r : c.exec(sql::kSchedulesOfFacility, {facility_id, since}).rows)
      out.push_back(schedule_from(r));
    for (const auto& r : c.exec(sql::kInviteesOfFacility, {facility_id, since}).rows) {
      for (auto& s : out)
        if (s.id == r.integer(0)) s.invitees.push_back({r.integer(1), r.text(2)});
    }
    return out;
  });
}

CallSchedule ScheduleService::create(const pass::Account& who, std::int64_t facility_id,
                                     const ScheduleInput& in) {
  const auto now = clock_.now();
  auto created = db_.transaction([&](store::Connection& c) {
    auto access = live::require_facility(c, who, facility_id, live::Need::staff);
    if (!in.resident_id) throw Error::field("resident_id", "required");
    // Locked before it is read: on PostgreSQL a discharge committed while we waited is seen
    // here, so no call is booked after the discharge cancelled the resident's calls.
    c.exec(sql::kLockResident, {*in.resident_id});
    // Another facility's resident answers like an unknown one: nothing to learn about it.
    auto resident = live::repo::find_resident(c, *in.resident_id);
    if (!resident || resident->facility_id != facility_id)
      throw Error::field("resident_id", "resident_not_found");
    if (resident->discharged_at) throw Error::field("resident_id", "resident_discharged");
    auto checked = check_input(c, time_, now, resident->id, 0, in);

    const auto id = c.exec(sql::kInsertSchedule, {facility_id, resident->id, checked.starts_at,
                                                  checked.note, who.id, now, now})
                        .first()
                        .integer(0);
    for (auto account_id : checked.invitees) c.exec(sql::kInsertInvitee, {id, account_id});

    const notify::CallNotice notice{
        access.facility.name, resident->display_name(), time_.long_label(checked.starts_at),
        checked.note, public_url_ + "/live/residents/" + std::to_string(resident->id) + "/call"};
    for (auto account_id : checked.invitees) {
      if (auto a = pass::repo::find_account(c, account_id))
        notify::enqueue(c, templates_.call_scheduled(a->primary_login_id(), notice), now);
    }
    pass::repo::audit(c, now, who.id, "call_scheduled", "",
                      detail({{"facility_id", facility_id},
                              {"resident_id", resident->id},
                              {"schedule_id", id},
                              {"starts_at", checked.starts_at}}));
    return *find_schedule(c, facility_id, id);
  });
  notify_queued();
  return created;
}

CallSchedule ScheduleService::change(const pass::Account& who, std::int64_t facility_id,
                                     std::int64_t schedule_id, const ScheduleInput& in) {
  const auto now = clock_.now();
  auto changed = db_.transaction([&](store::Connection& c) {
    auto access = live::require_facility(c, who, facility_id, live::Need::staff);
    auto before = find_schedule(c, facility_id, schedule_id);
    if (!before) throw Error(codes::kNotFound);
    auto resident = live::repo::find_resident(c, before->resident_id);
    if (before->cancelled_at || before->starts_at <= now || !resident || resident->discharged_at)
      throw Error(codes::kScheduleClosed);
    c.exec(sql::kLockResident, {resident->id});
    auto checked = check_input(c, time_, now, resident->id, schedule_id, in);

    const bool moved = checked.starts_at != before->starts_at;
    if (c.exec(sql::kUpdateSchedule,
               {checked.starts_at, checked.note, now, std::int64_t{moved ? 1 : 0}, schedule_id})
            .affected != 1)
      throw Error(codes::kScheduleClosed);
    const auto old_ids = ids_of(before->invitees);
    const std::set<std::int64_t> old_set(old_ids.begin(), old_ids.end());
    const std::set<std::int64_t> new_set(checked.invitees.begin(), checked.invitees.end());
    for (auto id : old_set)
      if (!new_set.count(id)) c.exec(sql::kDeleteInvitee, {schedule_id, id});
    for (auto id : new_set)
      if (!old_set.count(id)) c.exec(sql::kInsertInvitee, {schedule_id, id});

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
    pass::repo::audit(c, now, who.id, "call_schedule_changed", "",
                      detail({{"facility_id", facility_id},
                              {"resident_id", resident->id},
                              {"schedule_id", schedule_id},
                              {"starts_at", checked.starts_at}}));
    return *find_schedule(c, facility_id, schedule_id);
  });
  notify_queued();
  return changed;
}

void ScheduleService::cancel(const pass::Account& who, std::int64_t facility_id,
                             std::int64_t schedule_id) {
  const auto now = clock_.now();
  db_.transaction([&](store::Connection& c) {
    auto access = live::require_facility(c, who, facility_id, live::Need::staff);
    auto s = find_schedule(c, facility_id, schedule_id);
    if (!s) throw Error(codes::kNotFound);
    if (s->cancelled_at || s->starts_at <= now) throw Error(codes::kScheduleClosed);
    if (!cancel_and_tell(c, who.id, access.facility.name, facility_id, schedule_id, now, ""))
      throw Error(codes::kScheduleClosed);
  });
  notify_queued();
}

int ScheduleService::cancel_upcoming_calls(store::Connection& c, std::int64_t actor_id,
                                           std::int64_t facility_id, std::int64_t resident_id,
                                           core::UnixSeconds now) {
  auto facility = live::repo::find_facility(c, facility_id);
  if (!facility) return 0;
  int cancelled = 0;
  for (const auto& r : c.exec(sql::kUpcomingOfResident, {resident_id, facility_id, now}).rows) {
    if (cancel_and_tell(c, actor_id, facility->name, facility_id, r.integer(0), now,
                        "resident_discharged"))
      ++cancelled;
  }
  return cancelled;
}

bool ScheduleService::cancel_and_tell(store::Connection& c, std::int64_t actor_id,
                                      const std::string& facility_name, std::int64_t facility_id,
                                      std::int64_t schedule_id, core::UnixSeconds now,
                                      const std::string& reason) {
  // Compare-and-set: two staff members cancelling at once tell the family once.
  if (c.exec(sql::kCancelSchedule, {now, now, schedule_id}).affected != 1) return false;
  // Read after the write: on PostgreSQL a change committed while we waited for the row is seen,
  // so the notice names the time the family was last told.
  auto s = find_schedule(c, facility_id, schedule_id);
  if (!s) return false;
  auto resident = live::repo::find_resident(c, s->resident_id);
  const notify::CallNotice notice{
      facility_name, resident ? resident->display_name() : s->resident_name,
      time_.long_label(s->starts_at), s->note,
      public_url_ + "/live/residents/" + std::to_string(s->resident_id) + "/call"};
  for (const auto& r : c.exec(sql::kCancelRecipients, {schedule_id}).rows) {
    if (auto a = pass::repo::find_account(c, r.integer(0)))
      notify::enqueue(c, templates_.call_cancelled(a->primary_login_id(), notice), now);
  }
  nlohmann::json d{{"facility_id", facility_id}, {"schedule_id", schedule_id}};
  if (!reason.empty()) d["reason"] = reason;
  pass::repo::audit(c, now, actor_id, "call_schedule_cancelled", "", detail(d));
  return true;
}

std::optional<NextCall> ScheduleService::next_call(std::int64_t account_id,
                                                   std::int64_t resident_id) {
  // forbidden / terms_required, exactly as the home screen itself.
  family_.home(account_id, resident_id);
  const auto since = clock_.now() - kShownAfterStart;
  return db_.with([&](store::Connection& c) -> std::optional<NextCall> {
    auto rows = c.exec(sql::kNextCall, {account_id, resident_id, since});
    if (rows.empty()) return std::nullopt;
    const auto& r = rows.first();
    return NextCall{r.integer(0), r.integer(1), r.text(2)};
  });
}

int ScheduleService::send_due_reminders() {
  const auto now = clock_.now();
  const auto lead = settings_.reminder_minutes_before * core::kMinute;
  auto due = db_.with([&](store::Connection& c) {
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    for (const auto& r : c.exec(sql::kDueReminders, {now, now + lead}).rows)
      out.emplace_back(r.integer(0), r.integer(1));
    return out;
  });
  int reminded = 0;
  for (const auto& [id, facility_id] : due) {
    const bool claimed = db_.transaction([&](store::Connection& c) {
      if (c.exec(sql::kClaimReminder, {now, id, now}).affected != 1) return false;
      auto s = find_schedule(c, facility_id, id);
      if (!s) return true;
      auto facility = live::repo::find_facility(c, facility_id);
      auto resident = live::repo::find_resident(c, s->resident_id);
      if (!facility || !resident) return true;
      const notify::CallNotice notice{
          facility->name, resident->display_name(), time_.long_label(s->starts_at), s->note,
          public_url_ + "/live/residents/" + std::to_string(s->resident_id) + "/call"};
      for (const auto& r : c.exec(sql::kRecipients, {id}).rows) {
        if (auto a = pass::repo::find_account(c, r.integer(0)))
          notify::enqueue(c, templates_.call_reminder(a->primary_login_id(), notice), now);
      }
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
