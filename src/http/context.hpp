#pragma once

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>

#include "audit/actor.hpp"
#include "auth/principal.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "http/settings.hpp"

namespace carelive::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

inline constexpr const char* kSessionCookie = "carelive_session";
inline constexpr const char* kCsrfCookie = "carelive_csrf";
// Behind TLS (an https public URL) the cookies are `__Host-carelive_session` and
// `__Host-carelive_csrf` (RFC 6265bis "Cookie Name Prefixes"): a browser keeps such a cookie
// only when it came Secure, with Path=/ and no Domain, from this very host, so a sibling
// subdomain cannot plant a session or a CSRF token. Plain http (development, tests) keeps the
// bare names: browsers refuse `__Host-` cookies without Secure. Only the name for the current
// scheme is read.
inline constexpr const char* kHostPrefix = "__Host-";
std::string session_cookie_name(const Settings& settings);
std::string csrf_cookie_name(const Settings& settings);

// What a handler sees of one request. Handlers are plain functions run on the worker pool:
// decode, call one service function, encode (STYLE.md).
struct Context {
  const Request& req;
  const Settings& settings;
  std::string path;
  std::string query;
  std::map<std::string, std::string> params;  // from the route pattern, e.g. {id}
  std::string client_ip;
  std::optional<auth::Principal> principal;  // set for authenticated routes
  std::vector<std::string> set_cookies;      // added to the response

  auth::RequestMeta meta() const;
  std::optional<std::string> cookie(std::string_view name) const;
  // The session and CSRF cookies under this server's names (csrf_cookie_name()).
  std::optional<std::string> session_token() const { return cookie(session_cookie_name(settings)); }
  std::optional<std::string> csrf_token() const { return cookie(csrf_cookie_name(settings)); }
  std::optional<std::string> header(std::string_view name) const;
  // The body as a JSON object; Error(codes::kBadJson) otherwise.
  nlohmann::json json_body() const;
  const auth::Principal& who() const { return *principal; }
  // The logged-in caller as the audit log records a change: account and client address.
  audit::Actor actor() const { return audit::Actor::of(who(), meta()); }
};

// The route parameter `name` as a positive id; Error(codes::kNotFound) otherwise.
std::int64_t id_param(const Context& ctx, const char* name = "id");

// The value of cookie `name` in the request's Cookie headers (RFC 6265 §5.4).
std::optional<std::string> cookie_value(const Request& req, std::string_view name);

// A point in time for the API: ISO 8601 in UTC ("2026-12-02T06:28:36Z"); null when absent.
std::string iso8601(core::UnixSeconds t);
nlohmann::json iso8601(const std::optional<core::UnixSeconds>& t);

// A string member of a JSON object: "" when missing; validation error `invalid` when present
// but not a string.
std::string string_field(const nlohmann::json& body, const char* name);

Response json_response(const Context& ctx, unsigned status, const nlohmann::json& body);
Response empty_response(const Context& ctx, unsigned status);
// A file the browser saves (Content-Disposition: attachment) under the ASCII `filename`.
Response download_response(const Context& ctx, const std::string& content_type,
                           const std::string& filename, std::string body);
Response error_response(const Request& req, const core::ErrorCode& code,
                        const core::FieldErrors& fields = {},
                        std::optional<std::int64_t> retry_after = std::nullopt);

// Set-Cookie values (SPEC: HttpOnly; SameSite=Lax; Secure when served over TLS). Named by
// session_cookie_name() / csrf_cookie_name().
std::string session_cookie(const Settings& settings, const std::string& token,
                           std::int64_t max_age);
std::string csrf_cookie(const Settings& settings, const std::string& token);

}  // namespace carelive::http
