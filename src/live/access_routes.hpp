#pragma once

#include "http/router.hpp"
#include "live/access_records.hpp"

namespace carelive::live {

// Access records (SPEC 15; docs/api.md "Access records"): a facility admin's search and CSV of
// the facility's rows, the operator's across facilities. POST with the filter as JSON.
void register_access_routes(http::Router& router, AccessRecords& records);

}  // namespace carelive::live
