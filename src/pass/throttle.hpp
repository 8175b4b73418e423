#pragma once

#include <cstdint>
#include <string>

#include "core/clock.hpp"
#include "pass/settings.hpp"
#include "store/database.hpp"

namespace carelive::pass {

// The client address as the per-address limits count it: an IPv4 address as it is, an IPv6
// address by its /64 prefix ("2001:db8:1:2::/64"), since one subscriber line or host usually
// holds a whole /64 (RFC 6177) and could otherwise take a fresh address for every attempt. An
// IPv4-mapped IPv6 address counts as its IPv4 address; text that is no address stays as it is.
std::string address_group(const std::string& ip);

// Login throttling (SPEC "Rules that hold everywhere"): after `free_failures` consecutive
// failures of one login id each further attempt waits 1 s, 2 s, 4 s … up to `max_delay`;
// `lock_failures` failures within `lock_window` lock the id for `lock_duration`; a client
// address with `address_failures` failures within an hour is refused.
//
// An attempt is counted as a failure *before* the password is checked (a compare-and-set on
// the row's version), and given back on success. So parallel attempts cannot all pass the
// check before any of them is counted.
class LoginThrottle {
 public:
  LoginThrottle(store::Database& db, const core::Clock& clock, ThrottleSettings settings)
      : db_(db), clock_(clock), s_(settings) {}

  struct Admission {
    bool allowed = false;
    std::int64_t retry_after = 0;  // seconds, when refused
    bool locks_now = false;        // this attempt, if it fails, locks the id (tell the owner)
  };
  Admission admit(const std::string& id_key, const std::string& address_key);
  // The password was right: clears the id's count and gives the address its attempt back.
  void succeeded(const std::string& id_key, const std::string& address_key);
  // A completed password reset clears the count too.
  void clear(const std::string& id_key);

  std::int64_t delay_after(int consecutive_failures) const;

  // A plain quota on the same table: true while `key` was taken fewer than `limit` times in
  // the current `window` seconds (then it counts this one). Limits how many messages one
  // address or account can cause, so the service cannot be used to flood someone's inbox.
  bool take_quota(const std::string& key, int limit, std::int64_t window);

 private:
  Admission admit_id(store::Connection& c, const std::string& key, core::UnixSeconds now);
  Admission admit_address(store::Connection& c, const std::string& key, core::UnixSeconds now);

  store::Database& db_;
  const core::Clock& clock_;
  ThrottleSettings s_;
};

}  // namespace carelive::pass
