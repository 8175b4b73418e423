#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "auth/principal.hpp"

namespace carelive::http {

// One open WebSocket as the application sees it. send() may be called from any thread: the
// text is queued on the connection's strand and written one message at a time.
class WsPeer {
 public:
  virtual ~WsPeer() = default;
  virtual void send(std::string text) = 0;
};

// The application behind GET /api/v1/ws. The server has checked Origin and the session cookie
// before it calls open(); every function runs on the worker pool (it may block on the store),
// and the messages of one connection arrive in order, one at a time.
class WsEndpoint {
 public:
  virtual ~WsEndpoint() = default;
  virtual std::uint64_t open(std::shared_ptr<WsPeer> peer, const auth::Principal& who) = 0;
  virtual void message(std::uint64_t connection, const std::string& text) = 0;
  virtual void close(std::uint64_t connection) = 0;
};

}  // namespace carelive::http
