#include "personal_data.hpp"

#include "audit/audit.hpp"
#include "calls/call_repo.hpp"
#include "core/time_text.hpp"
#include "http/context.hpp"
#include "live/personal_data.hpp"
#include "notify/repo.hpp"
#include "pass/personal_data.hpp"
#include "push/subscriptions.hpp"

namespace carelive {

using nlohmann::json;
using verb = boost::beast::http::verb;

namespace {

json messages_json(store::Connection& c, const pass::Account& a) {
  json out = json::array();
  for (const auto& m : notify::repo::messages_to(c, pass::personal_data::login_ids(a)))
    out.push_back({{"channel", m.channel},
                   {"to", m.recipient},
                   {"subject", m.subject},
                   // Empty when it held a link (kept sealed, then wiped) or was purged.
                   {"body", m.body},
                   {"created_at", http::iso8601(m.created_at)},
                   {"sent_at", http::iso8601(m.sent_at)}});
  return out;
}

json audit_json(store::Connection& c, std::int64_t account_id) {
  json out = json::array();
  audit::Query q;
  q.accounts = std::vector<std::int64_t>{account_id};
  q.limit = 1000;
  for (;;) {
    const auto page = audit::search(c, q);
    for (const auto& e : page.entries)
      out.push_back({{"at", http::iso8601(e.at)}, {"event", e.event}, {"address", e.address}});
    if (!page.next) return out;
    q.after = page.next;
  }
}

}  // namespace

json personal_data_of(App& app, const auth::Principal& p, const auth::RequestMeta& meta) {
  app.access_log().flush();  // the person's own reads up to now are in the log they get
  const auto now = app.clock().now();
  auto data = app.db().with([&](store::Connection& c) {
    json d = pass::personal_data::collect(c, p.account);
    const auto live = live::personal_data::collect(c, p.account.id);
    for (const auto& [key, value] : live.items()) d[key] = value;
    d["calls"] = calls::call_repo::participations(c, p.account.id);
    d["messages"] = messages_json(c, p.account);
    json devices = json::array();
    for (const auto& s : push::repo::of_account(c, p.account.id))
      devices.push_back({{"user_agent", s.user_agent}, {"since", http::iso8601(s.created_at)}});
    d["push_devices"] = devices;
    d["audit_log"] = audit_json(c, p.account.id);
    return d;
  });
  data["generated_at"] = http::iso8601(now);
  app.db().transaction([&](store::Connection& c) {
    audit::record(c, now, audit::Actor::of(p, meta), "personal_data_downloaded");
  });
  return data;
}

void delete_pass(App& app, const auth::Principal& p, const pass::PassService::Deletion& d,
                 const auth::RequestMeta& meta) {
  app.pass().delete_account(
      p, d, meta, [](store::Connection& c, const pass::Account& a, core::UnixSeconds now) {
        live::personal_data::erase(c, a.id, now);
        for (const auto& s : push::repo::of_account(c, a.id)) push::repo::remove_id(c, s.id);
        notify::repo::forget_recipients(c, pass::personal_data::login_ids(a));
      });
}

void register_personal_data_routes(http::Router& r, App& app) {
  r.add(verb::get, "/api/v1/account/data", http::Access::authenticated, [&app](http::Context& ctx) {
    const auto data = personal_data_of(app, ctx.who(), ctx.meta());
    return http::download_response(ctx, "application/json; charset=utf-8",
                                   core::jst(app.clock().now(), "carelive-pass-%Y%m%d.json"),
                                   data.dump(2));
  });

  r.add(verb::post, "/api/v1/account/delete/passkey-options", http::Access::authenticated,
        [&app](http::Context& ctx) {
          return http::json_response(
              ctx, 200, {{"public_key", app.pass().confirm_passkey_options(ctx.who())}});
        });

  r.add(verb::post, "/api/v1/account/delete", http::Access::authenticated,
        [&app](http::Context& ctx) {
          const auto body = ctx.json_body();
          pass::PassService::Deletion d;
          d.current_password = http::string_field(body, "current_password");
          d.code = http::string_field(body, "code");
          if (const auto it = body.find("credential"); it != body.end() && it->is_object())
            d.passkey = *it;
          delete_pass(app, ctx.who(), d, ctx.meta());
          ctx.set_cookies.push_back(http::session_cookie(ctx.settings, "", 0));
          return http::empty_response(ctx, 204);
        });
}

}  // namespace carelive
