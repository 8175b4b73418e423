#include "calls/bus.hpp"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <random>
#include <stdexcept>

namespace carelive::calls {

namespace {

std::string random_node_id() {
  std::random_device rd;
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 4; ++i) {
    auto n = rd();
    for (int shift = 28; shift >= 0; shift -= 4) out += digits[(n >> shift) & 0xf];
  }
  return out;
}

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextFree>;
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

// Connects and authenticates; nullptr (logged once per outage by the caller) on failure.
ContextPtr connect(const RedisAddress& a, std::string& error) {
  timeval timeout{2, 0};
  ContextPtr c(redisConnectWithTimeout(a.host.c_str(), a.port, timeout));
  if (!c) {
    error = "cannot allocate a Redis context";
    return nullptr;
  }
  if (c->err) {
    error = c->errstr;
    return nullptr;
  }
  redisEnableKeepAlive(c.get());  // notices a peer that vanished without closing
  if (!a.password.empty()) {
    ReplyPtr r(static_cast<redisReply*>(redisCommand(c.get(), "AUTH %s", a.password.c_str())));
    if (!r || r->type == REDIS_REPLY_ERROR) {
      error = r ? std::string(r->str, r->len) : std::string(c->errstr);
      return nullptr;
    }
  }
  return c;
}

}  // namespace

Bus::Bus() : node_(random_node_id()) {}

RedisAddress RedisAddress::parse(const std::string& url) {
  const std::string scheme = "redis://";
  if (url.rfind(scheme, 0) != 0)
    throw std::invalid_argument("config: redis.url must start with redis://");
  std::string rest = url.substr(scheme.size());
  if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  RedisAddress a;
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string auth = rest.substr(0, at);
    rest = rest.substr(at + 1);
    // redis://:password@host or redis://user:password@host (the user is ignored: Redis 5).
    auto colon = auth.find(':');
    a.password = colon == std::string::npos ? auth : auth.substr(colon + 1);
  }
  if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    rest.resize(colon);
    try {
      std::size_t used = 0;
      a.port = std::stoi(port, &used);
      if (used != port.size() || a.port <= 0 || a.port > 65535) throw std::out_of_range(port);
    } catch (const std::exception&) {
      throw std::invalid_argument("config: redis.url has a bad port: " + port);
    }
  }
  if (rest.empty()) throw std::invalid_argument("config: redis.url has no host");
  a.host = rest;
  return a;
}

RedisBus::RedisBus(const std::string& url, std::string prefix)
    : address_(RedisAddress::parse(url)),
      all_channel_(prefix + ":all"),
      my_channel_(prefix + ":node:" + node_),
      prefix_(std::move(prefix)) {}

RedisBus::~RedisBus() { stop(); }

void RedisBus::start(Handler on_message, std::function<void()> on_connected) {
  on_message_ = std::move(on_message);
  on_connected_ = std::move(on_connected);
  publisher_ = std::thread([this] { publish_loop(); });
  subscriber_ = std::thread([this] { subscribe_loop(); });
}

void RedisBus::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    // Ends the subscriber's blocking read; the thread frees the context itself.
    if (sub_fd_ >= 0) ::shutdown(sub_fd_, SHUT_RDWR);
  }
  wake_.notify_all();
  if (subscriber_.joinable()) subscriber_.join();
  if (publisher_.joinable()) publisher_.join();
}

void RedisBus::broadcast(const nlohmann::json& msg) { publish(all_channel_, msg.dump()); }

void RedisBus::direct(const std::string& node, const nlohmann::json& msg) {
  publish(prefix_ + ":node:" + node, msg.dump());
}

void RedisBus::publish(std::string channel, std::string payload) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (queue_.size() >= kMaxQueued) {
      queue_.pop_front();
      if (dropped_.fetch_add(1) % 1000 == 0)
        spdlog::warn("call bus: Redis unreachable for long, dropping messages");
    }
    queue_.emplace_back(std::move(channel), std::move(payload));
  }
  wake_.notify_all();
}

