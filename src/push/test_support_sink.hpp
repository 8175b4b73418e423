#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "push/encrypt.hpp"

// A loopback push service for tests and benchmarks (not part of the server: it is built into
// carelive_test_support, see CMakeLists.txt). It plays both the push service and the browsers
// behind it: for each POST /push/<id> it checks the VAPID Authorization header as a push service
// does (RFC 8292: ES256 signature under k, aud = its own origin, exp in the future and at most
// 24 h ahead), decrypts the body with the subscriber's keys (RFC 8291) and records the message.
namespace carelive::push::testing {

// A browser-like subscription, as PushSubscription.toJSON() gives it, plus its private keys.
struct SinkSubscription {
  std::string id;
  std::string endpoint;       // "http://127.0.0.1:<port>/push/<id>"
  std::string p256dh_b64url;  // keys.p256dh
  std::string auth_b64url;    // keys.auth
  UaKeys keys;
};

// One message the sink took and decrypted.
struct SinkMessage {
  std::string id;
  std::string plaintext;
  long ttl = -1;
  std::string urgency;  // empty when the header was absent
  std::string topic;    // empty when the header was absent
  std::chrono::steady_clock::time_point received_at;
};

class PushSink {
 public:
  // Listens on 127.0.0.1:`port` (0: a free port) and serves on a thread of its own.
  explicit PushSink(unsigned short port = 0);
  ~PushSink();
  PushSink(const PushSink&) = delete;
  PushSink& operator=(const PushSink&) = delete;

  unsigned short port() const;
  // "http://127.0.0.1:<port>": the aud that tokens for this sink must carry.
  std::string origin() const;

  // A new subscriber `id` with fresh keys (replacing an earlier one of that id).
  SinkSubscription subscribe(const std::string& id);
  // From now on, answers POSTs to `id` with `status` (201 by default), with a Retry-After and a
  // Location header when given. A status other than 2xx is answered after the VAPID check and
  // before decryption, and records nothing.
  void respond(const std::string& id, unsigned status, std::string retry_after = {},
               std::string location = {});
  // Waits until at least `n` messages were recorded; false when `timeout` passed first.
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const;
  // The messages recorded so far, in arrival order.
  std::vector<SinkMessage> received() const;
  // Why requests were refused (unknown id, bad token, a body that did not decrypt …).
  std::vector<std::string> refusals() const;
  // Every request that reached the sink, refused or not.
  std::size_t requests() const;
  // Called on the sink's thread for each recorded message (the benchmark prints them); set it
  // before sending. With `keep` false, messages are handed to it and not kept (long runs).
  void on_message(std::function<void(const SinkMessage&)> fn, bool keep = true);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carelive::push::testing
