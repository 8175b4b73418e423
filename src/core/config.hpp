#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/crypto.hpp"
#include "notify/dispatcher.hpp"
#include "notify/templates.hpp"

namespace carelive::core {

// Session lifetimes (SPEC "Rules that hold everywhere"): families and care workers 30 days
// from last use; staff and operator 12 hours, or 30 minutes idle.
struct SessionSettings {
  std::int64_t family_idle = 30 * 24 * 3600;
  std::int64_t family_absolute = 365 * 24 * 3600;
  std::int64_t staff_idle = 30 * 60;
  std::int64_t staff_absolute = 12 * 3600;
};

// Login throttling defaults from SPEC "Rules that hold everywhere".
struct ThrottleSettings {
  int free_failures = 5;             // consecutive failures before delays start
  std::int64_t max_delay = 15 * 60;  // 1 s, 2 s, 4 s … up to this
  int lock_failures = 20;            // failures within `lock_window` lock the id
  std::int64_t lock_window = 12 * 3600;
  std::int64_t lock_duration = 15 * 60;
  int address_failures = 100;  // per client address and hour
  std::int64_t address_window = 3600;
  // Messages one person can cause per hour: sign-ups per client address, reset and
  // contact-change links per account. Past that the answer is the same but nothing is sent
  // (sign-up answers rate_limited).
  int signups_per_address = 20;
  int links_per_account = 5;
  std::int64_t message_window = 3600;
};

// ICE servers handed to browsers for calls (SPEC 7). TURN credentials are derived per user
// from `secret` with the TURN REST API scheme (coturn `use-auth-secret`), valid `ttl` seconds.
struct TurnSettings {
  std::vector<std::string> urls;  // e.g. "turn:turn.example.jp:3478?transport=udp", "stun:…"
  std::string secret;             // coturn static-auth-secret; empty: no TURN credentials
  std::int64_t ttl = 6 * 3600;
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

struct Config {
  std::string data_dir = "./data";
  std::string listen = "127.0.0.1:8080";
  std::string public_url;  // default http://<listen>
  std::string database;    // empty: SQLite in data_dir; or postgresql://…
  std::string web_dir;     // built web app; default found next to the binary
  int io_threads = 1;
  int worker_threads = 4;
  int db_pool = 8;
  std::size_t body_limit = 64 * 1024;
  int request_timeout_seconds = 30;
  bool log_json = false;
  bool trust_proxy = false;  // take the client address from X-Forwarded-For (behind nginx)
  // Derives invite tokens. Empty: kept in data_dir/secret.key (made on first start). Several
  // processes on one PostgreSQL must share it, so set it in their config.
  std::string secret;
  notify::Brand brand;
  SessionSettings sessions;
  ThrottleSettings throttle;
  PasswordHashParams argon2;
  notify::SmtpSettings smtp;  // used when smtp.url is set
  notify::SmsSettings sms;    // used when sms.url is set
  TurnSettings turn;
  // The facilities' wall clock (IANA name): scheduled call times are typed and shown in it.
  std::string time_zone = "Asia/Tokyo";
  CallSettings calls;
  // Several processes serving calls as one: redis://[:password@]host[:port]. Empty: one process.
  std::string redis_url;

  bool secure_cookies() const { return public_url.rfind("https://", 0) == 0; }
  std::string outbox_dir() const { return data_dir + "/outbox"; }
};

// Reads a TOML file into `config` (missing keys keep their value). Throws with the key named.
void load_config_file(const std::string& path, Config& config);
// Fills what depends on other values (public_url from listen, web_dir next to the binary).
void finish_config(Config& config);
// config.secret, or the data folder's secret.key, created (mode 0600) when missing.
std::string load_or_create_secret(const Config& config);

}  // namespace carelive::core
