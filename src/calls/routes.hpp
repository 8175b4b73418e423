#pragma once

#include "core/clock.hpp"
#include "core/config.hpp"
#include "http/router.hpp"

namespace carelive::calls {

// GET /api/v1/calls/ice-servers: the RTCPeerConnection iceServers for the caller, with
// short-lived TURN credentials (SPEC 7; docs/api.md "Calls").
void register_call_routes(http::Router& router, const core::Config& config,
                          const core::Clock& clock);

}  // namespace carelive::calls
