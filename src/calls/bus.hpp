#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace carelive::calls {

// Messages between the server processes ("nodes") that serve calls, so that several
// `carelive serve` behind one load balancer behave as one (SPEC 7). Every node has a random
// id; `broadcast` reaches every other node, `direct` one named node. A node never receives
// its own messages: it applies its own changes at once (lower latency, same result).
// Delivery is at most once: whatever depends on it heals from the store or from periodic
// snapshots after a lost message (see calls::Hub).
class Bus {
 public:
  using Handler = std::function<void(const nlohmann::json&)>;
  virtual ~Bus() = default;

  const std::string& node() const { return node_; }
  // Whether other nodes can exist (false: the in-process bus of a single server).
  virtual bool clustered() const = 0;
  // Whether messages from the other nodes arrive now (GET /healthz); the in-process bus always.
  virtual bool connected() const = 0;
  // Begins delivery: `on_message` gets every message from other nodes (on the bus's own
  // thread, one at a time); `on_connected` runs after every (re)connection, when messages
  // may have been lost. Call once.
  virtual void start(Handler on_message, std::function<void()> on_connected) = 0;
  // Stops delivery after sending what is queued (best effort); idempotent.
  virtual void stop() = 0;
  virtual void broadcast(const nlohmann::json& msg) = 0;
  virtual void direct(const std::string& node, const nlohmann::json& msg) = 0;

 protected:
  Bus();
  std::string node_;
};

// One process: there is no other node, so nothing is sent anywhere.
class LocalBus final : public Bus {
 public:
  bool clustered() const override { return false; }
  bool connected() const override { return true; }
  void start(Handler, std::function<void()> on_connected) override {
    if (on_connected) on_connected();
  }
  void stop() override {}
  void broadcast(const nlohmann::json&) override {}
  void direct(const std::string&, const nlohmann::json&) override {}
};

// `redis://[:password@]host[:port]` parsed; throws std::invalid_argument.
struct RedisAddress {
  std::string host;
  int port = 6379;
  std::string password;
  static RedisAddress parse(const std::string& url);
};

// Redis pub/sub through libhiredis' blocking API: a subscriber connection on its own thread
// (blocking read loop on the channels `<prefix>:all` and `<prefix>:node:<id>`) and a publisher
// connection on another thread that drains a queue, so that a slow or absent Redis never
// blocks the worker threads. Both reconnect with backoff (0.1 s doubling to 5 s), logged.
class RedisBus final : public Bus {
 public:
  explicit RedisBus(const std::string& url, std::string prefix = "carelive");
  ~RedisBus() override;

  bool clustered() const override { return true; }
  // Subscribed now: false before start(), while reconnecting and after stop().
  bool connected() const override { return subscribed_.load(); }
  void start(Handler on_message, std::function<void()> on_connected) override;
  void stop() override;
  void broadcast(const nlohmann::json& msg) override;
  void direct(const std::string& node, const nlohmann::json& msg) override;

  // Messages dropped because the queue was full (Redis away for long).
  std::uint64_t dropped() const { return dropped_.load(); }
  // How often the subscriber has (re)connected.
  std::uint64_t connections() const { return connections_.load(); }

 private:
  void publish(std::string channel, std::string payload);
  void subscribe_loop();
  void publish_loop();
  // Waits `delay` unless stopping; returns false when stopping.
  bool pause(std::chrono::milliseconds delay);

  RedisAddress address_;
  std::string all_channel_, my_channel_, prefix_;
  Handler on_message_;
  std::function<void()> on_connected_;

  std::mutex mutex_;  // queue_, stopping_, sub_fd_
  std::condition_variable wake_;
  std::deque<std::pair<std::string, std::string>> queue_;
  bool stopping_ = false;
  int sub_fd_ = -1;  // the subscriber's socket, shut down by stop() to end its blocking read
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<bool> subscribed_{false};
  std::thread subscriber_, publisher_;

  static constexpr std::size_t kMaxQueued = 100'000;
};

}  // namespace carelive::calls
