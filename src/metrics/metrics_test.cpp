#include "metrics/metrics.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cmath>
#include <ctime>
#include <string>

// GET /metrics as Prometheus scrapes it: over HTTP from prometheus-cpp's Exposer, in its text
// format (docs/monitoring.md names every metric checked here).

namespace carelive::metrics {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Status and body of GET http://127.0.0.1:port/path.
std::pair<unsigned, std::string> get(unsigned short port, const std::string& path) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  beast::http::request<beast::http::empty_body> req{beast::http::verb::get, path, 11};
  req.set(beast::http::field::host, "127.0.0.1");
  beast::http::write(socket, req);
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> res;
  beast::http::read(socket, buffer, res);
  return {res.result_int(), res.body()};
}

// The value of the one sample line that starts with `series` followed by a space; NaN if none.
double sample(const std::string& text, const std::string& series) {
  std::size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + series.size() + 1));
    at += series.size();
  }
  return std::nan("");
}

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(MetricsEndpoint, AScrapeShowsEveryFamilyWithRouteAndStatusLabels) {
  Metrics m;
  Endpoint endpoint("127.0.0.1:0", m);
  ASSERT_NE(endpoint.port(), 0);
  m.request("/api/v1/invites/{token}", 200, 0.003);
  m.request("/api/v1/invites/{token}", 200, 0.2);
  m.request("/api/v1/invites/{token}", 404, 0.001);
  m.request("static", 200, 0.0005);
  m.websocket_opened();
  m.websocket_opened();
  m.websocket_closed();
  m.login_failed("password");
  m.login_failed("password");
  m.login_failed("throttled");
  m.set_calls_active(3);
  m.set_messages_pending(7);

  const auto [status, text] = get(endpoint.port(), "/metrics");
  ASSERT_EQ(status, 200u);
  EXPECT_EQ(
      sample(text, R"(carelive_http_requests_total{route="/api/v1/invites/{token}",status="200"})"),
      2);
  EXPECT_EQ(
      sample(text, R"(carelive_http_requests_total{route="/api/v1/invites/{token}",status="404"})"),
      1);
  EXPECT_EQ(sample(text, R"(carelive_http_requests_total{route="static",status="200"})"), 1);
  EXPECT_TRUE(has_line(text, "# TYPE carelive_http_request_duration_seconds histogram"));
  EXPECT_EQ(
      sample(text,
             R"(carelive_http_request_duration_seconds_count{route="/api/v1/invites/{token}"})"),
      3);
  EXPECT_EQ(
      sample(
          text,
          R"(carelive_http_request_duration_seconds_bucket{route="/api/v1/invites/{token}",le="0.005"})"),
      2);
  EXPECT_TRUE(has_line(text, "# TYPE carelive_websocket_connections gauge"));
  EXPECT_EQ(sample(text, "carelive_websocket_connections"), 1);
  EXPECT_EQ(sample(text, "carelive_calls_active"), 3);
  EXPECT_EQ(sample(text, "carelive_messages_pending"), 7);
  EXPECT_TRUE(has_line(text, "# TYPE carelive_login_failures_total counter"));
  EXPECT_EQ(sample(text, R"(carelive_login_failures_total{reason="password"})"), 2);
  EXPECT_EQ(sample(text, R"(carelive_login_failures_total{reason="throttled"})"), 1);
  // Web Push is counted by the push module when it sends: nothing pushed yet, every result 0.
  EXPECT_TRUE(has_line(text, "# TYPE carelive_push_sent_total counter"));
  for (const char* result : {"sent", "gone", "retry", "rejected", "expired"}) {
    EXPECT_EQ(sample(text, std::string("carelive_push_sent_total{result=\"") + result + "\"}"), 0)
        << result;
  }
  m.push_sent("sent").Increment();
  EXPECT_EQ(
      sample(get(endpoint.port(), "/metrics").second, R"(carelive_push_sent_total{result="sent"})"),
      1);
}

TEST(MetricsEndpoint, ProcessMetricsComeFromProcSelf) {
  Metrics m;
  Endpoint endpoint("127.0.0.1:0", m);
  const auto text = get(endpoint.port(), "/metrics").second;
  EXPECT_TRUE(has_line(text, "# TYPE process_cpu_seconds_total counter"));
  EXPECT_GE(sample(text, "process_cpu_seconds_total"), 0);
  EXPECT_GT(sample(text, "process_resident_memory_bytes"), 1024 * 1024);
  EXPECT_GE(sample(text, "process_open_fds"), 3);  // stdin, stdout, stderr at least
  EXPECT_GT(sample(text, "process_max_fds"), 0);
  const double start = sample(text, "process_start_time_seconds");
  // Started before now and after 2020: the boot time plus the start ticks, in seconds.
  EXPECT_LE(start, static_cast<double>(std::time(nullptr)) + 1);
  EXPECT_GT(start, 1577836800.0);
}

TEST(MetricsEndpoint, OnlyMetricsIsServedAndABusyAddressIsRefused) {
  Metrics m;
  Endpoint endpoint("127.0.0.1:0", m);
  EXPECT_EQ(get(endpoint.port(), "/").first, 404u);
  const std::string taken = "127.0.0.1:" + std::to_string(endpoint.port());
  try {
    Endpoint again(taken, m);
    ADD_FAILURE() << "a second endpoint on " << taken;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(taken), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace carelive::metrics
