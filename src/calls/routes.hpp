#pragma once

#include "calls/settings.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "live/family.hpp"

namespace carelive::calls {

// GET /api/v1/calls/ice-servers: the RTCPeerConnection iceServers for the caller, with
// short-lived TURN credentials (SPEC 7; docs/api.md "Calls"), only for people who may take part
// in some call: the relay is not an open proxy for every account.
void register_call_routes(http::Router& router, const TurnSettings& turn, const core::Clock& clock,
                          live::FamilyService& family);

}  // namespace carelive::calls
