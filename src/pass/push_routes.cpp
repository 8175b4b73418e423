#include "pass/push_routes.hpp"

namespace carelive::pass {

using verb = boost::beast::http::verb;
using nlohmann::json;

void register_push_routes(http::Router& r, push::Devices& devices,
                          std::string public_key_base64url) {
  r.add(verb::get, "/api/v1/push/key", http::Access::anonymous,
        [key = std::move(public_key_base64url)](http::Context& ctx) {
          return http::json_response(ctx, 200, {{"public_key", key}});
        });
  r.add(verb::get, "/api/v1/push/subscriptions", http::Access::authenticated,
        [&devices](http::Context& ctx) {
          json list = json::array();
          for (const auto& s : devices.of(ctx.who().account.id))
            list.push_back({{"endpoint", s.endpoint},
                            {"user_agent", s.user_agent},
                            {"this_session", s.session_id == ctx.who().session.id},
                            {"created_at", http::iso8601(s.created_at)}});
          return http::json_response(ctx, 200, {{"subscriptions", list}});
        });
  r.add(verb::post, "/api/v1/push/subscriptions", http::Access::authenticated,
        [&devices](http::Context& ctx) {
          const auto meta = ctx.meta();
          const auto body = ctx.json_body();
          devices.subscribe(ctx.actor(), ctx.who().session.id, meta.user_agent, body);
          return http::json_response(ctx, 201, {{"endpoint", body["endpoint"]}});
        });
  r.add(verb::delete_, "/api/v1/push/subscriptions", http::Access::authenticated,
        [&devices](http::Context& ctx) {
          const auto endpoint = http::string_field(ctx.json_body(), "endpoint");
          if (endpoint.empty()) throw core::Error(core::codes::kBadRequest);
          devices.unsubscribe(ctx.actor(), endpoint);
          return http::empty_response(ctx, 204);
        });
}

}  // namespace carelive::pass
