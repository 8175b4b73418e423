#include "http/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <deque>
#include <thread>

#include "core/crypto.hpp"
#include "http/blocking.hpp"

namespace carelive::http {

using tcp = net::ip::tcp;
namespace websocket = beast::websocket;

struct Server::Connection {
  explicit Connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  std::atomic<bool> busy{false};
};

// One upgraded WebSocket. Writes are serialised on the connection's strand: send() queues the
// text and one writer coroutine drains the queue (Beast's websocket chat-multi pattern).
struct Server::WsConnection : WsPeer, std::enable_shared_from_this<WsConnection> {
  explicit WsConnection(std::shared_ptr<Connection> c) : conn(std::move(c)), ws(conn->stream) {}
  std::shared_ptr<Connection> conn;  // keeps the socket alive while messages are queued
  websocket::stream<beast::tcp_stream&> ws;
  std::deque<std::string> queue;
  bool writing = false;
  bool closed = false;
  std::uint16_t close_code = 0;  // set by end(): the close frame is written next

  void send(std::string text) override {
    net::post(ws.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      if (self->closed || self->close_code) return;
      // A client that does not read is dropped rather than buffered without bound.
      if (self->queue.size() >= kMaxQueued) {
        self->closed = true;
        self->queue.clear();
        self->ws.next_layer().cancel();
        return;
      }
      self->queue.push_back(std::move(text));
      if (!self->writing) {
        self->writing = true;
        net::co_spawn(self->ws.get_executor(), self->write_loop(), net::detached);
      }
    });
  }

  void end(std::uint16_t code) override {
    net::post(ws.get_executor(), [self = shared_from_this(), code] {
      if (self->closed || self->close_code) return;
      self->queue.clear();
      self->close_code = code;
      if (!self->writing) {
        self->writing = true;
        net::co_spawn(self->ws.get_executor(), self->write_loop(), net::detached);
      }
    });
  }

  // The one writer: queued messages in order, then the close frame when end() asked for it (a
  // close is a write too, so it never overlaps a message). The read loop then ends.
  net::awaitable<void> write_loop() {
    auto self = shared_from_this();
    while (!queue.empty() && !closed) {
      boost::system::error_code ec;
      ws.text(true);
      co_await ws.async_write(net::buffer(queue.front()),
                              net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        closed = true;
        queue.clear();
        break;
      }
      queue.pop_front();
    }
    if (close_code && !closed) {
      closed = true;
      boost::system::error_code ec;
      co_await ws.async_close(websocket::close_reason(close_code),
                              net::redirect_error(net::use_awaitable, ec));
      // A client that does not answer the close is cut off by the stream's close timeout.
    }
    writing = false;
  }

  static constexpr std::size_t kMaxQueued = 512;
};

