#include "live/staff_routes.hpp"

#include "audit/actor.hpp"
#include "core/mask.hpp"
#include "core/qr.hpp"
#include "live/access_records.hpp"
#include "live/console_json.hpp"
#include "live/staff_invitations.hpp"

namespace carelive::live {

using http::Access;
using http::Context;
using http::json_response;
using nlohmann::json;
using verb = boost::beast::http::verb;
using namespace console;

namespace {

std::int64_t facility_of(const Context& ctx) { return id_param(ctx, "fid"); }
std::int64_t resident_of(const Context& ctx) { return id_param(ctx, "rid"); }

// {"url", "svg", "version", "modules"}; url and svg null while the invite is stopped.
json invite_json(const std::optional<std::string>& url) {
  if (!url) return {{"url", nullptr}, {"svg", nullptr}, {"version", nullptr}, {"modules", nullptr}};
  auto qr = core::qr_svg(*url);
  return {{"url", *url}, {"svg", qr.svg}, {"version", qr.version}, {"modules", qr.modules}};
}

// An unanswered invitation as the console lists it: only what the admin typed, and its state.
json invitation_json(const StaffInvitation& i, core::UnixSeconds now) {
  const char* state = i.declined_at ? "declined" : (now >= i.expires_at ? "expired" : "open");
  return {{"id", i.id},
          {"name", i.name()},
          {"kana", i.kana()},
          {"login_id", i.login_id},
          {"is_admin", i.is_admin},
          {"invited_at", iso8601(i.created_at)},
          {"expires_at", iso8601(i.expires_at)},
          {"state", state}};
}

}  // namespace

void register_staff_routes(http::Router& r, StaffService& s, StaffInvitations& inv,
                           audit::AccessLog& log) {
  const std::string base = "/api/v1/staff/facilities";
  const std::string fac = base + "/{fid}";
  const std::string res = fac + "/residents/{rid}";

  r.add(verb::get, base, Access::authenticated, [&s](Context& ctx) {
    json list = json::array();
    for (const auto& f : s.facilities(ctx.who().account)) {
      auto j = facility_json(f.facility);
      j["is_admin"] = f.is_admin;
      j["pending"] = f.pending;
      list.push_back(j);
    }
    return json_response(ctx, 200,
                         {{"facilities", list}, {"operator", ctx.who().account.is_operator}});
  });

  r.add(verb::get, fac, Access::authenticated, [&s](Context& ctx) {
    const auto& who = ctx.who().account;
    auto a = s.access(who, facility_of(ctx), Need::staff);
    auto j = facility_json(a.facility);
    j["is_admin"] = a.is_admin;
    j["pending"] = s.pending(who, a.facility.id).size();
    return json_response(ctx, 200, {{"facility", j}});
  });

  r.add(verb::get, fac + "/residents", Access::authenticated, [&s, &log](Context& ctx) {
    json list = json::array();
    for (const auto& row : s.residents(ctx.who().account, facility_of(ctx))) {
      auto j = resident_json(row.resident);
      j["pending"] = row.pending;
      j["linked"] = row.linked;
      list.push_back(j);
    }
    viewed(log, ctx.actor(), "residents_viewed", facility_of(ctx));
    return json_response(ctx, 200, {{"residents", list}});
  });

  // The call log (issue 4): newest first; duration_seconds is null while a call goes on.
  r.add(verb::get, fac + "/calls", Access::authenticated, [&s, &log](Context& ctx) {
    json list = json::array();
    std::set<std::int64_t> shown;
    for (const auto& call : s.calls(ctx.who().account, facility_of(ctx))) {
      shown.insert(call.resident_id);
      json people = json::array();
      for (const auto& p : call.participants)
        people.push_back({{"account_id", p.account_id},
                          {"name", p.name},
                          {"joined_at", p.joined_at},
                          {"left_at", p.left_at ? json(*p.left_at) : json(nullptr)}});
      list.push_back(
          {{"id", call.id},
           {"resident_id", call.resident_id},
           {"resident_name", call.resident_name},
           {"started_by", {{"account_id", call.started_by}, {"name", call.started_by_name}}},
           {"started_at", call.started_at},
           {"ended_at", call.ended_at ? json(*call.ended_at) : json(nullptr)},
           {"duration_seconds",
            call.ended_at ? json(*call.ended_at - call.started_at) : json(nullptr)},
           {"participants", people}});
    }
    viewed(log, ctx.actor(), "calls_viewed", facility_of(ctx), shown);
    return json_response(ctx, 200, {{"calls", list}});
  });

  r.add(verb::post, fac + "/residents", Access::authenticated, [&s](Context& ctx) {
    auto added =
        s.add_resident(ctx.who().account, facility_of(ctx), names_of(ctx.json_body()), ctx.actor());
    return json_response(ctx, 201, {{"resident", resident_json(added)}});
  });

  r.add(verb::put, res, Access::authenticated, [&s](Context& ctx) {
    auto edited = s.edit_resident(ctx.who().account, facility_of(ctx), resident_of(ctx),
                                  names_of(ctx.json_body()), ctx.actor());
    return json_response(ctx, 200, {{"resident", resident_json(edited)}});
  });

  r.add(verb::post, res + "/discharge", Access::authenticated, [&s](Context& ctx) {
    s.discharge(ctx.who().account, facility_of(ctx), resident_of(ctx), ctx.actor());
    return http::empty_response(ctx, 204);
  });

  r.add(verb::get, res + "/invite", Access::authenticated, [&s, &log](Context& ctx) {
    auto url = s.invite_url(ctx.who().account, facility_of(ctx), resident_of(ctx));
    viewed(log, ctx.actor(), "invite_viewed", facility_of(ctx), {resident_of(ctx)});
    return json_response(ctx, 200, invite_json(url));
  });

  r.add(verb::post, res + "/invite/reissue", Access::authenticated, [&s](Context& ctx) {
    return json_response(ctx, 200,
                         invite_json(s.reissue_invite(ctx.who().account, facility_of(ctx),
                                                      resident_of(ctx), ctx.actor())));
  });

  r.add(verb::post, res + "/invite/revoke", Access::authenticated, [&s](Context& ctx) {
    s.revoke_invite(ctx.who().account, facility_of(ctx), resident_of(ctx), ctx.actor());
    return http::empty_response(ctx, 204);
  });

  r.add(verb::get, res + "/links", Access::authenticated, [&s, &log](Context& ctx) {
    json list = json::array();
    for (const auto& p : s.links(ctx.who().account, facility_of(ctx), resident_of(ctx))) {
      list.push_back({{"id", p.link.id},
                      {"account_id", p.link.account_id},
                      {"name", p.name},
                      {"kana", p.kana},
                      {"kind", p.link.kind},
                      {"relationship", opt(p.link.relationship)},
                      {"office_name", opt(p.link.office_name)},
                      {"office_name_kana", opt(p.link.office_name_kana)}});
    }
    json departed = json::array();
    for (const auto& d : s.departures(ctx.who().account, facility_of(ctx), resident_of(ctx)))
      departed.push_back(
          {{"kind", d.kind}, {"linked_at", iso8601(d.linked_at)}, {"left_at", iso8601(d.left_at)}});
    viewed(log, ctx.actor(), "people_viewed", facility_of(ctx), {resident_of(ctx)});
    return json_response(ctx, 200, {{"links", list}, {"departed", departed}});
  });

  r.add(verb::delete_, res + "/links/{lid}", Access::authenticated, [&s](Context& ctx) {
    s.remove_link(ctx.who().account, facility_of(ctx), resident_of(ctx), id_param(ctx, "lid"),
                  ctx.actor());
    return http::empty_response(ctx, 204);
  });

  r.add(verb::get, fac + "/applications", Access::authenticated, [&s, &log](Context& ctx) {
    json list = json::array();
    std::set<std::int64_t> shown;
    for (const auto& p : s.pending(ctx.who().account, facility_of(ctx))) {
      shown.insert(p.resident.id);
      list.push_back({{"id", p.application.id},
                      {"kind", p.application.kind},
                      {"applied_at", iso8601(p.application.created_at)},
                      {"applicant",
                       {{"name", p.applicant_name},
                        {"kana", p.applicant_kana},
                        {"contact", core::masked_login_id(p.applicant_login_id)}}},
                      {"resident", resident_json(p.resident)}});
    }
    viewed(log, ctx.actor(), "applications_viewed", facility_of(ctx), shown);
    return json_response(ctx, 200, {{"applications", list}});
  });

  r.add(verb::post, fac + "/applications/{aid}/approve", Access::authenticated, [&s](Context& ctx) {
    s.approve(ctx.who().account, facility_of(ctx), id_param(ctx, "aid"), ctx.actor());
    return json_response(ctx, 200, {{"status", "approved"}});
  });

  r.add(verb::post, fac + "/applications/{aid}/reject", Access::authenticated, [&s](Context& ctx) {
    s.reject(ctx.who().account, facility_of(ctx), id_param(ctx, "aid"), ctx.actor());
    return json_response(ctx, 200, {{"status", "rejected"}});
  });

  r.add(verb::get, fac + "/staff", Access::authenticated, [&s, &inv, &log](Context& ctx) {
    const auto& who = ctx.who().account;
    json list = json::array();
    for (const auto& row : s.staff(who, facility_of(ctx)))
      list.push_back(staff_row_json(row, who.id));
    json invitations = json::array();
    const auto now = inv.now();
    for (const auto& i : inv.unanswered(who, facility_of(ctx)))
      invitations.push_back(invitation_json(i, now));
    viewed(log, ctx.actor(), "staff_viewed", facility_of(ctx));
    return json_response(ctx, 200, {{"staff", list}, {"invitations", invitations}});
  });

  // 「職員を追加」 invites; the answer is the same whether the login id had an account.
  r.add(verb::post, fac + "/staff", Access::authenticated, [&inv](Context& ctx) {
    auto b = ctx.json_body();
    bool is_admin =
        b.contains("is_admin") && b["is_admin"].is_boolean() && b["is_admin"].get<bool>();
    auto i = inv.invite(ctx.who().account, facility_of(ctx), names_of(b),
                        http::string_field(b, "login_id"), is_admin, ctx.actor());
    return json_response(ctx, 201, {{"invitation", invitation_json(i, inv.now())}});
  });

  r.add(verb::delete_, fac + "/staff-invitations/{iid}", Access::authenticated,
        [&inv](Context& ctx) {
          inv.revoke(ctx.who().account, facility_of(ctx), id_param(ctx, "iid"), ctx.actor());
          return http::empty_response(ctx, 204);
        });

  // The invited person, from the link in the message.
  const std::string invitation = "/api/v1/staff-invitations";
  r.add(verb::post, invitation + "/open", Access::anonymous, [&inv](Context& ctx) {
    auto v = inv.open(http::string_field(ctx.json_body(), "token"));
    return json_response(ctx, 200,
                         {{"facility", {{"name", v.facility.name}}},
                          {"is_admin", v.is_admin},
                          {"expires_at", iso8601(v.expires_at)}});
  });
  r.add(verb::post, invitation + "/accept", Access::authenticated, [&inv](Context& ctx) {
    auto f =
        inv.accept(http::string_field(ctx.json_body(), "token"), ctx.who().account, ctx.actor());
    return json_response(ctx, 200, {{"facility", facility_json(f)}});
  });
  r.add(verb::post, invitation + "/decline", Access::anonymous, [&inv](Context& ctx) {
    inv.decline(http::string_field(ctx.json_body(), "token"), ctx.actor());
    return json_response(ctx, 200, {{"status", "declined"}});
  });

  r.add(verb::post, fac + "/staff/{sid}/second-factor/reset", Access::authenticated,
        [&s](Context& ctx) {
          s.reset_second_factor(ctx.who().account, facility_of(ctx), id_param(ctx, "sid"),
                                ctx.actor());
          return http::empty_response(ctx, 204);
        });

  r.add(verb::delete_, fac + "/staff/{sid}", Access::authenticated, [&s](Context& ctx) {
    s.remove_staff(ctx.who().account, facility_of(ctx), id_param(ctx, "sid"), ctx.actor());
    return http::empty_response(ctx, 204);
  });
}

}  // namespace carelive::live
