#pragma once

#include "audit/access_log.hpp"

#include "calls/notices.hpp"
#include "calls/settings.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "live/family.hpp"

namespace carelive::calls {

// GET /api/v1/calls/ice-servers: the RTCPeerConnection iceServers for the caller, with
// short-lived TURN credentials (SPEC 7; docs/api.md "Calls"), only for people who may take part
// in some call: the relay is not an open proxy for every account.
// GET /api/v1/staff/facilities/{fid}/residents/{rid}/reach: how far the resident's open call
// reached each of their people (SPEC 13; docs/api.md "Calls"), an access record each (SPEC 15).
void register_call_routes(http::Router& router, const TurnSettings& turn, const core::Clock& clock,
                          live::FamilyService& family, CallNotices& notices, audit::AccessLog& log);

}  // namespace carelive::calls
