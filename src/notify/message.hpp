#pragma once

#include <cstdint>
#include <string>

#include "core/clock.hpp"
#include "store/database.hpp"

namespace carelive::notify {

enum class Channel { email, sms, push };

// A rendered message. `to` is an email address or an E.164 number (+81…); for push, the id of
// the device's subscription (push/subscriptions.hpp), `subject` the message's Topic and `body`
// the notice as JSON (notify/push.hpp).
struct Message {
  Channel channel;
  std::string to;
  std::string subject;  // emails only; SMS put everything in body
  std::string body;
  // `body` sealed with the server's key (notify/seal.hpp) when it holds a link: Templates fill
  // it, enqueue() stores it instead of `body`, the Dispatcher opens it to send.
  std::string sealed{};
  // Set by the Dispatcher for a stored message: the row's id and the installation's tag. They
  // name the outbox file and make the email's Message-ID, so a message sent again after a
  // crash replaces the same file and carries the same Message-ID.
  std::int64_t id = 0;
  std::string installation{};
  core::UnixSeconds created_at = 0;  // when it was queued (a push outlives its TTL by no retry)
};

inline const char* channel_name(Channel c) {
  return c == Channel::email ? "email" : c == Channel::sms ? "sms" : "push";
}
// Email when the login id holds '@', SMS otherwise (SPEC: chosen by the login id).
inline Channel channel_for(const std::string& login_id) {
  return login_id.find('@') != std::string::npos ? Channel::email : Channel::sms;
}

// Stores a message in the `messages` table on the caller's connection, so it commits or
// rolls back with the change that caused it. The Dispatcher sends it later. A body holding a
// link is stored only sealed; one that holds a link but was not sealed is refused
// (std::logic_error), so no usable token reaches the table.
std::int64_t enqueue(store::Connection& c, const Message& m, core::UnixSeconds now);

}  // namespace carelive::notify
