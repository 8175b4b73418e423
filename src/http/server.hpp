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
#include "http/router.hpp"
#include "http/settings.hpp"
#include "http/static_files.hpp"
#include "http/websocket.hpp"

namespace carelive::http {

// The HTTP/1.1 server: Beast on Asio with C++20 coroutines. I/O threads only parse and write;
// every API request runs on the worker pool. SIGTERM stops accepting, closes idle
// connections, lets requests in flight finish, then returns from run().
class Server {
 public:
  Server(Settings settings, const Router& router, const StaticFiles& files,
         net::thread_pool& workers, std::function<bool()> ready_check);
  ~Server();

  // Binds the listening socket; returns the port (useful with port 0).
  unsigned short listen();
  // Serves until SIGTERM/SIGINT or stop(), then drains. Blocks.
  void run();
  void stop();
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
  net::awaitable<Response> handle(const Request& req, const std::string& client_ip);
  void begin_drain();

  const Settings settings_;
  const Router& router_;
  const StaticFiles& files_;
  net::thread_pool& workers_;
  std::function<bool()> ready_check_;
  std::string ws_path_;
  WsEndpoint* ws_endpoint_ = nullptr;
  net::io_context ioc_;
  net::ip::tcp::acceptor acceptor_;
  std::atomic<bool> draining_{false};
  std::mutex connections_mutex_;
  std::set<std::shared_ptr<Connection>> connections_;
};

}  // namespace carelive::http
