#pragma once

#include "http/router.hpp"
#include "pass/service.hpp"

namespace carelive::pass {

// The /api/v1 endpoints of CareLive Pass (docs/api.md).
void register_routes(http::Router& router, PassService& service);

nlohmann::json account_json(const Account& a);

}  // namespace carelive::pass
