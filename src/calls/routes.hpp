#pragma once

#include "calls/settings.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"

namespace carelive::calls {

// GET /api/v1/calls/ice-servers: the RTCPeerConnection iceServers for the caller, with
// short-lived TURN credentials (SPEC 7; docs/api.md "Calls").
void register_call_routes(http::Router& router, const TurnSettings& turn, const core::Clock& clock);

}  // namespace carelive::calls
