#pragma once

#include <cstddef>
#include <string>

namespace carelive::http {

// What the HTTP server and its guards need of the configuration; App fills it from Config.
struct Settings {
  std::string listen = "127.0.0.1:8080";
  std::string public_url;  // the Origin every state-changing request and WebSocket must carry
  int io_threads = 1;
  std::size_t body_limit = 64 * 1024;
  int request_timeout_seconds = 30;
  bool trust_proxy = false;  // take the client address from X-Forwarded-For (behind nginx)
  // An idle WebSocket gets a ping this often, well inside any proxy's read timeout (nginx's
  // default is 60 s), so a waiting screen is never cut; one silent for twice as long is closed.
  int ws_ping_seconds = 25;

  bool secure_cookies() const { return public_url.rfind("https://", 0) == 0; }
  // scheme://host[:port] of public_url: what a browser sends as Origin (RFC 6454).
  std::string origin() const {
    auto scheme = public_url.find("://");
    if (scheme == std::string::npos) return public_url;
    return public_url.substr(0, public_url.find('/', scheme + 3));
  }
};

}  // namespace carelive::http
