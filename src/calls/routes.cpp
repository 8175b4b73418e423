#include "calls/routes.hpp"

#include "calls/turn.hpp"
#include "live/access_records.hpp"
#include "live/console_json.hpp"

namespace carelive::calls {

using verb = boost::beast::http::verb;

namespace {

nlohmann::json reach_json(const Reach& reach) {
  using nlohmann::json;
  json people = json::array();
  for (const auto& p : reach.people)
    people.push_back({{"account_id", p.account_id},
                      {"name", p.name},
                      {"kind", p.kind},
                      {"devices", p.devices},
                      {"notified", p.notified},
                      {"delivered", p.delivered},
                      {"failed", p.failed}});
  json call = nullptr;
  if (reach.call) {
    json in_call = json::array();
    for (const auto& p : reach.call->participants) in_call.push_back(p.account_id);
    call = {{"call_id", reach.call->id},
            {"state", state_name(reach.call->state)},
            {"started_at", reach.call->started_at},
            {"participants", in_call}};
  }
  return {{"call", call}, {"people", people}};
}

}  // namespace

void register_call_routes(http::Router& r, const TurnSettings& turn, const core::Clock& clock,
                          live::FamilyService& family, CallNotices& notices,
                          audit::AccessLog& log) {
  r.add(verb::get, "/api/v1/staff/facilities/{fid}/residents/{rid}/reach",
        http::Access::authenticated, [&notices, &log](http::Context& ctx) {
          using live::console::id_param;
          const auto fid = id_param(ctx, "fid");
          const auto rid = id_param(ctx, "rid");
          auto reach = notices.reach(ctx.who().account, fid, rid);
          live::viewed(log, ctx.actor(), "call_reach_viewed", fid, {rid});
          return http::json_response(ctx, 200, reach_json(reach));
        });

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
