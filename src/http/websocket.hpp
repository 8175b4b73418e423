#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "auth/principal.hpp"
#include "core/error_codes.hpp"

namespace carelive::http {

// One open WebSocket as the application sees it. send() may be called from any thread: the
// text is queued on the connection's strand and written one message at a time.
class WsPeer {
 public:
  virtual ~WsPeer() = default;
  virtual void send(std::string text) = 0;
  // Closes the connection from the server's side with a close `code` (RFC 6455 §7.4; the
  // application's own codes are 4000–4999); what was queued and not yet written is dropped.
  virtual void end(std::uint16_t code) = 0;
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
  // A message the server refused before the endpoint saw it (too many too fast, not text): the
  // endpoint tells the client in its own message format. Called on an I/O thread; only queues.
  virtual void refuse(std::uint64_t connection, const core::ErrorCode& code) = 0;
};

}  // namespace carelive::http
