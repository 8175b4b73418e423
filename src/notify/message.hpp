#pragma once

#include <cstdint>
#include <string>

#include "core/clock.hpp"
#include "store/database.hpp"

namespace carelive::notify {

enum class Channel { email, sms };

// A rendered message. `to` is an email address or an E.164 number (+81…).
struct Message {
  Channel channel;
  std::string to;
  std::string subject;  // emails only; SMS put everything in body
  std::string body;
};

inline const char* channel_name(Channel c) { return c == Channel::email ? "email" : "sms"; }
// Email when the login id holds '@', SMS otherwise (SPEC: chosen by the login id).
inline Channel channel_for(const std::string& login_id) {
  return login_id.find('@') != std::string::npos ? Channel::email : Channel::sms;
}

// Stores a message in the `messages` table on the caller's connection, so it commits or
// rolls back with the change that caused it. The Dispatcher sends it later.
std::int64_t enqueue(store::Connection& c, const Message& m, core::UnixSeconds now);

}  // namespace carelive::notify
