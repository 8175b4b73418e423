#pragma once

#include "http/router.hpp"
#include "live/staff.hpp"
#include "live/staff_invitations.hpp"

namespace carelive::live {

// The /api/v1/staff endpoints of the staff console (docs/api.md "Staff console"). Each handler
// decodes, calls one StaffService or StaffInvitations function (which checks the caller's
// access), encodes. Also /api/v1/staff-invitations, where the invited person answers.
void register_staff_routes(http::Router& router, StaffService& service,
                           StaffInvitations& invitations);

}  // namespace carelive::live
