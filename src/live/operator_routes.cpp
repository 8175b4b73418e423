#include "live/operator_routes.hpp"

#include "audit/actor.hpp"
#include "live/console_json.hpp"

namespace carelive::live {

using http::Access;
using http::Context;
using http::json_response;
using http::string_field;
using nlohmann::json;
using verb = boost::beast::http::verb;
using namespace console;

namespace {

json announcement_json(const Announcement& a) {
  return {{"id", a.id},
          {"title", a.title},
          {"body", a.body},
          {"published_at", iso8601(a.published_at)}};
}

json terms_json(const TermsVersion& t) {
  return {{"id", t.id},
          {"version", t.version},
          {"body", t.body},
          {"published_at", iso8601(t.published_at)}};
}

}  // namespace

void register_operator_routes(http::Router& r, OperatorService& s) {
  const std::string v1 = "/api/v1/operator";

  r.add(verb::get, v1 + "/facilities", Access::authenticated, [&s](Context& ctx) {
    json list = json::array();
    for (const auto& row : s.facilities(ctx.who().account)) {
      auto j = facility_json(row.facility);
      j["residents"] = row.residents;
      j["staff"] = row.staff;
      list.push_back(j);
    }
    return json_response(ctx, 200, {{"facilities", list}});
  });

  r.add(verb::post, v1 + "/facilities", Access::authenticated, [&s](Context& ctx) {
    auto b = ctx.json_body();
    auto f = s.add_facility(ctx.who().account, string_field(b, "code"), string_field(b, "name"),
                            string_field(b, "kind"), ctx.actor());
    return json_response(ctx, 201, {{"facility", facility_json(f)}});
  });

  r.add(verb::put, v1 + "/facilities/{fid}", Access::authenticated, [&s](Context& ctx) {
    auto f = s.rename_facility(ctx.who().account, id_param(ctx, "fid"),
                               string_field(ctx.json_body(), "name"), ctx.actor());
    return json_response(ctx, 200, {{"facility", facility_json(f)}});
  });

  r.add(verb::post, v1 + "/facilities/{fid}/close", Access::authenticated, [&s](Context& ctx) {
    s.close_facility(ctx.who().account, id_param(ctx, "fid"), ctx.actor());
    return http::empty_response(ctx, 204);
  });

  r.add(verb::get, v1 + "/facilities/{fid}/admins", Access::authenticated, [&s](Context& ctx) {
    const auto& who = ctx.who().account;
    json list = json::array();
    for (const auto& row : s.admins(who, id_param(ctx, "fid")))
      list.push_back(staff_row_json(row, who.id));
    return json_response(ctx, 200, {{"admins", list}});
  });

  r.add(verb::post, v1 + "/facilities/{fid}/admins", Access::authenticated, [&s](Context& ctx) {
    auto b = ctx.json_body();
    auto added = s.add_admin(ctx.who().account, id_param(ctx, "fid"), names_of(b),
                             string_field(b, "login_id"), ctx.actor());
    return json_response(ctx, 201,
                         {{"account_id", added.account_id},
                          {"account_created", added.account_created},
                          {"set_password_link_sent", added.set_password_link_sent}});
  });

  r.add(verb::get, v1 + "/announcements", Access::authenticated, [&s](Context& ctx) {
    json list = json::array();
    for (const auto& a : s.announcements(ctx.who().account)) list.push_back(announcement_json(a));
    return json_response(ctx, 200, {{"announcements", list}});
  });

  r.add(verb::post, v1 + "/announcements", Access::authenticated, [&s](Context& ctx) {
    auto b = ctx.json_body();
    auto a = s.add_announcement(ctx.who().account, string_field(b, "title"),
                                string_field(b, "body"), ctx.actor());
    return json_response(ctx, 201, {{"announcement", announcement_json(a)}});
  });

  r.add(verb::get, v1 + "/terms", Access::authenticated, [&s](Context& ctx) {
    json list = json::array();
    for (const auto& t : s.terms(ctx.who().account)) list.push_back(terms_json(t));
    return json_response(ctx, 200, {{"terms", list}});
  });

  r.add(verb::post, v1 + "/terms", Access::authenticated, [&s](Context& ctx) {
    auto t = s.publish_terms(ctx.who().account, string_field(ctx.json_body(), "body"), ctx.actor());
    return json_response(ctx, 201, {{"terms", terms_json(t)}});
  });
}

}  // namespace carelive::live
