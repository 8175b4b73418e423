// Load tool of the call benchmark (bench/calls.sh): holds many idle, authenticated signaling
// WebSockets (GET /api/v1/ws) the way waiting family call screens hold them, and measures
//  1. the server's memory per connection: VmRSS of the server before connecting and once every
//     connection is open and watching, divided by the connections (and the tool's own, apart);
//  2. the call-start fan-out: staff sends `start` for a resident; the time until EVERY waiting
//     client of that resident has the `call` message with state "ringing" (the slowest one
//     counts), then `end`, for many residents in turn (and several at once), while every
//     connection stays open.
// Only the public protocol is used (docs/api.md): Cookie and Origin on the upgrade as a browser
// sends them, then JSON text messages. One thread, one io_context, C++20 coroutines.
//
// Input: the token file of bench/calls_seed.cpp. Output: progress on stderr, one line
// `BENCH_JSON {…}` on stdout. Exit status 1 when any connection failed or closed, any message
// was refused, or any fan-out timed out.
#include <netinet/in.h>
#include <sys/resource.h>
#include <CLI/CLI.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

// Linux: pick the source port at connect() from the whole 4-tuple, so several 127.0.0.x
// source addresses each get the full ephemeral port range (bind() alone would reserve a port
// for every address).
#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

// The server's limits on one connection (src/http/server.cpp, docs/api.md): 60 messages in a
// burst, 20 a second. Staff connections keep under them with a margin.
constexpr double kBurst = 50, kPerSecond = 16;

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::string origin;
  std::string tokens;
  int connections = 1000;
  int warmup = 200;
  int server_pid = 0;
  int rounds = 500;
  std::vector<int> concurrency{1, 10};
  int sources = 4;
  int in_flight = 256;
  double timeout_seconds = 10;
};

struct Account {
  std::int64_t resident_id = 0, facility_id = 0, account_id = 0;
  std::string token;
};

long status_kib(int pid, const char* field) {  // a "VmRSS:  1234 kB" line of /proc/PID/status
  std::ifstream in(pid ? "/proc/" + std::to_string(pid) + "/status" : "/proc/self/status");
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(key.size()));
  return -1;
}

