#include "push/test_support_sink.hpp"

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "push/base64url.hpp"
#include "push/vapid.hpp"

namespace carelive::push::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

namespace {

struct Scripted {
  unsigned status = 201;
  std::string retry_after;
  std::string location;
};

struct Subscriber {
  UaKeys keys;
  Scripted answer;
};

// "vapid t=<jwt>, k=<key>" (RFC 8292 §3): the two parameters, in either order.
std::optional<std::pair<std::string, std::string>> vapid_params(std::string_view value) {
  if (value.rfind("vapid ", 0) != 0) return std::nullopt;
  value.remove_prefix(6);
  std::string t;
  std::string k;
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.rfind("t=", 0) == 0) t = item.substr(2);
    if (item.rfind("k=", 0) == 0) k = item.substr(2);
  }
  if (t.empty() || k.empty()) return std::nullopt;
  return std::pair{t, k};
}

std::int64_t unix_now() { return system_unix_now(); }

}  // namespace

struct PushSink::Impl {
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  unsigned short port = 0;
  std::thread thread;

  mutable std::mutex mutex;
  mutable std::condition_variable arrived;
  std::map<std::string, Subscriber> subscribers;
  std::vector<SinkMessage> messages;
  std::vector<std::string> refusals;
  std::size_t requests = 0;
  std::function<void(const SinkMessage&)> on_message;
  bool keep = true;

  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port); }

  Response reply(const Request& req, unsigned status, const Scripted* scripted = nullptr) {
    Response res{static_cast<bhttp::status>(status), req.version()};
    res.keep_alive(req.keep_alive());
    if (scripted && !scripted->retry_after.empty())
      res.set(bhttp::field::retry_after, scripted->retry_after);
    if (scripted && !scripted->location.empty())
      res.set(bhttp::field::location, scripted->location);
    res.prepare_payload();
    return res;
  }

  Response refuse(const Request& req, unsigned status, std::string why) {
    std::lock_guard lock(mutex);
    refusals.push_back(std::move(why));
    return reply(req, status);
  }

  // The push service's checks (RFC 8292 §4): a token signed by k, for this origin, not expired
  // and not living more than 24 hours. Empty when all hold, else why not.
  std::string check_vapid(const Request& req) const {
    const auto params = vapid_params(req[bhttp::field::authorization]);
    if (!params) return "no vapid Authorization";
    const auto key = base64url_decode(params->second);
    if (!key) return "k is not base64url";
    const auto claims = verify_vapid_jwt(params->first, *key);
    if (!claims) return "token signature does not verify";
    if (claims->audience != origin()) return "aud is not this origin: " + claims->audience;
    const std::int64_t now = unix_now();
    if (claims->expires_unix <= now) return "token expired";
    if (claims->expires_unix > now + kMaxTokenLifetimeSeconds + 60)
      return "token lives more than 24 hours";
    return {};
  }

  Response handle(const Request& req) {
    {
      std::lock_guard lock(mutex);
      ++requests;
    }
    const std::string_view target = req.target();
    constexpr std::string_view kPrefix = "/push/";
    if (req.method() != bhttp::verb::post || target.rfind(kPrefix, 0) != 0)
      return refuse(req, 404, "not a POST /push/<id>");
    const std::string id(target.substr(kPrefix.size()));
    std::optional<Subscriber> sub;
    {
      std::lock_guard lock(mutex);
      if (auto it = subscribers.find(id); it != subscribers.end()) sub = it->second;
    }
    if (!sub) return refuse(req, 404, "unknown subscription " + id);
    if (auto why = check_vapid(req); !why.empty()) return refuse(req, 401, id + ": " + why);
    if (sub->answer.status < 200 || sub->answer.status > 299)
      return reply(req, sub->answer.status, &sub->answer);
    if (req[bhttp::field::content_encoding] != "aes128gcm")
      return refuse(req, 400, id + ": Content-Encoding is not aes128gcm");
    const std::string ttl(req["TTL"]);
    if (ttl.empty() || ttl.find_first_not_of("0123456789") != std::string::npos)
      return refuse(req, 400, id + ": no TTL");
    SinkMessage m{id,
                  {},
                  std::stol(ttl),
                  std::string(req["Urgency"]),
                  std::string(req["Topic"]),
                  std::chrono::steady_clock::now()};
    try {
      m.plaintext = decrypt(req.body(), sub->keys);
    } catch (const std::exception& e) {
      return refuse(req, 400, id + ": " + e.what());
    }
    std::function<void(const SinkMessage&)> callback;
    {
      std::lock_guard lock(mutex);
      callback = on_message;
      if (keep) messages.push_back(m);
    }
    if (callback) callback(m);
    arrived.notify_all();
    return reply(req, sub->answer.status, &sub->answer);
  }

  net::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(8 * 1024);
      stream.expires_after(std::chrono::seconds(30));
      boost::system::error_code ec;
      co_await bhttp::async_read(stream, buffer, parser,
                                 net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
      Request req = parser.release();
      Response res = handle(req);
      co_await bhttp::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
      if (ec || !res.keep_alive()) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      // Answers are small and latency-bound: no Nagle delay behind the client's delayed ACK.
      socket.set_option(tcp::no_delay(true), ec);
      net::co_spawn(ioc, session(std::move(socket)), net::detached);
    }
  }
};

PushSink::PushSink(unsigned short port) : impl_(std::make_unique<Impl>()) {
  const tcp::endpoint at(net::ip::make_address("127.0.0.1"), port);
  impl_->acceptor.open(at.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(at);
  impl_->acceptor.listen(net::socket_base::max_listen_connections);
  impl_->port = impl_->acceptor.local_endpoint().port();
  net::co_spawn(impl_->ioc, impl_->accept_loop(), net::detached);
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

PushSink::~PushSink() {
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

unsigned short PushSink::port() const { return impl_->port; }

std::string PushSink::origin() const { return impl_->origin(); }

SinkSubscription PushSink::subscribe(const std::string& id) {
  SinkSubscription s{id, origin() + "/push/" + id, {}, {}, UaKeys::generate()};
  s.p256dh_b64url = base64url_encode(s.keys.public_key);
  s.auth_b64url = base64url_encode(s.keys.auth_secret);
  std::lock_guard lock(impl_->mutex);
  impl_->subscribers[id] = Subscriber{s.keys, {}};
  return s;
}

void PushSink::respond(const std::string& id, unsigned status, std::string retry_after,
                       std::string location) {
  std::lock_guard lock(impl_->mutex);
  impl_->subscribers[id].answer = {status, std::move(retry_after), std::move(location)};
}

bool PushSink::wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->arrived.wait_for(lock, timeout, [&] { return impl_->messages.size() >= n; });
}

std::vector<SinkMessage> PushSink::received() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->messages;
}

std::vector<std::string> PushSink::refusals() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->refusals;
}

std::size_t PushSink::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

void PushSink::on_message(std::function<void(const SinkMessage&)> fn, bool keep) {
  std::lock_guard lock(impl_->mutex);
  impl_->on_message = std::move(fn);
  impl_->keep = keep;
}

}  // namespace carelive::push::testing
