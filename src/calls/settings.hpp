#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace carelive::calls {

// ICE servers handed to browsers for calls (SPEC 7). TURN credentials are derived per user
// from `secret` with the TURN REST API scheme (coturn `use-auth-secret`), valid `ttl` seconds.
// coturn checks them when a relay is allocated, not while it lasts, so minutes suffice: a call
// keeps its relay, and the web app fetches fresh ones before an ICE restart late in a call.
struct TurnSettings {
  std::vector<std::string> urls;  // e.g. "turn:turn.example.jp:3478?transport=udp", "stun:…"
  std::string secret;             // coturn static-auth-secret; empty: no TURN credentials
  std::int64_t ttl = 10 * 60;
  std::string policy = "all";  // RTCPeerConnection iceTransportPolicy: "all" or "relay"
};

// Calls (SPEC 7): how long a participant whose connection closed keeps its place (resume);
// scheduled calls: the reminder goes out this long before a call, and the server looks for
// due reminders every `reminder_scan_seconds`.
struct CallSettings {
  std::int64_t reconnect_grace_seconds = 30;
  std::int64_t reminder_minutes_before = 60;
  std::int64_t reminder_scan_seconds = 30;
};

}  // namespace carelive::calls
