#include "http/context.hpp"

#include <charconv>
#include <ctime>

#include "core/error.hpp"
#include "core/time_text.hpp"

namespace carelive::http {

namespace codes = core::codes;

auth::RequestMeta Context::meta() const {
  auth::RequestMeta m;
  m.ip = client_ip;
  if (auto ua = header("User-Agent")) m.user_agent = *ua;
  return m;
}

std::optional<std::string> Context::header(std::string_view name) const {
  auto it = req.find(beast::string_view(name.data(), name.size()));
  if (it == req.end()) return std::nullopt;
  return std::string(it->value());
}

std::optional<std::string> cookie_value(const Request& req, std::string_view name) {
  // RFC 6265 §5.4: "name=value" pairs separated by "; ".
  for (auto it = req.find(bhttp::field::cookie);
       it != req.end() && it->name() == bhttp::field::cookie; ++it) {
    std::string_view header = it->value();
    while (!header.empty()) {
      auto end = header.find(';');
      std::string_view pair = header.substr(0, end);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      auto eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name)
        return std::string(pair.substr(eq + 1));
      if (end == std::string_view::npos) break;
      header.remove_prefix(end + 1);
    }
  }
  return std::nullopt;
}

std::optional<std::string> Context::cookie(std::string_view name) const {
  return cookie_value(req, name);
}

std::int64_t id_param(const Context& ctx, const char* name) {
  const auto& s = ctx.params.at(name);
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || end != s.data() + s.size() || id <= 0)
    throw core::Error(codes::kNotFound);
  return id;
}

std::string iso8601(core::UnixSeconds t) { return core::iso8601(t); }

nlohmann::json iso8601(const std::optional<core::UnixSeconds>& t) {
  return t ? nlohmann::json(iso8601(*t)) : nlohmann::json(nullptr);
}

nlohmann::json Context::json_body() const {
  auto body = nlohmann::json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) throw core::Error(codes::kBadJson);
  return body;
}

std::string string_field(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_string()) throw core::Error::field(name, "invalid");
  const auto& s = it->get_ref<const std::string&>();
  // No field of ours is near this long; refuse before any expensive check (Argon2id, ICU).
  if (s.size() > 4096) throw core::Error::field(name, "too_long");
  return s;
}

namespace {
void common_headers(Response& res) {
  res.set(bhttp::field::cache_control, "no-store");
  res.set(bhttp::field::content_type, "application/json; charset=utf-8");
}
}  // namespace

Response download_response(const Context& ctx, const std::string& content_type,
                           const std::string& filename, std::string body) {
  Response res{bhttp::status::ok, ctx.req.version()};
  res.set(bhttp::field::cache_control, "no-store");
  res.set(bhttp::field::content_type, content_type);
  res.set(bhttp::field::content_disposition, "attachment; filename=\"" + filename + "\"");
  for (const auto& c : ctx.set_cookies) res.insert(bhttp::field::set_cookie, c);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response json_response(const Context& ctx, unsigned status, const nlohmann::json& body) {
  Response res{static_cast<bhttp::status>(status), ctx.req.version()};
  common_headers(res);
  for (const auto& c : ctx.set_cookies) res.insert(bhttp::field::set_cookie, c);
  res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.prepare_payload();
  return res;
}

Response empty_response(const Context& ctx, unsigned status) {
  Response res{static_cast<bhttp::status>(status), ctx.req.version()};
  res.set(bhttp::field::cache_control, "no-store");
  for (const auto& c : ctx.set_cookies) res.insert(bhttp::field::set_cookie, c);
  res.prepare_payload();
  return res;
}

Response error_response(const Request& req, const core::ErrorCode& code,
                        const core::FieldErrors& fields, std::optional<std::int64_t> retry_after) {
  nlohmann::json error = {{"code", code.name}, {"message", code.message}};
  if (!fields.empty()) error["fields"] = fields;
  if (retry_after) error["retry_after"] = *retry_after;
  Response res{static_cast<bhttp::status>(code.status), req.version()};
  common_headers(res);
  if (retry_after) res.set(bhttp::field::retry_after, std::to_string(*retry_after));
  res.body() = nlohmann::json{{"error", error}}.dump();
  res.prepare_payload();
  return res;
}

std::string session_cookie_name(const Settings& settings) {
  return settings.secure_cookies() ? std::string(kHostPrefix) + kSessionCookie : kSessionCookie;
}

std::string csrf_cookie_name(const Settings& settings) {
  return settings.secure_cookies() ? std::string(kHostPrefix) + kCsrfCookie : kCsrfCookie;
}

// Path=/ and no Domain on both: what the __Host- prefix requires, and Secure behind TLS.
std::string session_cookie(const Settings& settings, const std::string& token,
                           std::int64_t max_age) {
  std::string c = session_cookie_name(settings) + "=" + token +
                  "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age);
  if (settings.secure_cookies()) c += "; Secure";
  return c;
}

std::string csrf_cookie(const Settings& settings, const std::string& token) {
  std::string c = csrf_cookie_name(settings) + "=" + token + "; Path=/; SameSite=Strict";
  if (settings.secure_cookies()) c += "; Secure";
  return c;
}

}  // namespace carelive::http
