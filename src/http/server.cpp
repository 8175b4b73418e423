#include "http/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>

#include <thread>

#include "core/crypto.hpp"
#include "http/blocking.hpp"

namespace carelive::http {

using tcp = net::ip::tcp;

struct Server::Connection {
  explicit Connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  std::atomic<bool> busy{false};
};

namespace {

std::pair<std::string, std::string> split_host_port(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen must be HOST:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return {host, listen.substr(colon + 1)};
}

// OWASP secure headers. CSP: the app has no inline script or style; media permission is ours.
void security_headers(Response& res, const core::Config& config) {
  res.set("Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; "
          "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  // Links carry tokens in their query: never leak them to another site.
  res.set("Referrer-Policy", "no-referrer");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
  res.set("Permissions-Policy", "camera=(self), microphone=(self), geolocation=()");
  if (config.secure_cookies())
    res.set(bhttp::field::strict_transport_security, "max-age=31536000; includeSubDomains");
  res.set(bhttp::field::server, "carelive");
}

Response plain(const Request& req, bhttp::status status, std::string body) {
  Response res{status, req.version()};
  res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

bool has_cookie(const Request& req, std::string_view name) {
  for (auto it = req.find(bhttp::field::cookie);
       it != req.end() && it->name() == bhttp::field::cookie; ++it) {
    std::string_view v = it->value();
    for (std::size_t pos = v.find(name); pos != std::string_view::npos;
         pos = v.find(name, pos + 1)) {
      bool starts = pos == 0 || v[pos - 1] == ' ' || v[pos - 1] == ';';
      if (starts && v.substr(pos + name.size(), 1) == "=") return true;
    }
  }
  return false;
}

}  // namespace

Server::Server(const core::Config& config, const Router& router, const StaticFiles& files,
               net::thread_pool& workers, std::function<bool()> ready_check)
    : config_(config),
      router_(router),
      files_(files),
      workers_(workers),
      ready_check_(std::move(ready_check)),
      ioc_(std::max(1, config.io_threads)),
      acceptor_(ioc_) {}

Server::~Server() = default;

unsigned short Server::listen() {
  auto [host, port] = split_host_port(config_.listen);
  tcp::resolver resolver(ioc_);
  auto endpoint = resolver.resolve(host, port).begin()->endpoint();
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
  return acceptor_.local_endpoint().port();
}

void Server::run() {
  net::signal_set signals(ioc_, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: finishing requests in flight", sig);
    begin_drain();
  });
  net::co_spawn(ioc_, accept_loop(), net::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < config_.io_threads; ++i) threads.emplace_back([this] { ioc_.run(); });
  ioc_.run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  net::post(ioc_, [this] { begin_drain(); });
}

void Server::begin_drain() {
  if (draining_.exchange(true)) return;
  boost::system::error_code ec;
  acceptor_.close(ec);
  {
    std::lock_guard lock(connections_mutex_);
    for (const auto& conn : connections_) {
      if (conn->busy) continue;  // finishes its request, then closes (keep-alive off)
      net::post(conn->stream.get_executor(), [conn] { conn->stream.cancel(); });
    }
  }
  // Wait for the connections to finish, at most 20 seconds, then stop the loop.
  net::co_spawn(
      ioc_,
      [this]() -> net::awaitable<void> {
        net::steady_timer timer(co_await net::this_coro::executor);
        for (int i = 0; i < 400; ++i) {
          {
            std::lock_guard lock(connections_mutex_);
            if (connections_.empty()) break;
          }
          timer.expires_after(std::chrono::milliseconds(50));
          boost::system::error_code wait_ec;
          co_await timer.async_wait(net::redirect_error(net::use_awaitable, wait_ec));
        }
        ioc_.stop();
      },
      net::detached);
}

net::awaitable<void> Server::accept_loop() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(
        net::make_strand(ioc_), net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      if (draining_ || ec == net::error::operation_aborted) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    auto conn = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(connections_mutex_);
      connections_.insert(conn);
    }
    net::co_spawn(conn->stream.get_executor(), session(conn), net::detached);
  }
}

