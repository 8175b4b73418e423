#include "http/server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

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
  // An empty web folder of its own: all of /tmp would be read into memory, and fail when another
  // process removes a file while it is read.
  const auto web = std::filesystem::temp_directory_path() /
                   ("carelive-web-" + std::to_string(::getpid()) + "-ping");
  std::filesystem::create_directories(web);
  const StaticFiles files(web.string());
  net::thread_pool workers(1);
  SilentEndpoint endpoint;
  Server server(settings, router, files, workers, [] { return Health{}; });
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

// A server on a free port with a web app (index.html) and one API route, served on a thread of
// its own until the fixture ends.
class ServedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    web_ = std::filesystem::temp_directory_path() /
           ("carelive-web-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(web_);
    std::ofstream(web_ / "index.html") << "<!doctype html><title>app</title>";
    router_.add(bhttp::verb::get, "/api/v1/items/{id}", Access::anonymous, [](Context& ctx) {
      return json_response(ctx, 200, {{"id", ctx.params["id"]}});
    });
    files_ = std::make_unique<StaticFiles>(web_.string());
    Settings settings;
    settings.listen = "127.0.0.1:0";
    settings.public_url = "http://127.0.0.1";
    server_ = std::make_unique<Server>(settings, router_, *files_, workers_, [this] {
      std::lock_guard lock(mutex_);
      return health_;
    });
    server_->set_observer({[this](std::string_view route, unsigned status, double seconds) {
                             std::lock_guard lock(mutex_);
                             answered_.emplace_back(std::string(route) + " " +
                                                    std::to_string(status));
                             EXPECT_GE(seconds, 0);
                           },
                           {}});
    server_->set_hangup_handler([this] {
      std::lock_guard lock(mutex_);
      ++hangups_;
      changed_.notify_all();
    });
    port_ = server_->listen();
    serving_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    server_->stop();
    serving_.join();
    workers_.join();
    std::filesystem::remove_all(web_);
  }

  struct Answer {
    unsigned status;
    std::string content_type;
    std::string body;
  };
  Answer get(const std::string& target) {
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect({net::ip::make_address("127.0.0.1"), port_});
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::accept, "text/html");
    bhttp::write(socket, req);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket, buffer, res);
    return {res.result_int(), std::string(res[bhttp::field::content_type]), res.body()};
  }
  void set_health(Health h) {
    std::lock_guard lock(mutex_);
    health_ = h;
  }

  std::filesystem::path web_;
  Router router_{[](const std::string&) { return std::optional<auth::Principal>{}; }};
  std::unique_ptr<StaticFiles> files_;
  net::thread_pool workers_{1};
  std::unique_ptr<Server> server_;
  unsigned short port_ = 0;
  std::thread serving_;
  std::mutex mutex_;
  std::condition_variable changed_;
  Health health_;
  std::vector<std::string> answered_;
  int hangups_ = 0;
};

// GET /healthz: the store decides 200 or 503; Redis down only degrades (calls across processes),
// so a load balancer keeps the node.
TEST_F(ServedTest, HealthzReportsTheStoreAndRedis) {
  auto body = [&](const Answer& a) { return nlohmann::json::parse(a.body); };
  auto a = get("/healthz");
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(a.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(body(a), (nlohmann::json{{"status", "ok"}, {"store", "ok"}, {"redis", "off"}}));
  set_health({true, Health::Redis::ok});
  a = get("/healthz");
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(body(a), (nlohmann::json{{"status", "ok"}, {"store", "ok"}, {"redis", "ok"}}));
  set_health({true, Health::Redis::down});
  a = get("/healthz");
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(body(a), (nlohmann::json{{"status", "degraded"}, {"store", "ok"}, {"redis", "down"}}));
  set_health({false, Health::Redis::down});
  a = get("/healthz");
  EXPECT_EQ(a.status, 503u);
  EXPECT_EQ(body(a), (nlohmann::json{
                         {"status", "unavailable"}, {"store", "unavailable"}, {"redis", "down"}}));
  set_health({false, Health::Redis::off});
  a = get("/healthz");
  EXPECT_EQ(a.status, 503u);
  EXPECT_EQ(body(a)["redis"], "off");
}

// Unknown API paths and /metrics are not pages of the web app: 404, never index.html.
TEST_F(ServedTest, UnknownApiPathsAndMetricsAreNotFoundNotTheWebApp) {
  EXPECT_EQ(get("/login").body, "<!doctype html><title>app</title>");  // the SPA fallback
  for (const char* target : {"/api/v1/nothing", "/api/v2/items/1", "/api", "/api/"}) {
    const auto a = get(target);
    EXPECT_EQ(a.status, 404u) << target;
    EXPECT_EQ(a.content_type, "application/json; charset=utf-8") << target;
    EXPECT_EQ(nlohmann::json::parse(a.body)["error"]["code"], "not_found") << target;
  }
  for (const char* target : {"/metrics", "/metrics?x=1"}) {
    const auto a = get(target);
    EXPECT_EQ(a.status, 404u) << target;
    EXPECT_EQ(a.body.find("<!doctype html>"), std::string::npos) << target;
  }
}

// The metrics name a request by its route's pattern: ids and tokens of the path never become
// label values.
TEST_F(ServedTest, TheObserverGetsTheRoutePatternNeverTheRawPath) {
  EXPECT_EQ(get("/api/v1/items/42").status, 200u);
  get("/api/v1/items/secret-token-value");
  get("/api/v1/unknown/123");
  get("/healthz");
  get("/login");
  get("/missing.png");
  std::lock_guard lock(mutex_);
  EXPECT_EQ(answered_, (std::vector<std::string>{"/api/v1/items/{id} 200", "/api/v1/items/{id} 200",
                                                 "unmatched 404", "/healthz 200", "static 200",
                                                 "unmatched 404"}));
}

// logrotate sends SIGHUP after moving the log file: the server hands it on and keeps serving
// (the default action would end the process).
TEST_F(ServedTest, SighupGoesToTheHangupHandlerAndTheServerKeepsServing) {
  ASSERT_EQ(get("/healthz").status, 200u);  // run() is serving: its signal handlers are set
  ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);
  {
    std::unique_lock lock(mutex_);
    ASSERT_TRUE(changed_.wait_for(lock, std::chrono::seconds(20), [&] { return hangups_ == 1; }));
  }
  EXPECT_EQ(get("/healthz").status, 200u);
}

}  // namespace
}  // namespace carelive::http
