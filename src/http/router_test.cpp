#include "http/router.hpp"

#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "core/error.hpp"
#include "store/database.hpp"

// The guards of every API request (docs/api.md "Cookies, CSRF" and "Errors — one shape
// everywhere"): CSRF on state-changing methods, authentication, and the one mapping of
// errors to status + JSON. Router::dispatch is a pure function of the request: no server.

namespace carelive::http {
namespace {

constexpr const char* kCsrf = "0123456789abcdef0123456789abcdef";

class RouterTest : public ::testing::Test {
 protected:
  RouterTest()
      : router_([this](const std::string& token) -> std::optional<auth::Principal> {
          seen_token_ = token;
          auth::Principal p;
          p.account.id = 42;
          // Sessions waiting for their second step (SPEC 15).
          if (token == "code-due") p.session.stage = auth::SessionStage::second_factor;
          if (token == "setup-due") p.session.stage = auth::SessionStage::setup;
          if (token != "good-session" && token != "code-due" && token != "setup-due")
            return std::nullopt;
          return p;
        }) {
    settings_.public_url = "https://carelive.test";
    router_.add(bhttp::verb::get, "/api/v1/ping", Access::anonymous, [](Context& ctx) {
      return json_response(ctx, 200, {{"pong", true}});
    });
    router_.add(bhttp::verb::post, "/api/v1/echo", Access::anonymous, [](Context& ctx) {
      return json_response(ctx, 200, {{"name", string_field(ctx.json_body(), "name")}});
    });
    router_.add(bhttp::verb::get, "/api/v1/me", Access::authenticated, [](Context& ctx) {
      return json_response(ctx, 200, {{"id", ctx.who().account.id}});
    });
    for (auto [path, access] : {std::pair{"/api/v1/step", Access::second_step},
                                {"/api/v1/setup", Access::setting_up},
                                {"/api/v1/out", Access::any_stage}})
      router_.add(bhttp::verb::get, path, access, [](Context& ctx) {
        return json_response(ctx, 200, {{"stage", auth::stage_name(ctx.who().session.stage)}});
      });
    router_.add(bhttp::verb::delete_, "/api/v1/items/{id}", Access::anonymous, [](Context& ctx) {
      return json_response(ctx, 200, {{"id", ctx.params.at("id")}});
    });
    router_.add(bhttp::verb::get, "/api/v1/invites/{token}", Access::anonymous,
                [](Context& ctx) -> Response {
                  throw store::DbError(store::DbError::Kind::other, "no such table: invites");
                });
    router_.add(bhttp::verb::post, "/api/v1/fail/{what}", Access::anonymous,
                [](Context& ctx) -> Response {
                  const auto& what = ctx.params.at("what");
                  if (what == "fields")
                    throw core::Error::validation(
                        {{"password", {"password_too_short", "password_missing_symbol"}}});
                  if (what == "throttled") throw core::Error(core::codes::kLoginThrottled, {}, 8);
                  if (what == "sql")
                    throw store::DbError(store::DbError::Kind::other,
                                         "ERROR: relation \"accounts\" violates SELECT secret");
                  if (what == "busy")
                    throw store::DbError(store::DbError::Kind::busy, "database is locked");
                  if (what == "down")
                    throw store::DbError(store::DbError::Kind::unavailable,
                                         "server closed the connection unexpectedly");
                  throw std::runtime_error("boom at /srv/carelive/src/pass/service.cpp:42");
                });
  }

  Request request(bhttp::verb method, const std::string& target, const std::string& body = "") {
    Request req{method, target, 11};
    if (!body.empty()) {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = body;
    }
    return req;
  }
  static void with_csrf(Request& req, const std::string& header = kCsrf) {
    req.set(bhttp::field::cookie, std::string("__Host-carelive_csrf=") + kCsrf);
    req.set("X-CSRF-Token", header);
  }

  Response dispatch(const Request& req) {
    Context ctx{.req = req,
                .settings = settings_,
                .path = std::string(req.target()),
                .query = {},
                .params = {},
                .client_ip = "192.0.2.10",
                .principal = std::nullopt,
                .set_cookies = {}};
    return router_.dispatch(ctx);
  }
  static nlohmann::json body_of(const Response& res) { return nlohmann::json::parse(res.body()); }
  static std::string error_code(const Response& res) { return body_of(res)["error"]["code"]; }

