#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "calls/settings.hpp"
#include "core/crypto.hpp"
#include "http/settings.hpp"
#include "notify/dispatcher.hpp"
#include "notify/templates.hpp"
#include "pass/settings.hpp"
#include "push/devices.hpp"
#include "retention.hpp"

// The whole configuration: the TOML file and the command line fill it; App hands each module
// its own settings (each module owns its settings struct, so no lower layer includes this).
namespace carelive {

struct Config {
  std::string data_dir = "./data";
  std::string listen = "127.0.0.1:8080";
  std::string public_url;  // default http://<listen>
  std::string database;    // empty: SQLite in data_dir; or postgresql://…
  std::string web_dir;     // built web app; default: web/dist of the build tree, or
                           // <prefix>/share/carelive/web of an installation
  int io_threads = 1;
  int worker_threads = 4;
  int db_pool = 8;
  std::size_t body_limit = 64 * 1024;
  int request_timeout_seconds = 30;
  int ws_ping_seconds = 25;  // idle WebSockets are pinged this often (5–55)
  bool log_json = false;
  // `carelive serve` logs here instead of stderr; SIGHUP reopens it (logrotate).
  std::string log_file;
  // HOST:PORT of GET /metrics (Prometheus); empty: no metrics served.
  std::string metrics_listen;
  bool trust_proxy = false;  // take the client address from X-Forwarded-For (behind nginx)
  // Derives invite tokens. Empty: kept in data_dir/secret.key (made on first start). Several
  // processes on one PostgreSQL must share it, so set it in their config.
  std::string secret;
  notify::Brand brand;
  pass::SessionSettings sessions;
  pass::ThrottleSettings throttle;
  pass::SecuritySettings security;
  retention::Settings retention;
  // [audit] record_reads: staff reads of residents' data go to the access records (SPEC 15,
  // MHLW guideline 6.0). Off only to measure what they cost (bench/access.sh).
  bool record_reads = true;
  core::PasswordHashParams argon2;
  notify::SmtpSettings smtp;  // used when smtp.url is set
  notify::SmsSettings sms;    // used when sms.url is set
  calls::TurnSettings turn;
  // The facilities' wall clock (IANA name): scheduled call times are typed and shown in it.
  std::string time_zone = "Asia/Tokyo";
  calls::CallSettings calls;
  // Several processes serving calls as one: redis://[:password@]host[:port]. Empty: one process.
  std::string redis_url;
  // Web Push: the VAPID contact and the push services messages may go to.
  push::PushSettings push;

  // The HTTP server's part (listen, public URL, limits).
  http::Settings http() const;
  std::string outbox_dir() const { return data_dir + "/outbox"; }
  // Where the secret is kept when `secret` is empty.
  std::string secret_file() const { return data_dir + "/secret.key"; }
};

// Reads a TOML file into `config` (missing keys keep their value). Throws with the key named.
void load_config_file(const std::string& path, Config& config);
// Fills what depends on other values (public_url from listen, web_dir next to the binary).
void finish_config(Config& config);
// Why `public_url` is unsafe to serve under, or empty: plain http:// on a host other people
// reach (passwords and cookies would travel readable). `carelive serve` warns with it.
std::string plain_http_warning(const std::string& public_url);
// config.secret, or the data folder's secret.key, created (mode 0600) when missing.
std::string load_or_create_secret(const Config& config);

}  // namespace carelive
