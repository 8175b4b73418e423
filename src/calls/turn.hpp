#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "calls/settings.hpp"
#include "core/clock.hpp"

namespace carelive::calls {

struct IceServer {
  std::vector<std::string> urls;
  std::string username;    // empty for STUN
  std::string credential;  // empty for STUN
};

// TURN REST API credentials (draft-uberti-behave-turn-rest-00, coturn `use-auth-secret`):
// username = "<expiry unix time>:<user id>", credential = base64(HMAC-SHA1(secret, username)).
// coturn recomputes the same HMAC from its static-auth-secret, so nothing is stored anywhere.
struct TurnCredential {
  std::string username;
  std::string credential;
  core::UnixSeconds expires_at = 0;
};
TurnCredential turn_credential(const std::string& secret, const std::string& user_id,
                               core::UnixSeconds now, std::int64_t ttl);

// The RTCPeerConnection iceServers for one account: STUN URLs as they are, TURN URLs with a
// fresh short-lived credential when a secret is configured.
std::vector<IceServer> ice_servers(const TurnSettings& turn, std::int64_t account_id,
                                   core::UnixSeconds now);

}  // namespace carelive::calls
