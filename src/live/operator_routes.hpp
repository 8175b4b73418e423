#pragma once

#include "http/router.hpp"
#include "live/operator.hpp"

namespace carelive::live {

// The /api/v1/operator endpoints of the operator console (docs/api.md "Operator console").
void register_operator_routes(http::Router& router, OperatorService& service);

}  // namespace carelive::live
