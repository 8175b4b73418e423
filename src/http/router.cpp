#include "http/router.hpp"

#include <spdlog/spdlog.h>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

namespace carelive::http {

namespace codes = core::codes;
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto end = path.find('/');
    parts.push_back(path.substr(0, end));
    if (end == std::string_view::npos) break;
    path.remove_prefix(end);
  }
  return parts;
}

// Whether a session at `stage` may call a route open to `access`.
bool admits(Access access, auth::SessionStage stage) {
  using auth::SessionStage;
  switch (access) {
    case Access::anonymous:
      return true;
    case Access::authenticated:
      return stage == SessionStage::full;
    case Access::second_step:
      return stage == SessionStage::second_factor;
    case Access::setting_up:
      return stage == SessionStage::setup || stage == SessionStage::full;
    case Access::any_stage:
      return true;
  }
  return false;
}

bool state_changing(bhttp::verb v) {
  return v == bhttp::verb::post || v == bhttp::verb::put || v == bhttp::verb::patch ||
         v == bhttp::verb::delete_;
}

}  // namespace

void Router::add(bhttp::verb method, std::string pattern, Access access, Handler handler) {
  Route r{method, pattern, {}, access, std::move(handler)};
  for (auto part : split_path(pattern)) r.segments.emplace_back(part);
  routes_.push_back(std::move(r));
}

bool Router::match(const Route& r, const std::vector<std::string_view>& parts,
                   std::map<std::string, std::string>& params) {
  if (r.segments.size() != parts.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& seg = r.segments[i];
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      found[seg.substr(1, seg.size() - 2)] = std::string(parts[i]);
    } else if (seg != parts[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

// OWASP CSRF cheat sheet: a double-submit token (cookie + header, compared in constant time)
// and, when the browser sends one, an Origin that must be our own.
void Router::check_csrf(const Context& ctx) const {
  auto cookie = ctx.csrf_token();
  auto header = ctx.header("X-CSRF-Token");
  if (!cookie || !header || cookie->size() < 16 || !core::constant_time_equal(*cookie, *header))
    throw core::Error(codes::kCsrfFailed);
  if (auto origin = ctx.header("Origin"); origin && *origin != "null") {
    if (*origin != ctx.settings.origin()) throw core::Error(codes::kCsrfFailed);
  }
}

// What a log line may say about a request: the route's pattern (a path can hold a token, as
// /api/v1/invites/{token} does) or, before one matched, the path without its query (links carry
// `?token=`). Never a value a client sent.
std::string log_path(std::string_view path, const std::string* pattern) {
  if (pattern) return *pattern;
  return std::string(path.substr(0, path.find('?')));
}

Response Router::dispatch(Context& ctx, std::string* route) const {
  const Route* found = nullptr;
  try {
    auto parts = split_path(ctx.path);
    bool path_known = false;
    for (const auto& r : routes_) {
      std::map<std::string, std::string> params;
      if (!match(r, parts, params)) continue;
      path_known = true;
      if (r.method != ctx.req.method()) continue;
      found = &r;
      ctx.params = std::move(params);
      break;
    }
    if (!found) throw core::Error(path_known ? codes::kMethodNotAllowed : codes::kNotFound);
    if (route) *route = found->pattern;
    if (state_changing(ctx.req.method())) {
      check_csrf(ctx);
      if (!ctx.req.body().empty()) {
        auto type = ctx.header("Content-Type").value_or("");
        if (type.rfind("application/json", 0) != 0) throw core::Error(codes::kUnsupportedMediaType);
        // Every body is a JSON object (docs/api.md), also where the handler reads none (`{}`).
        ctx.json_body();
      }
    }
    if (found->access != Access::anonymous) {
      auto token = ctx.session_token();
      if (token) ctx.principal = authenticate_(*token);
      if (!ctx.principal) throw core::Error(codes::kUnauthenticated);
      if (!admits(found->access, ctx.principal->session.stage))
        throw core::Error(codes::kSecondStepRequired);
    }
    return found->handler(ctx);
  } catch (const core::Error& e) {
    return error_response(ctx.req, core::error_code(e.code()), e.fields(), e.retry_after());
  } catch (const nlohmann::json::exception& e) {
    return error_response(ctx.req, codes::kBadJson);
  } catch (const store::DbError& e) {
    spdlog::error("database error on {} {}: {}", std::string(ctx.req.method_string()),
                  log_path(ctx.path, found ? &found->pattern : nullptr), e.what());
    // A busy or unavailable store is passing: say when to try again; nothing was changed.
    switch (e.kind()) {
      case store::DbError::Kind::busy:
        return error_response(ctx.req, codes::kUnavailable, {}, 1);
      case store::DbError::Kind::unavailable:
        return error_response(ctx.req, codes::kUnavailable, {}, 5);
      default:
        return error_response(ctx.req, codes::kInternal);
    }
  } catch (const std::exception& e) {
    spdlog::error("error on {} {}: {}", std::string(ctx.req.method_string()),
                  log_path(ctx.path, found ? &found->pattern : nullptr), e.what());
    return error_response(ctx.req, codes::kInternal);
  }
}

}  // namespace carelive::http
