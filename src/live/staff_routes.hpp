#pragma once

#include "http/router.hpp"
#include "live/staff.hpp"

namespace carelive::live {

// The /api/v1/staff endpoints of the staff console (docs/api.md "Staff console"). Each handler
// decodes, calls one StaffService function (which checks the caller's access), encodes.
void register_staff_routes(http::Router& router, StaffService& service);

}  // namespace carelive::live
