#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/context.hpp"

namespace carelive::http {

// Who may call a route. `authenticated`: a signed-in session (stage full). Between the password
// and the second step of a sign-in (SPEC 15) a session reaches only `second_step` routes (stage
// second_factor: the code) or `setting_up` routes (stage setup: a second factor to set up;
// full sessions may call them too). `any_stage`: every session (logout). Any other session is
// answered second_step_required.
enum class Access { anonymous, authenticated, second_step, setting_up, any_stage };

using Handler = std::function<Response(Context&)>;

// How the log names a request's path: the matched route's pattern when there is one, else the
// path without its query. Tokens travel in both (`/invites/{token}`, `?token=`).
std::string log_path(std::string_view path, const std::string* pattern = nullptr);

// Authenticates a session cookie; empty when the session is unknown or expired.
using Authenticator = std::function<std::optional<auth::Principal>(const std::string& token)>;

// The API route table. dispatch() runs on the worker pool and is where the guards live:
// CSRF on every state-changing request, authentication for Access::authenticated routes,
// and the one mapping of core::Error to an HTTP answer.
class Router {
 public:
  explicit Router(Authenticator authenticate) : authenticate_(std::move(authenticate)) {}

  void add(bhttp::verb method, std::string pattern, Access access, Handler handler);
  bool matches_prefix(std::string_view path) const { return path.rfind("/api/", 0) == 0; }
  // The answer; `route`, when given, is set to the matched route's pattern (left as it was when
  // none matched).
  Response dispatch(Context& ctx, std::string* route = nullptr) const;
  // The session cookie's principal if it is signed in (stage full): the WebSocket upgrade's
  // check. Blocking.
  std::optional<auth::Principal> authenticate(const std::string& token) const {
    auto p = authenticate_(token);
    if (p && p->session.stage != auth::SessionStage::full) return std::nullopt;
    return p;
  }

 private:
  struct Route {
    bhttp::verb method;
    std::string pattern;  // what the log names: "/api/v1/invites/{token}", never the values
    std::vector<std::string> segments;
    Access access;
    Handler handler;
  };
  static bool match(const Route& r, const std::vector<std::string_view>& parts,
                    std::map<std::string, std::string>& params);
  void check_csrf(const Context& ctx) const;

  Authenticator authenticate_;
  std::vector<Route> routes_;
};

}  // namespace carelive::http
