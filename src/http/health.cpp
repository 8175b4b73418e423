#include "http/health.hpp"

#include <nlohmann/json.hpp>

namespace carelive::http {

Response health_response(const Request& req, const Health& health) {
  const char* redis = health.redis == Health::Redis::ok     ? "ok"
                      : health.redis == Health::Redis::down ? "down"
                                                            : "off";
  const char* status = !health.store_ok                      ? "unavailable"
                       : health.redis == Health::Redis::down ? "degraded"
                                                             : "ok";
  const nlohmann::json body = {
      {"status", status}, {"store", health.store_ok ? "ok" : "unavailable"}, {"redis", redis}};
  Response res{health.store_ok ? bhttp::status::ok : bhttp::status::service_unavailable,
               req.version()};
  res.set(bhttp::field::content_type, "application/json; charset=utf-8");
  if (!health.store_ok) res.set(bhttp::field::retry_after, "5");
  res.set(bhttp::field::cache_control, "no-store");
  res.body() = body.dump();
  res.prepare_payload();
  return res;
}

}  // namespace carelive::http
