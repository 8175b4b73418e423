#pragma once

#include "audit/access_log.hpp"
#include "http/router.hpp"
#include "live/staff.hpp"
#include "live/staff_invitations.hpp"

namespace carelive::live {

// The /api/v1/staff endpoints of the staff console (docs/api.md "Staff console"). Each handler
// decodes, calls one StaffService or StaffInvitations function (which checks the caller's
// access), encodes; the reads of residents' data also leave an access record in `log` (SPEC
// 15). Also /api/v1/staff-invitations, where the invited person answers.
void register_staff_routes(http::Router& router, StaffService& service,
                           StaffInvitations& invitations, audit::AccessLog& log);

}  // namespace carelive::live