bool RedisBus::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, delay, [&] { return stopping_; });
  return !stopping_;
}

void RedisBus::subscribe_loop() {
  std::chrono::milliseconds backoff(100);
  bool was_down = false;
  for (;;) {
    std::string error;
    ContextPtr c = connect(address_, error);
    if (c) {
      ReplyPtr r(static_cast<redisReply*>(
          redisCommand(c.get(), "SUBSCRIBE %s %s", all_channel_.c_str(), my_channel_.c_str())));
      if (!r || r->type == REDIS_REPLY_ERROR) {
        error = r ? std::string(r->str, r->len) : std::string(c->errstr);
        c.reset();
      }
    }
    if (c) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        sub_fd_ = c->fd;
        subscribed_ = true;
      }
      spdlog::info("call bus: subscribed to Redis {}:{} as node {}", address_.host, address_.port,
                   node_);
      backoff = std::chrono::milliseconds(100);
      was_down = false;
      ++connections_;
      if (on_connected_) {
        try {
          on_connected_();
        } catch (const std::exception& e) {
          spdlog::error("call bus: after connecting: {}", e.what());
        }
      }
      for (;;) {
        void* raw = nullptr;
        if (redisGetReply(c.get(), &raw) != REDIS_OK) {
          error = c->errstr;
          break;
        }
        ReplyPtr r(static_cast<redisReply*>(raw));
        // ["message", channel, payload]; the second "subscribe" confirmation is skipped.
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 3) continue;
        if (std::string(r->element[0]->str, r->element[0]->len) != "message") continue;
        auto msg = nlohmann::json::parse(std::string(r->element[2]->str, r->element[2]->len),
                                         nullptr, false);
        if (!msg.is_object()) continue;
        if (msg.value("node", "") == node_) continue;  // not our own echo
        try {
          on_message_(msg);
        } catch (const std::exception& e) {
          spdlog::error("call bus: handling a message: {}", e.what());
        }
      }
      {
        std::lock_guard lock(mutex_);
        sub_fd_ = -1;
        subscribed_ = false;
        if (stopping_) return;
      }
      c.reset();
    }
    if (!was_down) spdlog::warn("call bus: Redis subscriber connection lost: {}", error);
    was_down = true;
    if (!pause(backoff)) return;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

void RedisBus::publish_loop() {
  std::chrono::milliseconds backoff(100);
  ContextPtr c;
  bool was_down = false;
  for (;;) {
    std::pair<std::string, std::string> item;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      // On stop, what is queued is still sent while Redis answers (e.g. a node's "bye").
      if (queue_.empty() || (stopping_ && !c)) return;
      item = queue_.front();
    }
    if (!c) {
      std::string error;
      c = connect(address_, error);
      if (c) {
        timeval timeout{2, 0};
        redisSetTimeout(c.get(), timeout);  // a hung Redis fails the command, not the thread
        if (was_down) spdlog::info("call bus: Redis publisher reconnected");
        was_down = false;
        backoff = std::chrono::milliseconds(100);
      } else {
        if (!was_down) spdlog::warn("call bus: Redis publisher cannot connect: {}", error);
        was_down = true;
        if (!pause(backoff)) return;
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
        continue;
      }
    }
    ReplyPtr r(static_cast<redisReply*>(redisCommand(c.get(), "PUBLISH %b %b", item.first.data(),
                                                     item.first.size(), item.second.data(),
                                                     item.second.size())));
    if (!r) {
      spdlog::warn("call bus: Redis publish failed: {}", c->errstr);
      was_down = true;
      c.reset();
      continue;  // sent again on the next connection
    }
    std::lock_guard lock(mutex_);
    if (!queue_.empty()) queue_.pop_front();
  }
}

}  // namespace carelive::calls
