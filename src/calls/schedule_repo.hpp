#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "calls/schedule_model.hpp"
#include "store/database.hpp"

// The SQL of scheduled calls (call_schedules, call_schedule_invitees). Functions run inside the
// caller's connection or transaction; none checks access or rules.

namespace carelive::calls::schedule_repo {

using store::Connection;

// The call with its invitees (by kana), when it belongs to the facility.
std::optional<CallSchedule> find(Connection& c, std::int64_t facility_id, std::int64_t id);
// The facility's calls starting at `since` or later, in time order, with their invitees.
std::vector<CallSchedule> since(Connection& c, std::int64_t facility_id, core::UnixSeconds since);
// How many live calls of the resident start strictly between `after` and `before`, `except`
// left out.
std::int64_t count_between(Connection& c, std::int64_t resident_id, core::UnixSeconds after,
                           core::UnixSeconds before, std::int64_t except);

std::int64_t insert(Connection& c, const CallSchedule& s, core::UnixSeconds now);
void insert_invitee(Connection& c, std::int64_t schedule_id, std::int64_t account_id);
void delete_invitee(Connection& c, std::int64_t schedule_id, std::int64_t account_id);
// New time and note of a live call; the reminder is cleared when `moved`. False when cancelled.
bool update(Connection& c, std::int64_t schedule_id, core::UnixSeconds starts_at,
            const std::string& note, bool moved, core::UnixSeconds now);
// Compare-and-set on cancelled_at: false when the call was cancelled already.
bool cancel(Connection& c, std::int64_t schedule_id, core::UnixSeconds now);

// The account's next live call with the resident starting after `after`.
std::optional<NextCall> next_for(Connection& c, std::int64_t account_id, std::int64_t resident_id,
                                 core::UnixSeconds after);
// Ids of the resident's live calls of the facility that start after `now`, in time order.
std::vector<std::int64_t> upcoming_of_resident(Connection& c, std::int64_t resident_id,
                                               std::int64_t facility_id, core::UnixSeconds now);

// (id, facility id) of live calls without a reminder starting in (from, to], at most 200.
std::vector<std::pair<std::int64_t, std::int64_t>> due_reminders(Connection& c,
                                                                 core::UnixSeconds from,
                                                                 core::UnixSeconds to);
// Compare-and-set: true for the one process that claims the call's reminder.
bool claim_reminder(Connection& c, std::int64_t schedule_id, core::UnixSeconds now);

// Invitees still linked to the resident, while the resident lives there and the facility is open.
std::vector<std::int64_t> recipients(Connection& c, std::int64_t schedule_id);
// The same, except that a discharged resident's invitees are told of the cancellation too.
std::vector<std::int64_t> cancel_recipients(Connection& c, std::int64_t schedule_id);

}  // namespace carelive::calls::schedule_repo
