#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>

#include "http/blocking.hpp"
#include "http/health.hpp"
#include "http/router.hpp"
#include "http/settings.hpp"
#include "http/static_files.hpp"
#include "http/websocket.hpp"

namespace carelive::http {

// What the server tells whoever watches it (serve() passes the metrics' callbacks); each may be
// empty. Called on I/O threads: they must be quick and must not block.
struct ServerObserver {
  // After each answer: the route (the router's pattern, "/healthz", "static" for the web app's
  // files, "unmatched" for a 404 or 405 outside the API's routes; never a raw path), the status,
  // and the seconds from the request read to the answer ready.
  std::function<void(std::string_view route, unsigned status, double seconds)> answered;
  // +1 when a WebSocket opens, -1 when it closes.
  std::function<void(int delta)> websockets;
};

// The HTTP/1.1 server: Beast on Asio with C++20 coroutines. I/O threads only parse and write;
// every API request runs on the worker pool. SIGTERM stops accepting, closes idle
// connections, lets requests in flight finish, then returns from run(); SIGHUP is handed to
// set_hangup_handler().
class Server {
 public:
  Server(Settings settings, const Router& router, const StaticFiles& files,
         net::thread_pool& workers, std::function<Health()> health_check);
  ~Server();

  // Binds the listening socket; returns the port (useful with port 0).
  unsigned short listen();
  // Serves until SIGTERM/SIGINT or stop(), then drains. Blocks.
  void run();
  void stop();
  // Before listen().
  void set_observer(ServerObserver observer) { observer_ = std::move(observer); }
  // What SIGHUP does while run() serves (reopen the log file); without it SIGHUP is logged and
  // ignored. Never the default, which ends the process. Runs on an I/O thread.
  void set_hangup_handler(std::function<void()> on_hangup) { on_hangup_ = std::move(on_hangup); }
  // Serves WebSocket upgrades of GET `path` (before listen()); the endpoint outlives the server.
  void set_websocket(std::string path, WsEndpoint* endpoint) {
    ws_path_ = std::move(path);
    ws_endpoint_ = endpoint;
  }

 private:
  struct Connection;
  struct WsConnection;
  net::awaitable<void> accept_loop();
  net::awaitable<void> session(std::shared_ptr<Connection> conn);
  net::awaitable<void> websocket_session(std::shared_ptr<Connection> conn, Request req,
                                         std::string client_ip);
  // The answer, and in `route` what the metrics call the request (ServerObserver::answered).
  net::awaitable<Response> handle(const Request& req, const std::string& client_ip,
                                  std::string& route);
  void begin_drain();

  const Settings settings_;
  const Router& router_;
  const StaticFiles& files_;
  net::thread_pool& workers_;
  std::function<Health()> health_check_;
  ServerObserver observer_;
  std::function<void()> on_hangup_;
  std::string ws_path_;
  WsEndpoint* ws_endpoint_ = nullptr;
  net::io_context ioc_;
  net::ip::tcp::acceptor acceptor_;
  std::atomic<bool> draining_{false};
  std::mutex connections_mutex_;
  std::set<std::shared_ptr<Connection>> connections_;
};

}  // namespace carelive::http
