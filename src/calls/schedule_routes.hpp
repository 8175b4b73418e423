#pragma once

#include "audit/access_log.hpp"

#include "calls/schedule.hpp"
#include "http/router.hpp"

namespace carelive::calls {

// Scheduled calls: the staff console's …/call-schedules and the family's
// /live/residents/{id}/next-call (docs/api.md "Scheduled calls").
// The list leaves an access record per resident it shows (SPEC 15).
void register_schedule_routes(http::Router& r, ScheduleService& s, audit::AccessLog& log);

}  // namespace carelive::calls