int open_fds(int pid) {
  std::error_code ec;
  int n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

// What one resident's waiting clients have received during the measurement of one call.
struct Resident {
  std::int64_t id = 0, facility_id = 0;
  int waiting = 0;  // its connections that are open and watching
  bool measuring = false;
  Clock::time_point sent;      // when `start` (or `end`) was written
  Clock::time_point last;      // latest arrival so far
  int ringing = 0, ended = 0;  // clients that got it in this round (each counted once)
  int round = 0;
  bool ringing_round = false;  // this round waits for "ringing" (start), else for the end
  // When the staff connection got `joined`: the server sends it after the store has the call
  // and before the fan-out, so it splits the time into "before" and "fan-out".
  std::optional<Clock::time_point> joined;
  net::steady_timer* waiter = nullptr;  // woken when every client has the message
};

struct Stats {
  int opened = 0, watching = 0, failed = 0, closed = 0, errors = 0, unexpected = 0;
  std::map<std::string, int> failures;  // first words of each failure
};

class Load {
 public:
  Load(net::io_context& ioc, Options o) : ioc_(ioc), o_(std::move(o)) {
    endpoint_ = {net::ip::make_address(o_.host), o_.port};
  }

  void read_tokens() {
    std::ifstream in(o_.tokens);
    if (!in) throw std::runtime_error("cannot read " + o_.tokens);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream s(line);
      std::string kind;
      Account a;
      s >> kind;
      if (kind == "staff") {
        s >> a.facility_id >> a.account_id >> a.token;
        staff_accounts_[a.facility_id] = a;
      } else if (kind == "family") {
        s >> a.resident_id >> a.facility_id >> a.account_id >> a.token;
        families_.push_back(a);
      }
    }
    if (families_.empty()) throw std::runtime_error("no family accounts in " + o_.tokens);
  }

  net::awaitable<void> run(json& report) {
    const int n = std::min<int>(o_.connections, static_cast<int>(families_.size()));
    report["connections_asked"] = o_.connections;

    // Warm-up: connections opened, watching, then closed, so that what the server makes once
    // (worker stacks, store connections, caches) is not counted per connection.
    if (o_.warmup > 0) {
      std::cerr << "warm-up: " << o_.warmup << " connections opened and closed\n";
      std::vector<std::shared_ptr<Conn>> warm;
      co_await open_families(std::min(o_.warmup, n), &warm, false);
      for (auto& c : warm) close_conn(*c);
      co_await sleep(std::chrono::seconds(2));
      if (stats_.failed) co_return;
      stats_ = {};
    }

    const long server_before = status_kib(o_.server_pid, "VmRSS");
    const long client_before = status_kib(0, "VmRSS");
    std::cerr << "server VmRSS before: " << server_before << " KiB; opening " << n
              << " connections (" << o_.in_flight << " handshakes at a time, " << o_.sources
              << " source addresses)\n";
    const auto t0 = Clock::now();
    co_await open_families(n, nullptr, true);
    const double open_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    report["connections"] = stats_.watching;
    report["open_seconds"] = open_seconds;
    if (stats_.failed || stats_.watching != n) co_return;
    // Let the server finish what the last messages left (presence pushes, queued writes).
    co_await sleep(std::chrono::seconds(3));
    const long server_after = status_kib(o_.server_pid, "VmRSS");
    const long client_after = status_kib(0, "VmRSS");
    report["server_rss_before_kib"] = server_before;
    report["server_rss_after_kib"] = server_after;
    report["server_bytes_per_connection"] = (server_after - server_before) * 1024.0 / n;
    report["server_fds"] = open_fds(o_.server_pid);
    report["client_rss_before_kib"] = client_before;
    report["client_rss_after_kib"] = client_after;
    report["client_bytes_per_connection"] = (client_after - client_before) * 1024.0 / n;
    std::cerr << "all " << n << " watching after " << open_seconds << " s; server VmRSS "
              << server_after << " KiB = " << (server_after - server_before) * 1024.0 / n / 1024
              << " KiB per connection\n";

    // Staff connections for the facilities of the measured residents.
    std::vector<Resident*> sample = pick_residents();
    std::map<std::int64_t, std::shared_ptr<Conn>> staff;
    for (auto* r : sample) {
      if (staff.count(r->facility_id)) continue;
      auto it = staff_accounts_.find(r->facility_id);
      if (it == staff_accounts_.end()) throw std::runtime_error("no staff account for a facility");
      staff[r->facility_id] = nullptr;
    }
    for (auto& [facility, conn] : staff) {
      conn = std::make_shared<Conn>(staff_accounts_[facility], true);
      net::co_spawn(ioc_, session(conn, nullptr), net::detached);
    }
    while (stats_.opened < stats_.watching + static_cast<int>(staff.size()) && !stats_.failed)
      co_await sleep(std::chrono::milliseconds(5));
    if (stats_.failed) co_return;
    report["staff_connections"] = staff.size();

    json fanout = json::array();
    for (int c : o_.concurrency) {
      std::cerr << "call start fan-out: " << sample.size() << " residents, " << c << " at a time\n";
      std::vector<double> ms, before;
      int timeouts = 0;
      co_await measure(sample, staff, c, ms, before, timeouts);
      auto row = summary(std::min<int>(c, staff.size()), ms, timeouts);
      row["asked"] = c;
      auto b = summary(c, before, 0);
      row["staff_joined"] = {{"calls", b["calls"]},   {"p50_ms", b["p50_ms"]},
                             {"p90_ms", b["p90_ms"]}, {"p99_ms", b["p99_ms"]},
                             {"max_ms", b["max_ms"]}, {"mean_ms", b["mean_ms"]}};
      fanout.push_back(row);
      std::cerr << "  " << fanout.back().dump() << "\n";
    }
    report["fanout"] = fanout;
    report["server_rss_end_kib"] = status_kib(o_.server_pid, "VmRSS");
    report["client_rss_end_kib"] = status_kib(0, "VmRSS");
  }

  const Stats& stats() const { return stats_; }

 private:
  struct Conn {
    Conn(Account a, bool is_staff) : account(std::move(a)), staff(is_staff) {}
    Account account;
    bool staff = false;
    bool closing = false;  // closed by us
    int round = 0;         // the resident's round this client last counted in
    std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
    // Client-side mirror of the server's token bucket (staff connections only).
    double tokens = kBurst;
    Clock::time_point last = Clock::now();
  };

  net::awaitable<void> sleep(Clock::duration d) {
    net::steady_timer t(ioc_, d);
    boost::system::error_code ec;
    co_await t.async_wait(net::redirect_error(net::use_awaitable, ec));
  }

  void fail(const std::string& what) {
    ++stats_.failed;
    auto key = what.substr(0, 60);
    if (stats_.failures[key]++ < 3) std::cerr << "FAIL: " << what << "\n";
  }

  void close_conn(Conn& c) {
    c.closing = true;
    if (!c.ws) return;
    boost::system::error_code ec;
    c.ws->next_layer().socket().shutdown(tcp::socket::shutdown_both, ec);
    c.ws->next_layer().socket().close(ec);
  }

  // Opens `n` family connections, at most in_flight handshakes at a time, and returns when
  // each is watching (its first `call` answer came) or failed.
  net::awaitable<void> open_families(int n, std::vector<std::shared_ptr<Conn>>* keep, bool count) {
    int started = 0;
    const int base = stats_.watching;
    while (started < n && !stats_.failed) {
      if (started - (stats_.watching - base) < o_.in_flight) {
        const Account& a = families_[started];
        if (count) {
          auto& r = residents_[a.resident_id];
          r.id = a.resident_id;
          r.facility_id = a.facility_id;
        }
        auto conn = std::make_shared<Conn>(a, false);
        if (keep) keep->push_back(conn);
        net::co_spawn(ioc_, session(conn, count ? &residents_[a.resident_id] : nullptr),
                      net::detached);
        ++started;
        if (started % 2000 == 0) std::cerr << "  " << started << " connecting\n";
      } else {
        co_await sleep(std::chrono::milliseconds(1));
      }
    }
    while (stats_.watching - base < started && !stats_.failed)
      co_await sleep(std::chrono::milliseconds(5));
  }

  // One connection: connect from a 127.0.0.x source, upgrade with the session cookie and our
  // Origin, send `watch` (family), then read until the end.
  net::awaitable<void> session(std::shared_ptr<Conn> conn, Resident* resident) {
    boost::system::error_code ec;
    tcp::socket socket(ioc_);
    socket.open(tcp::v4(), ec);
    if (!ec) {
      int one = 1;
      ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
      auto v4 = endpoint_.address().to_v4().to_uint();
      auto source = net::ip::address_v4((v4 & 0xffffff00u) + 1 + (next_source_++ % o_.sources));
      socket.bind({source, 0}, ec);
    }
    if (!ec) co_await socket.async_connect(endpoint_, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      fail("connect: " + ec.message());
      co_return;
    }
    conn->ws = std::make_unique<websocket::stream<beast::tcp_stream>>(std::move(socket));
    auto& ws = *conn->ws;
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws.set_option(
        websocket::stream_base::decorator([cookie = "carelive_session=" + conn->account.token,
                                           origin = o_.origin](websocket::request_type& req) {
          req.set(beast::http::field::cookie, cookie);
          req.set(beast::http::field::origin, origin);
          req.set(beast::http::field::user_agent, "carelive-ws-load");
        }));
    websocket::response_type res;
    co_await ws.async_handshake(res, host_header(), "/api/v1/ws",
                                net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      fail("upgrade: " + ec.message() + " (HTTP " + std::to_string(res.result_int()) + ")");
      co_return;
    }
    ++stats_.opened;
    if (!conn->staff) {
      const std::string watch =
          json{{"type", "watch"}, {"resident_id", conn->account.resident_id}}.dump();
      co_await ws.async_write(net::buffer(watch), net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        fail("watch: " + ec.message());
        co_return;
      }
    }
    bool ready = false;
    beast::flat_buffer buffer;
    for (;;) {
      co_await ws.async_read(buffer, net::redirect_error(net::use_awaitable, ec));
      const auto now = Clock::now();
      if (ec) break;
      json msg = json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
      buffer.consume(buffer.size());
      const std::string type = msg.is_object() ? msg.value("type", "") : "";
      if (type == "error") {
        ++stats_.errors;
        fail("server answered " + msg.dump());
        if (conn->staff) wake_all();
        continue;
      }
      if (conn->staff && type == "joined") {
        auto it = residents_.find(msg.value("resident_id", std::int64_t{0}));
        if (it != residents_.end() && it->second.measuring) it->second.joined = now;
        continue;
      }
      if (conn->staff || type != "call") continue;
      if (!ready) {  // the answer to `watch`: the current (idle) call
        ready = true;
        ++stats_.watching;
        if (resident) ++resident->waiting;
        continue;
      }
      if (!resident || !resident->measuring) {
        ++stats_.unexpected;
        continue;
      }
      const std::string state = msg.value("state", "");
      // A client counts once per round, whatever else the server sends meanwhile.
      if (conn->round == resident->round) continue;
      if (state == "ringing" && resident->ringing_round) {
        conn->round = resident->round;
        ++resident->ringing;
        resident->last = std::max(resident->last, now);
        if (resident->ringing == resident->waiting && resident->waiter) resident->waiter->cancel();
      } else if ((state == "ended" || state == "idle") && !resident->ringing_round) {
        conn->round = resident->round;
        ++resident->ended;
        resident->last = std::max(resident->last, now);
        if (resident->ended == resident->waiting && resident->waiter) resident->waiter->cancel();
      }
    }
    // The read failed: we closed it (warm-up), or the server did, which must not happen.
    if (conn->closing) co_return;
    if (conn->staff) {
      fail("staff connection closed: " + ec.message());
      wake_all();
    } else {
      ++stats_.closed;
      fail("connection closed: " + ec.message());
    }
  }

  std::string host_header() const { return o_.host + ":" + std::to_string(o_.port); }

  void wake_all() {
    for (auto& [id, r] : residents_)
      if (r.waiter) r.waiter->cancel();
  }

  // Residents with open connections, spread evenly over all of them.
  std::vector<Resident*> pick_residents() {
    std::vector<Resident*> all;
    for (auto& [id, r] : residents_)
      if (r.waiting > 0) all.push_back(&r);
    std::vector<Resident*> out;
    const std::size_t m = std::min<std::size_t>(o_.rounds, all.size());
    for (std::size_t i = 0; i < m; ++i) out.push_back(all[i * all.size() / m]);
    return out;
  }

  net::awaitable<void> pace(Conn& c) {
    auto now = Clock::now();
    c.tokens = std::min(
        kBurst, c.tokens + std::chrono::duration<double>(now - c.last).count() * kPerSecond);
    c.last = now;
    if (c.tokens < 1) {
      co_await sleep(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>((1 - c.tokens) / kPerSecond)));
      c.tokens = 1;
      c.last = Clock::now();
    }
    c.tokens -= 1;
  }

  // Sends `type` for the resident from its facility's staff connection and waits until each
  // waiting client got the resulting `call` message (`count` reaches `waiting`). Returns the
  // time from the send to the last arrival, or a negative value on timeout or failure.
  net::awaitable<double> send_and_wait(Conn& staff, Resident& r, const char* type,
                                       int Resident::*count) {
    co_await pace(staff);
    net::steady_timer timer(ioc_, std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(o_.timeout_seconds)));
    r.ringing = r.ended = 0;
    ++r.round;
    r.ringing_round = count == &Resident::ringing;
    r.joined.reset();
    r.measuring = true;
    r.waiter = &timer;
    const std::string text = json{{"type", type}, {"resident_id", r.id}}.dump();
    r.sent = r.last = Clock::now();
    boost::system::error_code ec;
    co_await staff.ws->async_write(net::buffer(text), net::redirect_error(net::use_awaitable, ec));
    if (ec) fail(std::string("staff ") + type + ": " + ec.message());
    if (!ec && r.*count < r.waiting)
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    r.waiter = nullptr;
    if (r.*count < r.waiting) co_return -1.0;
    co_return std::chrono::duration<double, std::milli>(r.last - r.sent).count();
  }

  net::awaitable<void> measure(const std::vector<Resident*>& sample,
                               std::map<std::int64_t, std::shared_ptr<Conn>>& staff, int c,
                               std::vector<double>& ms, std::vector<double>& before,
                               int& timeouts) {
    // Worker w takes the residents of every c-th facility: calls in flight at the same time
    // are always in different facilities (one staff connection starts one call at a time).
    std::vector<std::int64_t> facilities;
    for (auto& [f, conn] : staff) facilities.push_back(f);
    const int workers = std::max(1, std::min<int>(c, static_cast<int>(facilities.size())));
    int running = workers;
    for (int w = 0; w < workers; ++w) {
      std::vector<Resident*> mine;
      for (auto* r : sample) {
        auto pos =
            std::find(facilities.begin(), facilities.end(), r->facility_id) - facilities.begin();
        if (pos % workers == w) mine.push_back(r);
      }
      net::co_spawn(
          ioc_,
          [&, mine]() -> net::awaitable<void> {
            for (auto* r : mine) {
              if (stats_.failed) break;
              auto& conn = *staff.at(r->facility_id);
              double t = co_await send_and_wait(conn, *r, "start", &Resident::ringing);
              if (t < 0) {
                ++timeouts;
                fail("no ringing at every client within the timeout");
              } else {
                ms.push_back(t);
              }
              // `joined` went out before the fan-out; on loopback it is in by now, or nearly.
              for (int i = 0; i < 100 && !r->joined; ++i)
                co_await sleep(std::chrono::milliseconds(1));
              if (r->joined)
                before.push_back(
                    std::chrono::duration<double, std::milli>(*r->joined - r->sent).count());
              double e = co_await send_and_wait(conn, *r, "end", &Resident::ended);
              r->measuring = false;
              if (e < 0) {
                ++timeouts;
                fail("no end at every client within the timeout");
              }
            }
            --running;
          },
          net::detached);
    }
    while (running > 0) co_await sleep(std::chrono::milliseconds(2));
  }

  static json summary(int c, std::vector<double> ms, int timeouts) {
    std::sort(ms.begin(), ms.end());
    auto q = [&](double p) {
      if (ms.empty()) return 0.0;
      auto i = static_cast<std::size_t>(std::ceil(p * ms.size())) - 1;
      return ms[std::min(i, ms.size() - 1)];
    };
    double sum = 0;
    for (double v : ms) sum += v;
    return {{"concurrency", c},
            {"calls", ms.size()},
            {"timeouts", timeouts},
            {"p50_ms", q(0.50)},
            {"p90_ms", q(0.90)},
            {"p99_ms", q(0.99)},
            {"max_ms", ms.empty() ? 0.0 : ms.back()},
            {"mean_ms", ms.empty() ? 0.0 : sum / ms.size()}};
  }

  net::io_context& ioc_;
  Options o_;
  tcp::endpoint endpoint_;
  std::vector<Account> families_;
  std::map<std::int64_t, Account> staff_accounts_;
  std::map<std::int64_t, Resident> residents_;
  Stats stats_;
  unsigned next_source_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App cli{"Idle WebSocket clients and call-start fan-out against carelive"};
  cli.add_option("--host", o.host, "server address (IPv4)");
  cli.add_option("--port", o.port, "server port")->required();
  cli.add_option("--origin", o.origin, "Origin header: the server's public URL")->required();
  cli.add_option("--tokens", o.tokens, "token file of calls_seed")->required();
  cli.add_option("--connections", o.connections, "family connections to hold");
  cli.add_option("--warmup", o.warmup, "connections opened and closed before measuring");
  cli.add_option("--server-pid", o.server_pid, "server process, for its VmRSS")->required();
  cli.add_option("--rounds", o.rounds, "calls started (residents measured) per pass");
  cli.add_option("--concurrency", o.concurrency, "calls in flight at once, one pass each");
  cli.add_option("--sources", o.sources, "source addresses 127.0.0.1..N")
      ->check(CLI::Range(1, 250));
  cli.add_option("--in-flight", o.in_flight, "handshakes in flight at once");
  cli.add_option("--timeout", o.timeout_seconds, "seconds to wait for a fan-out");
  CLI11_PARSE(cli, argc, argv);

  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < static_cast<rlim_t>(o.connections) + 64) {
    std::cerr << "open files limit " << lim.rlim_cur << " too low for " << o.connections
              << " connections (ulimit -n)\n";
    return 1;
  }

  net::io_context ioc(1);
  Load load(ioc, o);
  json report;
  int rc = 0;
  try {
    load.read_tokens();
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
          co_await load.run(report);
          ioc.stop();
        },
        [&](std::exception_ptr e) {
          if (!e) return;
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            std::cerr << "ws_load: " << ex.what() << "\n";
          }
          rc = 1;
          ioc.stop();
        });
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "ws_load: " << e.what() << "\n";
    return 1;
  }
  const auto& s = load.stats();
  report["failed"] = s.failed;
  report["closed"] = s.closed;
  report["errors"] = s.errors;
  report["unexpected_messages"] = s.unexpected;
  std::cout << "BENCH_JSON " << report.dump() << std::endl;
  if (s.failed || s.closed || s.errors) rc = 1;
  // Exit without closing 20,000 sockets one by one: the kernel closes them.
  std::fflush(nullptr);
  std::_Exit(rc);
}
