// The API as the server answers it: the input is the raw bytes of one HTTP request, read by
// Beast's request parser with the server's limits, then dispatched by the real Router with every
// route registered (register_api_routes) on the services of a throwaway SQLite store
// (fuzz/world.hpp: seeds act as its people through their fixed session cookies).
//
// Findings, besides crashes and sanitizer reports: a 5xx answer other than 503 (an error that
// escaped the one error mapping), an exception out of dispatch, a JSON answer that is not JSON,
// a header value with CR or LF in it (response splitting).

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "app.hpp"
#include "http/router.hpp"
#include "world.hpp"

namespace {

using namespace carelive;
namespace bhttp = boost::beast::http;

struct Target {
  fuzz::World world;
  http::Settings settings = world.app().config().http();
  http::Router router{
      [this](const std::string& token) { return world.app().pass().authenticate(token); }};
  Target() { register_api_routes(router, world.app()); }
};

// One request as Server::session reads it (body ≤ 64 KiB, header ≤ 16 KiB); empty when the
// bytes are not a complete request (the server answers 400 or closes: not our concern here).
std::optional<http::Request> parse(const std::uint8_t* data, std::size_t size,
                                   const http::Settings& settings) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.eager(true);
  parser.body_limit(settings.body_limit);
  parser.header_limit(16 * 1024);
  boost::beast::error_code ec;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty() && !parser.is_done()) {
    const auto used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec == bhttp::error::need_more) break;
    if (ec) return std::nullopt;
    if (used == 0) break;
    rest.remove_prefix(used);
  }
  if (!parser.is_done()) {
    if (!parser.got_some()) return std::nullopt;  // put_eof's precondition
    ec = {};
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return std::nullopt;
  }
  return parser.release();
}

[[noreturn]] void finding(const char* what, const http::Request& req, const http::Response& res) {
  std::fprintf(stderr, "FINDING: %s\n  %s %s -> %u\n  %s\n", what,
               std::string(req.method_string()).c_str(), std::string(req.target()).c_str(),
               res.result_int(), res.body().substr(0, 500).c_str());
  __builtin_trap();
}

void check(const http::Request& req, const http::Response& res) {
  const unsigned status = res.result_int();
  if (status >= 500 && status != 503) finding("server error", req, res);
  for (const auto& field : res) {
    const std::string_view value = field.value();
    if (value.find_first_of("\r\n") != std::string_view::npos)
      finding("CR or LF in a header value", req, res);
  }
  const auto type = res[bhttp::field::content_type];
  if (type.starts_with("application/json") && !res.body().empty() &&
      !nlohmann::json::accept(res.body()))
    finding("JSON answer is not JSON", req, res);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Target target;
  auto req = parse(data, size, target.settings);
  if (!req) return 0;
  // What Server::handle does before it hands an /api/ request to the router.
  const std::string_view full = req->target();
  const auto qpos = full.find('?');
  std::string path(full.substr(0, qpos));
  std::string query(qpos == std::string_view::npos ? "" : full.substr(qpos + 1));
  if (path.empty() || path.front() != '/' || !target.router.matches_prefix(path)) return 0;

  target.world.renew_sessions();
  http::Context ctx{*req, target.settings, path, query, {}, "192.0.2.10", std::nullopt, {}};
  const http::Response res = target.router.dispatch(ctx);  // an exception out of it: a finding
  check(*req, res);
  for (const auto& cookie : ctx.set_cookies)
    if (cookie.find_first_of("\r\n") != std::string::npos)
      finding("CR or LF in a Set-Cookie", *req, res);
  return 0;
}