namespace {

// WebSocket limits: one message at most 16 KiB; a token bucket of 60 messages refilled at 20
// per second (ICE candidates come in bursts).
constexpr std::size_t kWsMessageMax = 16 * 1024;
constexpr double kWsBurst = 60, kWsPerSecond = 20;

std::pair<std::string, std::string> split_host_port(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen must be HOST:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return {host, listen.substr(colon + 1)};
}

// OWASP secure headers. CSP: the app has no inline script or style; media permission is ours.
void security_headers(Response& res, const Settings& settings) {
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
  if (settings.secure_cookies())
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

}  // namespace

Server::Server(Settings settings, const Router& router, const StaticFiles& files,
               net::thread_pool& workers, std::function<Health()> health_check)
    : settings_(std::move(settings)),
      router_(router),
      files_(files),
      workers_(workers),
      health_check_(std::move(health_check)),
      ioc_(std::max(1, settings_.io_threads)),
      acceptor_(ioc_) {}

Server::~Server() = default;

unsigned short Server::listen() {
  auto [host, port] = split_host_port(settings_.listen);
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
  net::signal_set hangups(ioc_, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_hangup =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        if (on_hangup_)
          on_hangup_();
        else
          spdlog::info("SIGHUP ignored: no log file to reopen ([server] log_file)");
        hangups.async_wait(on_hangup);
      };
  hangups.async_wait(on_hangup);
  net::co_spawn(ioc_, accept_loop(), net::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < settings_.io_threads; ++i) threads.emplace_back([this] { ioc_.run(); });
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
      // Out of file descriptors (or another resource): the pending connection stays in the
      // backlog, so retrying at once would spin and flood the log. Wait, then try again; one
      // line per pause is enough to tell the operator.
      spdlog::warn("accept failed: {}; pausing new connections for 100 ms", ec.message());
      net::steady_timer pause(ioc_, std::chrono::milliseconds(100));
      boost::system::error_code wait_ec;
      co_await pause.async_wait(net::redirect_error(net::use_awaitable, wait_ec));
      continue;
    }
    // Calls' signaling and small JSON answers are latency-bound: without this, Nagle's algorithm
    // holds a short message back until the peer's delayed ACK (~40 ms).
    boost::system::error_code nodelay_ec;
    socket.set_option(tcp::no_delay(true), nodelay_ec);
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
  const auto timeout = std::chrono::seconds(settings_.request_timeout_seconds);
  while (!draining_) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(settings_.body_limit);
    parser.header_limit(16 * 1024);
    conn->stream.expires_after(timeout);
    boost::system::error_code ec;
    co_await bhttp::async_read(conn->stream, buffer, parser,
                               net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      Request dummy;
      std::optional<Response> answer;
      if (ec == bhttp::error::body_limit) {
        answer = error_response(dummy, core::codes::kPayloadTooLarge);
      } else if (ec == bhttp::error::header_limit) {
        answer = plain(dummy, bhttp::status::request_header_fields_too_large, "header too large\n");
      } else if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
                 ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
        answer = plain(dummy, bhttp::status::bad_request, "bad request\n");
      }
      if (answer) {
        answer->keep_alive(false);
        security_headers(*answer, settings_);
        co_await bhttp::async_write(conn->stream, *answer,
                                    net::redirect_error(net::use_awaitable, ec));
      }
      break;
    }
    conn->busy = true;
    Request req = parser.release();
    if (ws_endpoint_ && websocket::is_upgrade(req) &&
        std::string_view(req.target()).substr(0, req.target().find('?')) == ws_path_) {
      co_await websocket_session(conn, std::move(req), client_ip);
      break;
    }
    const auto started = std::chrono::steady_clock::now();
    std::string route;
    Response res = co_await handle(req, client_ip, route);
    if (observer_.answered) {
      observer_.answered(
          route, res.result_int(),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    security_headers(res, settings_);
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

net::awaitable<void> Server::websocket_session(std::shared_ptr<Connection> conn, Request req,
                                               std::string client_ip) {
  auto refuse = [&](bhttp::status status, std::string body) -> net::awaitable<void> {
    Response res = plain(req, status, std::move(body));
    security_headers(res, settings_);
    res.keep_alive(false);
    boost::system::error_code ec;
    co_await bhttp::async_write(conn->stream, res, net::redirect_error(net::use_awaitable, ec));
  };
  // Cross-site WebSocket hijacking: the browser always sends Origin; it must be ours.
  auto origin = req.find(bhttp::field::origin);
  if (origin == req.end() || std::string(origin->value()) != settings_.origin()) {
    co_await refuse(bhttp::status::forbidden, "origin not allowed\n");
    co_return;
  }
  std::string_view target = req.target();
  Context ctx{req,          settings_, std::string(target.substr(0, target.find('?'))),
              "",           {},        client_ip,
              std::nullopt, {}};
  auto token = ctx.session_token();
  std::optional<auth::Principal> who;
  if (token) {
    who = co_await run_blocking(workers_, [&, this] {
      try {
        return router_.authenticate(*token);
      } catch (const std::exception& e) {
        spdlog::error("websocket authentication: {}", e.what());
        return std::optional<auth::Principal>{};
      }
    });
  }
  if (!who) {
    co_await refuse(bhttp::status::unauthorized, "unauthenticated\n");
    co_return;
  }

  auto wsc = std::make_shared<WsConnection>(conn);
  auto& ws = wsc->ws;
  conn->stream.expires_never();
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  // Beast pings when half the idle timeout passed without a frame.
  timeouts.idle_timeout = std::chrono::seconds(2 * settings_.ws_ping_seconds);
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(bhttp::field::server, "carelive"); }));
  ws.read_message_max(kWsMessageMax);
  boost::system::error_code ec;
  co_await ws.async_accept(req, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return;
  conn->busy = false;  // a drain cancels it like an idle keep-alive connection

  std::shared_ptr<WsPeer> peer = wsc;
  const auto id =
      co_await run_blocking(workers_, [&, this] { return ws_endpoint_->open(peer, *who); });
  if (observer_.websockets) observer_.websockets(+1);
  beast::flat_buffer buffer;
  double tokens = kWsBurst;
  auto last = std::chrono::steady_clock::now();
  while (!draining_) {
    co_await ws.async_read(buffer, net::redirect_error(net::use_awaitable, ec));
    if (ec) break;
    auto now = std::chrono::steady_clock::now();
    tokens = std::min(kWsBurst,
                      tokens + std::chrono::duration<double>(now - last).count() * kWsPerSecond);
    last = now;
    std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    if (tokens < 1) {
      ws_endpoint_->refuse(id, core::codes::kRateLimited);
      continue;
    }
    tokens -= 1;
    if (!ws.got_text()) {
      ws_endpoint_->refuse(id, core::codes::kBadMessage);
      continue;
    }
    co_await run_blocking(workers_, [&, this] {
      ws_endpoint_->message(id, text);
      return 0;
    });
  }
  if (ec == websocket::error::message_too_big) spdlog::info("websocket message too big; closed");
  co_await run_blocking(workers_, [&, this] {
    ws_endpoint_->close(id);
    return 0;
  });
  if (observer_.websockets) observer_.websockets(-1);
  wsc->closed = true;
}

