#include "http/server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "http/context.hpp"

// The HTTP server over a real socket: what a browser and a proxy between see of it.

namespace carelive::http {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

class SilentEndpoint final : public WsEndpoint {
 public:
  std::uint64_t open(std::shared_ptr<WsPeer>, const auth::Principal&) override { return 1; }
  void message(std::uint64_t, const std::string&) override {}
  void close(std::uint64_t) override {}
  void refuse(std::uint64_t, const core::ErrorCode&) override {}
};

// Issue 10: a waiting screen says nothing for minutes; the server pings it well inside nginx's
// 60-second proxy_read_timeout, so no proxy cuts it.
TEST(ServerTest, AnIdleWebSocketIsPingedWellInsideAProxysReadTimeout) {
  Settings settings;
  settings.listen = "127.0.0.1:0";
  settings.public_url = "http://127.0.0.1";
  settings.ws_ping_seconds = 1;
  Router router([](const std::string& token) -> std::optional<auth::Principal> {
    if (token != "good") return std::nullopt;
    return auth::Principal{};
  });
  // An empty folder of its own: StaticFiles reads its folder whole, and all of /tmp changes
  // under it while other tests run.
  std::string web = (std::filesystem::temp_directory_path() / "carelive-web-XXXXXX").string();
  ASSERT_NE(::mkdtemp(web.data()), nullptr);
  const StaticFiles files(web);
  net::thread_pool workers(1);
  SilentEndpoint endpoint;
  Server server(settings, router, files, workers, [] { return true; });
  server.set_websocket("/api/v1/ws", &endpoint);
  const auto port = server.listen();
  std::thread serving([&] { server.run(); });

  net::io_context ioc;
  websocket::stream<tcp::socket> ws(ioc);
  ws.next_layer().connect({net::ip::make_address("127.0.0.1"), port});
  ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
    req.set(beast::http::field::origin, "http://127.0.0.1");
    req.set(beast::http::field::cookie, std::string(kSessionCookie) + "=good");
  }));
  ws.handshake("127.0.0.1", "/api/v1/ws");
  int pings = 0;
  ws.control_callback([&](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::ping) ++pings;
  });
  beast::flat_buffer buffer;
  ws.async_read(buffer, [](beast::error_code, std::size_t) {});
  ioc.run_for(std::chrono::milliseconds(3500));  // about 3 ping periods, silent on both sides
  EXPECT_GE(pings, 2);
  EXPECT_TRUE(ws.is_open());  // answered pings keep it open

  server.stop();
  serving.join();
  workers.join();
  std::filesystem::remove_all(web);
}

}  // namespace
}  // namespace carelive::http
