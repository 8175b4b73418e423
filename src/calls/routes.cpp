#include "calls/routes.hpp"

#include "calls/turn.hpp"

namespace carelive::calls {

using verb = boost::beast::http::verb;

void register_call_routes(http::Router& r, const TurnSettings& turn, const core::Clock& clock,
                          live::FamilyService& family) {
  r.add(verb::get, "/api/v1/calls/ice-servers", http::Access::authenticated,
        [&turn, &clock, &family](http::Context& ctx) {
          if (!family.may_take_part_in_calls(ctx.who().account.id))
            throw core::Error(core::codes::kForbidden);
          const auto now = clock.now();
          nlohmann::json list = nlohmann::json::array();
          for (const auto& s : ice_servers(turn, ctx.who().account.id, now)) {
            nlohmann::json entry = {{"urls", s.urls}};
            if (!s.username.empty()) {
              entry["username"] = s.username;
              entry["credential"] = s.credential;
            }
            list.push_back(entry);
          }
          return http::json_response(ctx, 200,
                                     {{"ice_servers", list},
                                      {"ice_transport_policy", turn.policy},
                                      {"expires_at", now + turn.ttl}});
        });
}

}  // namespace carelive::calls
