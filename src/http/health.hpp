#pragma once

#include "http/context.hpp"

namespace carelive::http {

// What GET /healthz reports (docs/api.md): the store, and Redis when `[redis]` is configured.
// Without Redis between the processes, calls across processes degrade but this node still
// serves, so a load balancer keeps it (200 "degraded"); without the store it cannot (503).
struct Health {
  enum class Redis { off, ok, down };
  bool store_ok = true;
  Redis redis = Redis::off;
};

// {"status":"ok"|"degraded"|"unavailable","store":"ok"|"unavailable","redis":"ok"|"down"|"off"}
// with 200, or 503 when the store is unavailable.
Response health_response(const Request& req, const Health& health);

}  // namespace carelive::http
