#pragma once

#include "http/router.hpp"
#include "pass/service.hpp"

namespace carelive::pass {

// The /api/v1 endpoints of CareLive Pass (docs/api.md).
// `brand` is the configured product names the app shows (SPEC: brand names are configuration).
void register_routes(http::Router& router, PassService& service, const notify::Brand& brand);

nlohmann::json account_json(const Account& a);

}  // namespace carelive::pass
