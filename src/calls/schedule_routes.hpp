#pragma once

#include "calls/schedule.hpp"
#include "http/router.hpp"

namespace carelive::calls {

// Scheduled calls: the staff console's …/call-schedules and the family's
// /live/residents/{id}/next-call (docs/api.md "Scheduled calls").
void register_schedule_routes(http::Router& r, ScheduleService& s);

}  // namespace carelive::calls
