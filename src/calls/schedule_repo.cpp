#include "calls/schedule_repo.hpp"

#include "store/rows.hpp"

namespace carelive::calls::schedule_repo {

using store::all_of;
using store::Columns;
using store::first_of;

namespace sql {

// Both list the columns read_schedule() reads.
constexpr const char* kScheduleById =
    "SELECT s.id, s.facility_id, s.resident_id, r.family_name || ' ' || r.given_name, "
    "s.starts_at, s.note, s.created_by, COALESCE(a.family_name || ' ' || a.given_name, ''), "
    "s.created_at, s.cancelled_at, s.reminded_at "
    "FROM call_schedules s JOIN residents r ON r.id = s.resident_id "
    "LEFT JOIN accounts a ON a.id = s.created_by "
    "WHERE s.id = ? AND s.facility_id = ?";
constexpr const char* kSchedulesOfFacility =
    "SELECT s.id, s.facility_id, s.resident_id, r.family_name || ' ' || r.given_name, "
    "s.starts_at, s.note, s.created_by, COALESCE(a.family_name || ' ' || a.given_name, ''), "
    "s.created_at, s.cancelled_at, s.reminded_at "
    "FROM call_schedules s JOIN residents r ON r.id = s.resident_id "
    "LEFT JOIN accounts a ON a.id = s.created_by "
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
constexpr const char* kConflicts =
    "SELECT COUNT(*) FROM call_schedules WHERE resident_id = ? AND cancelled_at IS NULL "
    "AND starts_at > ? AND starts_at < ? AND id <> ?";

}  // namespace sql

namespace {

// The columns of kScheduleById and kSchedulesOfFacility, in order.
CallSchedule read_schedule(Columns& r) {
  CallSchedule s;
  s.id = r.integer();
  s.facility_id = r.integer();
  s.resident_id = r.integer();
  s.resident_name = r.text();
  s.starts_at = r.integer();
  s.note = r.text();
  s.created_by = r.integer();
  s.created_by_name = r.text();
  s.created_at = r.integer();
  s.cancelled_at = r.opt_integer();
  s.reminded_at = r.opt_integer();
  return s;
}

// schedule id, account id, name: added to the schedule of that id in `to`.
void add_invitees(const store::Result& rows, std::vector<CallSchedule>& to) {
  for (const auto& row : rows.rows) {
    Columns r(row);
    const auto schedule_id = r.integer();
    ScheduleInvitee invitee{r.integer(), r.text()};
    for (auto& s : to)
      if (s.id == schedule_id) s.invitees.push_back(invitee);
  }
}

std::vector<std::int64_t> ids(const store::Result& rows) {
  return all_of(rows, [](Columns& r) { return r.integer(); });
}

}  // namespace

std::optional<CallSchedule> find(Connection& c, std::int64_t facility_id, std::int64_t id) {
  auto s = first_of(c.exec(sql::kScheduleById, {id, facility_id}), read_schedule);
  if (!s) return std::nullopt;
  std::vector<CallSchedule> one{std::move(*s)};
  add_invitees(c.exec(sql::kInviteesOf, {id}), one);
  return std::move(one.front());
}

std::vector<CallSchedule> since(Connection& c, std::int64_t facility_id, core::UnixSeconds since) {
  auto out = all_of(c.exec(sql::kSchedulesOfFacility, {facility_id, since}), read_schedule);
  add_invitees(c.exec(sql::kInviteesOfFacility, {facility_id, since}), out);
  return out;
}

std::int64_t count_between(Connection& c, std::int64_t resident_id, core::UnixSeconds after,
                           core::UnixSeconds before, std::int64_t except) {
  return c.exec(sql::kConflicts, {resident_id, after, before, except}).first().integer(0);
}

// ---- Writes

namespace sql {
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
}  // namespace sql

std::int64_t insert(Connection& c, const CallSchedule& s, core::UnixSeconds now) {
  return c
      .exec(sql::kInsertSchedule,
            {s.facility_id, s.resident_id, s.starts_at, s.note, s.created_by, now, now})
      .first()
      .integer(0);
}
void insert_invitee(Connection& c, std::int64_t schedule_id, std::int64_t account_id) {
  c.exec(sql::kInsertInvitee, {schedule_id, account_id});
}
void delete_invitee(Connection& c, std::int64_t schedule_id, std::int64_t account_id) {
  c.exec(sql::kDeleteInvitee, {schedule_id, account_id});
}
bool update(Connection& c, std::int64_t schedule_id, core::UnixSeconds starts_at,
            const std::string& note, bool moved, core::UnixSeconds now) {
  return c.exec(sql::kUpdateSchedule,
                {starts_at, note, now, std::int64_t{moved ? 1 : 0}, schedule_id})
             .affected == 1;
}
bool cancel(Connection& c, std::int64_t schedule_id, core::UnixSeconds now) {
  return c.exec(sql::kCancelSchedule, {now, now, schedule_id}).affected == 1;
}

// ---- The family's next call, discharges, reminders

namespace sql {
constexpr const char* kNextCall =
    "SELECT s.id, s.starts_at, s.note FROM call_schedule_invitees i "
    "JOIN call_schedules s ON s.id = i.schedule_id "
    "WHERE i.account_id = ? AND s.resident_id = ? AND s.cancelled_at IS NULL AND s.starts_at > ? "
    "ORDER BY s.starts_at, s.id LIMIT 1";
constexpr const char* kUpcomingOfResident =
    "SELECT id FROM call_schedules WHERE resident_id = ? AND facility_id = ? "
    "AND cancelled_at IS NULL AND starts_at > ? ORDER BY starts_at, id";
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
}  // namespace sql

std::optional<NextCall> next_for(Connection& c, std::int64_t account_id, std::int64_t resident_id,
                                 core::UnixSeconds after) {
  return first_of(c.exec(sql::kNextCall, {account_id, resident_id, after}), [](Columns& r) {
    return NextCall{r.integer(), r.integer(), r.text()};
  });
}
std::vector<std::int64_t> upcoming_of_resident(Connection& c, std::int64_t resident_id,
                                               std::int64_t facility_id, core::UnixSeconds now) {
  return ids(c.exec(sql::kUpcomingOfResident, {resident_id, facility_id, now}));
}
std::vector<std::pair<std::int64_t, std::int64_t>> due_reminders(Connection& c,
                                                                 core::UnixSeconds from,
                                                                 core::UnixSeconds to) {
  return all_of(c.exec(sql::kDueReminders, {from, to}), [](Columns& r) {
    const auto id = r.integer();
    return std::pair{id, r.integer()};
  });
}
bool claim_reminder(Connection& c, std::int64_t schedule_id, core::UnixSeconds now) {
  return c.exec(sql::kClaimReminder, {now, schedule_id, now}).affected == 1;
}
std::vector<std::int64_t> recipients(Connection& c, std::int64_t schedule_id) {
  return ids(c.exec(sql::kRecipients, {schedule_id}));
}
std::vector<std::int64_t> cancel_recipients(Connection& c, std::int64_t schedule_id) {
  return ids(c.exec(sql::kCancelRecipients, {schedule_id}));
}

}  // namespace carelive::calls::schedule_repo
