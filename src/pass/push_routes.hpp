#pragma once

#include <string>

#include "http/router.hpp"
#include "push/devices.hpp"

namespace carelive::pass {

// Web Push (SPEC 13, docs/api.md "Push"): GET /api/v1/push/key (the VAPID public key, the
// browser's applicationServerKey), and the caller's devices: GET, POST and DELETE
// /api/v1/push/subscriptions.
void register_push_routes(http::Router& router, push::Devices& devices,
                          std::string public_key_base64url);

}  // namespace carelive::pass