  Settings settings_;
  std::string seen_token_;
  Router router_;
};

TEST_F(RouterTest, GetNeedsNoCsrfToken) {
  auto res = dispatch(request(bhttp::verb::get, "/api/v1/ping"));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(body_of(res)["pong"], true);
  EXPECT_EQ(res[bhttp::field::cache_control], "no-store");
}

TEST_F(RouterTest, StateChangingRequestWithoutCsrfTokenIsRefused) {
  auto missing = dispatch(request(bhttp::verb::post, "/api/v1/echo", R"({"name":"a"})"));
  EXPECT_EQ(missing.result_int(), 403);
  EXPECT_EQ(error_code(missing), "csrf_failed");

  auto req = request(bhttp::verb::post, "/api/v1/echo", R"({"name":"a"})");
  with_csrf(req, "0123456789abcdef0123456789abcdeX");
  EXPECT_EQ(error_code(dispatch(req)), "csrf_failed");

  auto del = request(bhttp::verb::delete_, "/api/v1/items/7");
  EXPECT_EQ(error_code(dispatch(del)), "csrf_failed");
}

TEST_F(RouterTest, MatchingCsrfTokenAndOwnOriginPass) {
  auto req = request(bhttp::verb::post, "/api/v1/echo", R"({"name":"富士田"})");
  with_csrf(req);
  req.set(bhttp::field::origin, "https://carelive.test");
  auto res = dispatch(req);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(body_of(res)["name"], "富士田");

  auto del = request(bhttp::verb::delete_, "/api/v1/items/7");
  with_csrf(del);
  EXPECT_EQ(body_of(dispatch(del))["id"], "7");
}

TEST_F(RouterTest, ForeignOriginIsRefusedEvenWithToken) {
  auto req = request(bhttp::verb::post, "/api/v1/echo", R"({"name":"a"})");
  with_csrf(req);
  req.set(bhttp::field::origin, "https://evil.example");
  auto res = dispatch(req);
  EXPECT_EQ(res.result_int(), 403);
  EXPECT_EQ(error_code(res), "csrf_failed");
}

TEST_F(RouterTest, AuthenticatedRouteNeedsAValidSession) {
  auto none = dispatch(request(bhttp::verb::get, "/api/v1/me"));
  EXPECT_EQ(none.result_int(), 401);
  EXPECT_EQ(error_code(none), "unauthenticated");

  auto bad = request(bhttp::verb::get, "/api/v1/me");
  bad.set(bhttp::field::cookie, "__Host-carelive_session=expired; other=1");
  EXPECT_EQ(error_code(dispatch(bad)), "unauthenticated");
  EXPECT_EQ(seen_token_, "expired");

  auto good = request(bhttp::verb::get, "/api/v1/me");
  good.set(bhttp::field::cookie, "theme=dark; __Host-carelive_session=good-session");
  auto res = dispatch(good);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(body_of(res)["id"], 42);
}

// A session waiting for its second step reaches that step's routes only; a signed-in one reaches
// the set-up too (families turn it on), never the second step; logout takes every session.
TEST_F(RouterTest, ASignInWaitingForItsSecondStepReachesOnlyThatStep) {
  auto as = [&](const std::string& token, const std::string& path) {
    auto req = request(bhttp::verb::get, path);
    req.set(bhttp::field::cookie, "__Host-carelive_session=" + token);
    auto res = dispatch(req);
    return res.result_int() == 200 ? std::string(body_of(res)["stage"]) : error_code(res);
  };
  EXPECT_EQ(as("code-due", "/api/v1/me"), "second_step_required");
  EXPECT_EQ(as("code-due", "/api/v1/step"), "second_factor");
  EXPECT_EQ(as("code-due", "/api/v1/setup"), "second_step_required");
  EXPECT_EQ(as("code-due", "/api/v1/out"), "second_factor");
  EXPECT_EQ(as("setup-due", "/api/v1/me"), "second_step_required");
  EXPECT_EQ(as("setup-due", "/api/v1/step"), "second_step_required");
  EXPECT_EQ(as("setup-due", "/api/v1/setup"), "setup");
  EXPECT_EQ(as("good-session", "/api/v1/step"), "second_step_required");
  EXPECT_EQ(as("good-session", "/api/v1/setup"), "full");
  EXPECT_EQ(as("good-session", "/api/v1/out"), "full");
  EXPECT_EQ(as("none", "/api/v1/out"), "unauthenticated");
  // The WebSocket's check: signed-in sessions only.
  EXPECT_TRUE(router_.authenticate("good-session"));
  EXPECT_FALSE(router_.authenticate("code-due"));
  EXPECT_FALSE(router_.authenticate("setup-due"));
}

TEST_F(RouterTest, UnknownPathAndWrongMethodAreTold) {
  auto missing = dispatch(request(bhttp::verb::get, "/api/v1/nothing"));
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_EQ(error_code(missing), "not_found");
  auto method = dispatch(request(bhttp::verb::get, "/api/v1/echo"));
  EXPECT_EQ(method.result_int(), 405);
  EXPECT_EQ(error_code(method), "method_not_allowed");
}

TEST_F(RouterTest, BadBodiesGetClientErrors) {
  auto broken = request(bhttp::verb::post, "/api/v1/echo", "{not json");
  with_csrf(broken);
  auto res = dispatch(broken);
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(error_code(res), "bad_json");

  auto array = request(bhttp::verb::post, "/api/v1/echo", "[1,2]");
  with_csrf(array);
  EXPECT_EQ(error_code(dispatch(array)), "bad_json");

  auto wrong_type = request(bhttp::verb::post, "/api/v1/echo", R"({"name": 5})");
  with_csrf(wrong_type);
  auto typed = dispatch(wrong_type);
  EXPECT_EQ(typed.result_int(), 422);
  EXPECT_EQ(body_of(typed)["error"]["fields"]["name"][0], "invalid");

  // Where the handler reads no body (`{}` in docs/api.md) a body must still be a JSON object;
  // none at all is fine.
  for (const char* body : {"[]", "null", "\"x\"", "{"}) {
    auto ignored = request(bhttp::verb::delete_, "/api/v1/items/7", body);
    with_csrf(ignored);
    EXPECT_EQ(error_code(dispatch(ignored)), "bad_json") << body;
  }
  for (const char* body : {"", "{}"}) {
    auto fine = request(bhttp::verb::delete_, "/api/v1/items/7", body);
    with_csrf(fine);
    EXPECT_EQ(dispatch(fine).result_int(), 200) << body;
  }

  auto form = request(bhttp::verb::post, "/api/v1/echo", "name=a");
  form.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
  with_csrf(form);
  EXPECT_EQ(dispatch(form).result_int(), 415);
}

TEST_F(RouterTest, ValidationErrorsCarryEveryFieldCode) {
  auto req = request(bhttp::verb::post, "/api/v1/fail/fields");
  with_csrf(req);
  auto res = dispatch(req);
  EXPECT_EQ(res.result_int(), 422);
  auto error = body_of(res)["error"];
  EXPECT_EQ(error["code"], "validation_failed");
  EXPECT_EQ(error["message"], "入力内容を確認してください。");
  EXPECT_EQ(error["fields"]["password"],
            nlohmann::json::array({"password_too_short", "password_missing_symbol"}));
  EXPECT_FALSE(error.contains("retry_after"));
}

TEST_F(RouterTest, ThrottledLoginSaysWhenToTryAgain) {
  auto req = request(bhttp::verb::post, "/api/v1/fail/throttled");
  with_csrf(req);
  auto res = dispatch(req);
  EXPECT_EQ(res.result_int(), 429);
  auto error = body_of(res)["error"];
  EXPECT_EQ(error["code"], "login_throttled");
  EXPECT_EQ(error["retry_after"], 8);
  EXPECT_FALSE(error.contains("fields"));
  EXPECT_EQ(res[bhttp::field::retry_after], "8");
}

TEST_F(RouterTest, InternalFailuresRevealNoDetails) {
  for (const char* what : {"sql", "crash"}) {
    auto req = request(bhttp::verb::post, std::string("/api/v1/fail/") + what);
    with_csrf(req);
    auto res = dispatch(req);
    EXPECT_EQ(res.result_int(), 500) << what;
    EXPECT_EQ(error_code(res), "internal") << what;
    EXPECT_EQ(res.body().find("SELECT"), std::string::npos) << res.body();
    EXPECT_EQ(res.body().find("accounts"), std::string::npos) << res.body();
    EXPECT_EQ(res.body().find("service.cpp"), std::string::npos) << res.body();
  }
  auto busy = request(bhttp::verb::post, "/api/v1/fail/busy");
  with_csrf(busy);
  auto res = dispatch(busy);
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_EQ(error_code(res), "unavailable");
  EXPECT_EQ(res.body().find("locked"), std::string::npos);
  EXPECT_EQ(res[bhttp::field::retry_after], "1");
  // The store is down or full: 503 with a later Retry-After, never 500 internal.
  auto down = request(bhttp::verb::post, "/api/v1/fail/down");
  with_csrf(down);
  res = dispatch(down);
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_EQ(error_code(res), "unavailable");
  EXPECT_EQ(res[bhttp::field::retry_after], "5");
  EXPECT_EQ(res.body().find("connection"), std::string::npos);
}

// Behind TLS the cookies carry the __Host- prefix: Secure, Path=/, no Domain (RFC 6265bis).
TEST_F(RouterTest, CookiesBehindTlsAreHostPrefixedSecureForTheWholeSite) {
  const auto session = session_cookie(settings_, "tok", 3600);
  EXPECT_EQ(session,
            "__Host-carelive_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure");
  const auto csrf = csrf_cookie(settings_, "c");
  EXPECT_EQ(csrf, "__Host-carelive_csrf=c; Path=/; SameSite=Strict; Secure");
  for (const auto& c : {session, csrf}) EXPECT_EQ(c.find("Domain"), std::string::npos) << c;

  Settings plain;
  plain.public_url = "http://127.0.0.1:8080";
  EXPECT_EQ(session_cookie(plain, "tok", 60),
            "carelive_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
  EXPECT_EQ(csrf_cookie(plain, "c"), "carelive_csrf=c; Path=/; SameSite=Strict");
}

// Only the names of the current scheme count: a bare cookie planted by a sibling subdomain of an
// https site is no CSRF token and no session there.
TEST_F(RouterTest, BehindTlsTheBareCookieNamesAreNotRead) {
  auto csrf = request(bhttp::verb::post, "/api/v1/echo", R"({"name":"a"})");
  csrf.set(bhttp::field::cookie, std::string("carelive_csrf=") + kCsrf);
  csrf.set("X-CSRF-Token", kCsrf);
  EXPECT_EQ(error_code(dispatch(csrf)), "csrf_failed");

  auto session = request(bhttp::verb::get, "/api/v1/me");
  session.set(bhttp::field::cookie, "carelive_session=good-session");
  EXPECT_EQ(error_code(dispatch(session)), "unauthenticated");

  settings_.public_url = "http://127.0.0.1:8080";  // development: the bare names
  EXPECT_EQ(dispatch(csrf).result_int(), 200);
  EXPECT_EQ(dispatch(session).result_int(), 200);
}

// The log never holds a token: not an invite's from its path, not a link's from the query.
class CapturedLog {
 public:
  CapturedLog() : before_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(before_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> before_;
};

TEST_F(RouterTest, LoggedErrorsNameTheRouteNeverItsTokenOrQuery) {
  CapturedLog log;
  const std::string secret = "Zx9SecretInviteToken0123456789abcdefghijklmnop";
  auto res = dispatch(request(bhttp::verb::get, "/api/v1/invites/" + secret + "?token=" + secret));
  EXPECT_EQ(res.result_int(), 500);
  auto crash = request(bhttp::verb::post, "/api/v1/fail/crash?token=" + secret);
  with_csrf(crash);
  EXPECT_EQ(dispatch(crash).result_int(), 500);
  const auto text = log.text();
  EXPECT_NE(text.find("GET /api/v1/invites/{token}: no such table"), std::string::npos) << text;
  EXPECT_NE(text.find("POST /api/v1/fail/{what}: boom"), std::string::npos) << text;
  EXPECT_EQ(text.find(secret), std::string::npos) << text;
  EXPECT_EQ(text.find("token="), std::string::npos) << text;
}

TEST(LogPath, DropsTheQuery) {
  EXPECT_EQ(log_path("/apply?token=abc"), "/apply");
  EXPECT_EQ(log_path("/password/reset?token=abc&x=1"), "/password/reset");
  EXPECT_EQ(log_path("/api/v1/home"), "/api/v1/home");
  const std::string pattern = "/api/v1/invites/{token}";
  EXPECT_EQ(log_path("/api/v1/invites/abc", &pattern), pattern);
}

}  // namespace
}  // namespace carelive::http
