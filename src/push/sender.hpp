#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "push/endpoint.hpp"

// Delivery of push messages to a push service (RFC 8030 §5) with libcurl.
namespace carelive::push {

// One push message, ready to go: `body` from encrypt(), `authorization` from
// vapid_authorization() for the endpoint's origin.
struct PushRequest {
  std::string endpoint;
  std::string body;                // aes128gcm (RFC 8291)
  std::string authorization;       // "vapid t=…, k=…" (RFC 8292)
  int ttl_seconds = 0;             // RFC 8030 §5.2: how long the service may keep it
  std::string urgency = "normal";  // RFC 8030 §5.3: very-low, low, normal or high
  std::string topic;  // RFC 8030 §5.4: optional; ≤ 32 base64url characters; replaces a pending
                      // message with the same topic
};

// What became of one request.
struct PushOutcome {
  enum class Kind {
    delivered,  // 200, 201, 202: the push service took it
    gone,       // 404, 410: the subscription no longer exists; delete it
    retry,      // 429, 5xx, no answer: try again later (after retry_after_seconds if not 0)
    rejected,   // anything else (400, 401, 403, 413, a redirect, an endpoint not allowed):
                // sending again will not help
  };
  Kind kind = Kind::rejected;
  long status = 0;                       // the HTTP status; 0 when there was no answer
  std::int64_t retry_after_seconds = 0;  // from Retry-After (seconds or HTTP date); 0 if none
  std::string detail;                    // for the log; never holds the body or the token
};

struct SenderSettings {
  long timeout_seconds = 10;
  long connect_timeout_seconds = 5;
  std::vector<std::string> allowed_hosts = default_allowed_hosts();
  bool allow_http = false;  // tests with a local push service only
};

// Sends push messages. It keeps one libcurl handle, so that messages to the same push service
// reuse the connection; hence one PushSender is used by one thread at a time (give each
// worker its own).
class PushSender {
 public:
  using Settings = SenderSettings;
  explicit PushSender(Settings settings = {});
  ~PushSender();
  PushSender(const PushSender&) = delete;
  PushSender& operator=(const PushSender&) = delete;

  // POSTs the message with the headers TTL, Urgency, Topic (when set), Content-Encoding:
  // aes128gcm, Content-Type: application/octet-stream and Authorization; follows no redirect.
  // The endpoint is checked with endpoint_allowed() first: one not allowed is `rejected`
  // without any connection. invalid_argument for a negative TTL, an unknown urgency or a
  // malformed topic (the caller's mistakes, not the service's answer).
  PushOutcome send(const PushRequest& request);

 private:
  struct Handle;
  Settings settings_;
  std::unique_ptr<Handle> handle_;
};

}  // namespace carelive::push