net::awaitable<Response> Server::handle(const Request& req, const std::string& socket_ip,
                                        std::string& route) {
  route = "unmatched";
  std::string_view target = req.target();
  auto qpos = target.find('?');
  std::string path(target.substr(0, qpos));
  std::string query(qpos == std::string_view::npos ? "" : target.substr(qpos + 1));
  if (path.empty() || path.front() != '/')
    co_return plain(req, bhttp::status::bad_request, "bad request\n");

  std::string client_ip = socket_ip;
  if (settings_.trust_proxy) {
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
    route = path;
    const Health health = co_await run_blocking(workers_, [this] { return health_check_(); });
    res = health_response(req, health);
  } else if (router_.matches_prefix(path)) {
    res = co_await run_blocking(workers_, [&, this] {
      Context ctx{req, settings_, path, query, {}, client_ip, std::nullopt, {}};
      return router_.dispatch(ctx, &route);
    });
  } else if (path == "/api" || path == "/metrics") {
    // Not pages of the web app: a client that asks for them gets a 404, not index.html (the
    // metrics have their own address, [metrics] listen).
    res = path == "/api" ? error_response(req, core::codes::kNotFound)
                         : plain(req, bhttp::status::not_found, "not found\n");
  } else if (req.method() == bhttp::verb::get || req.method() == bhttp::verb::head) {
    auto file = files_.serve(req, path);
    if (file) route = "static";
    res = file ? std::move(*file) : plain(req, bhttp::status::not_found, "not found\n");
  } else {
    res = plain(req, bhttp::status::method_not_allowed, "method not allowed\n");
  }
  // Every page load gets the CSRF cookie the API expects back in X-CSRF-Token.
  if (!cookie_value(req, csrf_cookie_name(settings_)))
    res.insert(bhttp::field::set_cookie, csrf_cookie(settings_, core::random_token()));
  co_return res;
}

}  // namespace carelive::http
