#pragma once

#include "http/router.hpp"
#include "live/family.hpp"

namespace carelive::live {

// The /api/v1 endpoints of the family / care-worker side of Live (docs/api.md "Live").
void register_family_routes(http::Router& router, FamilyService& service);

}  // namespace carelive::live
