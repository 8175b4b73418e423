#include "pass/routes.hpp"

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/phone.hpp"

namespace carelive::pass {

namespace codes = core::codes;

using http::Access;
using http::Context;
using http::iso8601;
using http::json_response;
using http::string_field;
using nlohmann::json;
using verb = boost::beast::http::verb;

namespace {

SignupInput signup_input(const json& b) {
  SignupInput in;
  in.family_name = string_field(b, "family_name");
  in.given_name = string_field(b, "given_name");
  in.family_name_kana = string_field(b, "family_name_kana");
  in.given_name_kana = string_field(b, "given_name_kana");
  in.contact_kind = string_field(b, "contact_kind");
  in.email = string_field(b, "email");
  in.email_confirm = string_field(b, "email_confirm");
  in.phone = string_field(b, "phone");
  in.password = string_field(b, "password");
  in.password_confirm = string_field(b, "password_confirm");
  // SPEC 1.2: a sign-up from an invite page carries the application, submitted on confirmation.
  if (b.contains("apply") && !b["apply"].is_null()) {
    const auto& a = b["apply"];
    if (!a.is_object()) throw core::Error::field("apply", "invalid");
    auto token = string_field(a, "token");
    auto kind = string_field(a, "kind");
    if (token.empty() || token.size() > 128 || (kind != "family" && kind != "care_worker"))
      throw core::Error::field("apply", "invalid");
    // Only the invite's hash (what the invites table keeps) is stored with the sign-up, never
    // the token: the sign-up row is no usable invite (live::FamilyService::after_confirm_for).
    in.after_confirm =
        json{{"apply", {{"invite", core::token_hash(token)}, {"kind", kind}}}}.dump();
  }
  return in;
}

std::string required_token(const json& b) {
  auto token = string_field(b, "token");
  if (token.empty() || token.size() > 128) throw core::Error(codes::kTokenInvalid);
  return token;
}

// The answer to a right password or second step: the session cookie, the account, and, when
// the sign-in waits for its second step, which one.
http::Response signed_in(Context& ctx, const LoginResult& result) {
  ctx.set_cookies.push_back(
      http::session_cookie(ctx.settings, result.session_token, result.cookie_max_age));
  json answer = {{"account", account_json(result.account)}};
  if (result.stage != auth::SessionStage::full)
    answer["second_step"] = auth::stage_name(result.stage);
  return json_response(ctx, 200, answer);
}

// What navigator.credentials answered, as the app sends it: {"credential": {...}}.
json passkey_response(const json& body) {
  const auto it = body.find("credential");
  if (it == body.end() || !it->is_object()) throw core::Error::field("credential", "required");
  return *it;
}

json passkey_json(const PasskeyInfo& k) {
  return {{"id", k.id},
          {"user_agent", k.user_agent},
          {"synced", k.synced},
          {"created_at", iso8601(k.created_at)},
          {"last_used_at", k.last_used_at ? json(iso8601(*k.last_used_at)) : json(nullptr)}};
}

}  // namespace

json account_json(const Account& a) {
  return {{"id", a.id},
          {"family_name", a.family_name},
          {"given_name", a.given_name},
          {"family_name_kana", a.family_name_kana},
          {"given_name_kana", a.given_name_kana},
          {"email", a.email ? json(*a.email) : json(nullptr)},
          {"phone", a.phone ? json(*a.phone) : json(nullptr)},
          {"phone_display", a.phone ? json(core::phone_display(*a.phone)) : json(nullptr)}};
}

void register_routes(http::Router& r, PassService& s, const notify::Brand& brand) {
  const std::string v1 = "/api/v1";

  r.add(verb::get, v1 + "/session", Access::anonymous, [&s, &brand](Context& ctx) {
    std::optional<Principal> p;
    if (auto token = ctx.session_token()) p = s.authenticate(*token);
    // Brand names are configuration (SPEC): the app shows what the server is set up with. So is
    // whether its address allows passkeys (the login page offers them then).
    json answer = {{"authenticated", false},
                   {"brand", {{"live", brand.live}, {"pass", brand.pass}}},
                   {"passkeys", s.passkeys_available()}};
    if (!p) return json_response(ctx, 200, answer);
    // Between the password and the second step (SPEC 15): the app opens that step's page.
    if (p->session.stage != auth::SessionStage::full) {
      answer["second_step"] = auth::stage_name(p->session.stage);
      return json_response(ctx, 200, answer);
    }
    answer["authenticated"] = true;
    answer["account"] = account_json(p->account);
    return json_response(ctx, 200, answer);
  });

  r.add(verb::post, v1 + "/signup/validate", Access::anonymous, [&s](Context& ctx) {
    auto n = s.validate_signup(signup_input(ctx.json_body()));
    json normalized = {
        {"family_name", n.family_name},
        {"given_name", n.given_name},
        {"family_name_kana", n.family_name_kana},
        {"given_name_kana", n.given_name_kana},
        {"contact_kind", n.contact_kind},
        {"email", n.contact_kind == "email" ? json(n.login_id) : json(nullptr)},
        {"phone", n.contact_kind == "phone" ? json(n.login_id) : json(nullptr)},
        {"phone_display", n.contact_kind == "phone" ? json(n.phone_display) : json(nullptr)}};
    return json_response(ctx, 200, {{"normalized", normalized}});
  });

  r.add(verb::post, v1 + "/signup", Access::anonymous, [&s](Context& ctx) {
    s.signup(signup_input(ctx.json_body()), ctx.meta());
    return json_response(ctx, 202, {{"status", "provisional"}});
  });

  r.add(verb::post, v1 + "/signup/confirm", Access::anonymous, [&s](Context& ctx) {
    nlohmann::json awaiting;
    auto outcome =
        s.confirm_signup(required_token(ctx.json_body()), ctx.meta(), nullptr, &awaiting);
    nlohmann::json answer = {
        {"status", outcome == ConfirmOutcome::completed ? "completed" : "already_completed"}};
    if (!awaiting.is_null()) answer["awaiting"] = std::move(awaiting);
    return json_response(ctx, 200, answer);
  });

  r.add(verb::post, v1 + "/login", Access::anonymous, [&s](Context& ctx) {
    auto body = ctx.json_body();
    auto result =
        s.login(string_field(body, "login_id"), string_field(body, "password"), ctx.meta());
    return signed_in(ctx, result);
  });

  r.add(verb::post, v1 + "/login/second-factor", Access::second_step, [&s](Context& ctx) {
    return signed_in(ctx,
                     s.second_step(ctx.who(), string_field(ctx.json_body(), "code"), ctx.meta()));
  });

  // Which second steps the waiting sign-in can take (the page offers those).
  r.add(verb::get, v1 + "/login/second-factor", Access::second_step, [&s](Context& ctx) {
    const auto state = s.second_factor_state(ctx.who());
    return json_response(ctx, 200,
                         {{"totp", state.factors.totp},
                          {"passkey", state.factors.passkeys > 0 && s.passkeys_available()},
                          {"recovery_codes", state.factors.recovery_codes_left > 0}});
  });

  r.add(
      verb::post, v1 + "/login/second-factor/passkey/options", Access::second_step,
      [&s](Context& ctx) {
        return json_response(ctx, 200, {{"public_key", s.second_step_passkey_options(ctx.who())}});
      });

  r.add(verb::post, v1 + "/login/second-factor/passkey", Access::second_step, [&s](Context& ctx) {
    return signed_in(
        ctx, s.second_step_with_passkey(ctx.who(), passkey_response(ctx.json_body()), ctx.meta()));
  });

  // A passkey instead of password and code (SPEC 15).
  r.add(verb::post, v1 + "/login/passkey/options", Access::anonymous, [&s](Context& ctx) {
    return json_response(ctx, 200, {{"public_key", s.passkey_sign_in_options()}});
  });

  r.add(verb::post, v1 + "/login/passkey", Access::anonymous, [&s](Context& ctx) {
    return signed_in(ctx, s.sign_in_with_passkey(passkey_response(ctx.json_body()), ctx.meta()));
  });

  r.add(verb::get, v1 + "/account/second-factor", Access::setting_up, [&s](Context& ctx) {
    const auto state = s.second_factor_state(ctx.who());
    json passkeys = json::array();
    for (const auto& k : state.passkeys) passkeys.push_back(passkey_json(k));
    return json_response(ctx, 200,
                         {{"totp", state.factors.totp},
                          {"passkeys", passkeys},
                          {"passkeys_available", s.passkeys_available()},
                          {"recovery_codes_left", state.factors.recovery_codes_left},
                          {"required", state.required}});
  });

  r.add(verb::post, v1 + "/account/passkeys/options", Access::setting_up, [&s](Context& ctx) {
    return json_response(ctx, 200, {{"public_key", s.passkey_registration_options(ctx.who())}});
  });

  r.add(verb::post, v1 + "/account/passkeys", Access::setting_up, [&s](Context& ctx) {
    auto added = s.add_passkey(ctx.who(), passkey_response(ctx.json_body()), ctx.meta());
    if (added.signed_in)
      ctx.set_cookies.push_back(http::session_cookie(ctx.settings, added.signed_in->session_token,
                                                     added.signed_in->cookie_max_age));
    return json_response(
        ctx, 201,
        {{"recovery_codes", added.recovery_codes}, {"signed_in", added.signed_in.has_value()}});
  });

  r.add(verb::delete_, v1 + "/account/passkeys/{id}", Access::authenticated, [&s](Context& ctx) {
    s.remove_passkey(ctx.who(), http::id_param(ctx),
                     string_field(ctx.json_body(), "current_password"), ctx.meta());
    return http::empty_response(ctx, 204);
  });

  r.add(verb::post, v1 + "/account/second-factor/totp", Access::setting_up, [&s](Context& ctx) {
    const auto setup = s.begin_totp(ctx.who(), ctx.meta());
    return json_response(
        ctx, 200, {{"secret", setup.secret_base32}, {"uri", setup.uri}, {"qr_svg", setup.qr_svg}});
  });

  r.add(verb::post, v1 + "/account/second-factor/totp/confirm", Access::setting_up,
        [&s](Context& ctx) {
          auto added = s.confirm_totp(ctx.who(), string_field(ctx.json_body(), "code"), ctx.meta());
          if (added.signed_in)
            ctx.set_cookies.push_back(http::session_cookie(
                ctx.settings, added.signed_in->session_token, added.signed_in->cookie_max_age));
          return json_response(ctx, 200,
                               {{"recovery_codes", added.recovery_codes},
                                {"signed_in", added.signed_in.has_value()}});
        });

  r.add(verb::post, v1 + "/account/second-factor/recovery-codes", Access::authenticated,
        [&s](Context& ctx) {
          auto shown = s.renew_recovery_codes(
              ctx.who(), string_field(ctx.json_body(), "current_password"), ctx.meta());
          return json_response(ctx, 200, {{"recovery_codes", shown}});
        });

  r.add(verb::delete_, v1 + "/account/second-factor", Access::authenticated, [&s](Context& ctx) {
    s.turn_off_second_factor(ctx.who(), string_field(ctx.json_body(), "current_password"),
                             ctx.meta());
    return http::empty_response(ctx, 204);
  });

  r.add(verb::post, v1 + "/logout", Access::any_stage, [&s](Context& ctx) {
    s.logout(ctx.who(), ctx.meta());
    ctx.set_cookies.push_back(http::session_cookie(ctx.settings, "", 0));
    return http::empty_response(ctx, 204);
  });

  r.add(verb::post, v1 + "/password-reset", Access::anonymous, [&s](Context& ctx) {
    s.request_password_reset(string_field(ctx.json_body(), "login_id"), ctx.meta());
    return json_response(ctx, 202, {{"status", "sent"}});
  });

  r.add(verb::post, v1 + "/password-reset/inspect", Access::anonymous, [&s](Context& ctx) {
    auto info = s.inspect_password_reset(required_token(ctx.json_body()));
    return json_response(ctx, 200,
                         {{"account_name", info.account_name},
                          {"login_id", info.login_id},
                          {"login_kind", info.login_kind}});
  });

  r.add(verb::post, v1 + "/password-reset/complete", Access::anonymous, [&s](Context& ctx) {
    auto body = ctx.json_body();
    s.complete_password_reset(required_token(body), string_field(body, "password"),
                              string_field(body, "password_confirm"), ctx.meta());
    return json_response(ctx, 200, {{"status", "done"}});
  });

  r.add(verb::get, v1 + "/account", Access::authenticated, [](Context& ctx) {
    return json_response(ctx, 200, {{"account", account_json(ctx.who().account)}});
  });

  r.add(verb::put, v1 + "/account/name", Access::authenticated, [&s](Context& ctx) {
    auto body = ctx.json_body();
    auto a = s.change_names(ctx.who(), string_field(body, "family_name"),
                            string_field(body, "given_name"), ctx.meta());
    return json_response(ctx, 200, {{"account", account_json(a)}});
  });

  r.add(verb::put, v1 + "/account/kana", Access::authenticated, [&s](Context& ctx) {
    auto body = ctx.json_body();
    auto a = s.change_kana(ctx.who(), string_field(body, "family_name_kana"),
                           string_field(body, "given_name_kana"), ctx.meta());
    return json_response(ctx, 200, {{"account", account_json(a)}});
  });

  r.add(verb::post, v1 + "/account/contact", Access::authenticated, [&s](Context& ctx) {
    auto body = ctx.json_body();
    s.request_contact_change(ctx.who(), string_field(body, "kind"), string_field(body, "value"),
                             string_field(body, "current_password"), ctx.meta());
    return json_response(ctx, 202, {{"status", "sent"}});
  });

  r.add(verb::post, v1 + "/account/contact/confirm", Access::anonymous, [&s](Context& ctx) {
    auto change = s.confirm_contact_change(required_token(ctx.json_body()), ctx.meta());
    return json_response(
        ctx, 200, {{"kind", change.kind}, {"value", change.value}, {"display", change.display}});
  });

  r.add(verb::put, v1 + "/account/password", Access::authenticated, [&s](Context& ctx) {
    auto body = ctx.json_body();
    s.change_password(ctx.who(), string_field(body, "current_password"),
                      string_field(body, "password"), string_field(body, "password_confirm"),
                      ctx.meta());
    return json_response(ctx, 200, {{"status", "done"}});
  });

  r.add(verb::get, v1 + "/account/sessions", Access::authenticated, [&s](Context& ctx) {
    json list = json::array();
    for (const auto& session : s.sessions(ctx.who())) {
      list.push_back({{"id", session.id},
                      {"created_at", iso8601(session.created_at)},
                      {"last_seen_at", iso8601(session.last_seen_at)},
                      {"user_agent", session.user_agent},
                      {"ip", session.ip},
                      {"current", session.id == ctx.who().session.id}});
    }
    return json_response(ctx, 200, {{"sessions", list}});
  });

  r.add(verb::post, v1 + "/account/sessions/revoke-others", Access::authenticated,
        [&s](Context& ctx) {
          return json_response(ctx, 200, {{"ended", s.end_other_sessions(ctx.who(), ctx.meta())}});
        });

  r.add(verb::delete_, v1 + "/account/sessions/{id}", Access::authenticated, [&s](Context& ctx) {
    s.end_session(ctx.who(), http::id_param(ctx), ctx.meta());
    return http::empty_response(ctx, 204);
  });
}

}  // namespace carelive::pass