net::awaitable<void> Server::session(std::shared_ptr<Connection> conn) {
  beast::flat_buffer buffer;
  std::string client_ip;
  {
    boost::system::error_code ec;
    auto remote = conn->stream.socket().remote_endpoint(ec);
    if (!ec) client_ip = remote.address().to_string();
  }
  const auto timeout = std::chrono::seconds(config_.request_timeout_seconds);
  while (!draining_) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(config_.body_limit);
    parser.header_limit(16 * 1024);
    conn->stream.expires_after(timeout);
    boost::system::error_code ec;
    co_await bhttp::async_read(conn->stream, buffer, parser,
                               net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      Request dummy;
      std::optional<Response> answer;
      if (ec == bhttp::error::body_limit) {
        answer = error_response(dummy, "payload_too_large", {}, std::nullopt);
      } else if (ec == bhttp::error::header_limit) {
        answer = plain(dummy, bhttp::status::request_header_fields_too_large, "header too large\n");
      } else if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
                 ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
        answer = plain(dummy, bhttp::status::bad_request, "bad request\n");
      }
      if (answer) {
        answer->keep_alive(false);
        security_headers(*answer, config_);
        co_await bhttp::async_write(conn->stream, *answer,
                                    net::redirect_error(net::use_awaitable, ec));
      }
      break;
    }
    conn->busy = true;
    Request req = parser.release();
    Response res = co_await handle(req, client_ip);
    security_headers(res, config_);
    res.keep_alive(req.keep_alive() && !draining_);
    conn->stream.expires_after(timeout);
    co_await bhttp::async_write(conn->stream, res, net::redirect_error(net::use_awaitable, ec));
    conn->busy = false;
    if (ec || !res.keep_alive()) break;
  }
  boost::system::error_code ignored;
  conn->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::lock_guard lock(connections_mutex_);
  connections_.erase(conn);
}

net::awaitable<Response> Server::handle(const Request& req, const std::string& socket_ip) {
  std::string_view target = req.target();
  auto qpos = target.find('?');
  std::string path(target.substr(0, qpos));
  std::string query(qpos == std::string_view::npos ? "" : target.substr(qpos + 1));
  if (path.empty() || path.front() != '/')
    co_return plain(req, bhttp::status::bad_request, "bad request\n");

  std::string client_ip = socket_ip;
  if (config_.trust_proxy) {
    if (auto it = req.find("X-Forwarded-For"); it != req.end()) {
      std::string_view v = it->value();
      auto comma = v.rfind(',');
      std::string last(comma == std::string_view::npos ? v : v.substr(comma + 1));
      auto b = last.find_first_not_of(' ');
      if (b != std::string::npos) client_ip = last.substr(b);
    }
  }

  Response res;
  if (path == "/healthz") {
    bool ok = co_await run_blocking(workers_, [this] { return ready_check_(); });
    res = plain(req, ok ? bhttp::status::ok : bhttp::status::service_unavailable,
                ok ? "ok\n" : "database unavailable\n");
  } else if (router_.matches_prefix(path)) {
    res = co_await run_blocking(workers_, [&, this] {
      Context ctx{req, config_, path, query, {}, client_ip, std::nullopt, {}};
      return router_.dispatch(ctx);
    });
  } else if (req.method() == bhttp::verb::get || req.method() == bhttp::verb::head) {
    auto file = files_.serve(req, path);
    res = file ? std::move(*file) : plain(req, bhttp::status::not_found, "not found\n");
  } else {
    res = plain(req, bhttp::status::method_not_allowed, "method not allowed\n");
  }
  // Every page load gets the CSRF cookie the API expects back in X-CSRF-Token.
  if (!has_cookie(req, kCsrfCookie))
    res.insert(bhttp::field::set_cookie, csrf_cookie(config_, core::random_token()));
  co_return res;
}

}  // namespace carelive::http
