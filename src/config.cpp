#include "config.hpp"

#include <boost/asio/ip/address.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/files.hpp"

namespace carelive {
namespace {

template <class T>
void take(const toml::table& t, std::string_view path, T& out) {
  auto node = t.at_path(path);
  if (!node) return;
  if constexpr (std::is_same_v<T, std::string>) {
    if (auto v = node.value<std::string>())
      out = *v;
    else
      throw std::invalid_argument("config: " + std::string(path) + " must be a string");
  } else if constexpr (std::is_same_v<T, bool>) {
    if (auto v = node.value<bool>())
      out = *v;
    else
      throw std::invalid_argument("config: " + std::string(path) + " must be true or false");
  } else {
    if (auto v = node.value<std::int64_t>())
      out = static_cast<T>(*v);
    else
      throw std::invalid_argument("config: " + std::string(path) + " must be a number");
  }
}

void read_server(const toml::table& t, Config& c) {
  take(t, "server.data", c.data_dir);
  take(t, "server.listen", c.listen);
  take(t, "server.public_url", c.public_url);
  take(t, "server.web_dir", c.web_dir);
  take(t, "server.io_threads", c.io_threads);
  take(t, "server.worker_threads", c.worker_threads);
  take(t, "server.body_limit", c.body_limit);
  take(t, "server.request_timeout_seconds", c.request_timeout_seconds);
  take(t, "server.ws_ping_seconds", c.ws_ping_seconds);
  if (c.ws_ping_seconds < 5 || c.ws_ping_seconds > 55)
    throw std::invalid_argument(
        "config: server.ws_ping_seconds must be between 5 and 55 (below nginx's 60-second "
        "proxy_read_timeout)");
  take(t, "server.log_json", c.log_json);
  take(t, "server.log_file", c.log_file);
  take(t, "metrics.listen", c.metrics_listen);
  take(t, "server.trust_proxy", c.trust_proxy);
  take(t, "server.secret", c.secret);
  take(t, "server.time_zone", c.time_zone);
  take(t, "database.url", c.database);
  take(t, "database.pool", c.db_pool);
  take(t, "redis.url", c.redis_url);
  if (!c.redis_url.empty() && c.redis_url.rfind("redis://", 0) != 0)
    throw std::invalid_argument("config: redis.url must start with redis://");
}

void read_pass(const toml::table& t, Config& c) {
  take(t, "sessions.family_idle_seconds", c.sessions.family_idle);
  take(t, "sessions.family_absolute_seconds", c.sessions.family_absolute);
  take(t, "sessions.staff_idle_seconds", c.sessions.staff_idle);
  take(t, "sessions.staff_absolute_seconds", c.sessions.staff_absolute);
  take(t, "throttle.free_failures", c.throttle.free_failures);
  take(t, "throttle.max_delay_seconds", c.throttle.max_delay);
  take(t, "throttle.lock_failures", c.throttle.lock_failures);
  take(t, "throttle.lock_window_seconds", c.throttle.lock_window);
  take(t, "throttle.lock_seconds", c.throttle.lock_duration);
  take(t, "throttle.address_failures", c.throttle.address_failures);
  take(t, "throttle.address_window_seconds", c.throttle.address_window);
  take(t, "throttle.signups_per_address", c.throttle.signups_per_address);
  take(t, "throttle.signups_per_destination", c.throttle.signups_per_destination);
  take(t, "throttle.links_per_account", c.throttle.links_per_account);
  take(t, "throttle.message_window_seconds", c.throttle.message_window);
  if (auto mfa = t.at_path("security.staff_mfa")) {
    const auto v = mfa.value<std::string>();
    if (!v || (*v != "required" && *v != "optional"))
      throw std::invalid_argument(
          "config: security.staff_mfa must be \"required\" or \"optional\"");
    c.security.staff_mfa_required = *v == "required";
  }
  take(t, "security.second_step_seconds", c.security.second_step_seconds);
  if (c.security.second_step_seconds < 60 || c.security.second_step_seconds > 3600)
    throw std::invalid_argument("config: security.second_step_seconds must be between 60 and 3600");
  take(t, "audit.record_reads", c.record_reads);
  take(t, "retention.ended_sessions_days", c.retention.ended_sessions_days);
  take(t, "retention.spent_links_days", c.retention.spent_links_days);
  take(t, "retention.message_bodies_days", c.retention.message_bodies_days);
  take(t, "retention.audit_days", c.retention.audit_days);
  take(t, "retention.interval_seconds", c.retention.interval_seconds);
  for (auto days : {c.retention.ended_sessions_days, c.retention.spent_links_days,
                    c.retention.message_bodies_days})
    if (days < 1)
      throw std::invalid_argument(
          "config: retention.*_days must be 1 or more (audit_days: 0 keeps the audit log)");
  if (c.retention.audit_days < 0)
    throw std::invalid_argument("config: retention.audit_days must be 0 (kept) or more");
  if (c.retention.interval_seconds < 60)
    throw std::invalid_argument("config: retention.interval_seconds must be 60 or more");
  take(t, "argon2.ops_limit", c.argon2.ops_limit);
  take(t, "argon2.mem_limit_bytes", c.argon2.mem_limit);
}

void read_notify(const toml::table& t, Config& c) {
  take(t, "brand.live", c.brand.live);
  take(t, "brand.pass", c.brand.pass);
  take(t, "brand.company", c.brand.company);
  take(t, "brand.company_url", c.brand.company_url);
  take(t, "smtp.url", c.smtp.url);
  take(t, "smtp.username", c.smtp.username);
  take(t, "smtp.password", c.smtp.password);
  take(t, "smtp.from", c.smtp.from);
  take(t, "smtp.starttls", c.smtp.starttls);
  take(t, "smtp.ca_file", c.smtp.ca_file);
  take(t, "sms.url", c.sms.url);
  take(t, "sms.token", c.sms.token);
}

void read_calls(const toml::table& t, Config& c) {
  take(t, "turn.secret", c.turn.secret);
  take(t, "turn.ttl_seconds", c.turn.ttl);
  if (c.turn.ttl < 30 || c.turn.ttl > 3600)
    throw std::invalid_argument(
        "config: turn.ttl_seconds must be 30 to 3600 (credentials for new relays only)");
  take(t, "turn.policy", c.turn.policy);
  if (c.turn.policy != "all" && c.turn.policy != "relay")
    throw std::invalid_argument("config: turn.policy must be \"all\" or \"relay\"");
  if (auto urls = t.at_path("turn.urls")) {
    const auto* list = urls.as_array();
    if (!list) throw std::invalid_argument("config: turn.urls must be a list of strings");
    c.turn.urls.clear();
    for (const auto& u : *list) {
      auto v = u.value<std::string>();
      if (!v) throw std::invalid_argument("config: turn.urls must be a list of strings");
      c.turn.urls.push_back(*v);
    }
  }
  take(t, "calls.reconnect_grace_seconds", c.calls.reconnect_grace_seconds);
  if (c.calls.reconnect_grace_seconds < 0)
    throw std::invalid_argument("config: calls.reconnect_grace_seconds must be 0 or more");
  take(t, "calls.reminder_minutes_before", c.calls.reminder_minutes_before);
  take(t, "calls.reminder_scan_seconds", c.calls.reminder_scan_seconds);
  if (c.calls.reminder_minutes_before < 0 || c.calls.reminder_scan_seconds < 1)
    throw std::invalid_argument(
        "config: calls.reminder_minutes_before must be 0 or more and calls.reminder_scan_seconds "
        "1 or more");
}

void read_push(const toml::table& t, Config& c) {
  take(t, "push.contact", c.push.contact);
  if (!c.push.contact.empty() && c.push.contact.rfind("mailto:", 0) != 0 &&
      c.push.contact.rfind("https://", 0) != 0)
    throw std::invalid_argument("config: push.contact must start with mailto: or https://");
  if (auto hosts = t.at_path("push.allowed_hosts")) {
    const auto* list = hosts.as_array();
    if (!list) throw std::invalid_argument("config: push.allowed_hosts must be a list of strings");
    c.push.allowed_hosts.clear();
    for (const auto& h : *list) {
      auto v = h.value<std::string>();
      if (!v || v->empty())
        throw std::invalid_argument("config: push.allowed_hosts must be a list of host names");
      c.push.allowed_hosts.push_back(*v);
    }
  }
  take(t, "push.allow_http", c.push.allow_http);
}

// The file holds secrets (server secret, SMTP password, SMS and TURN keys): refused when other
// users may read it, or anyone but its owner may change it. Group-readable is fine: Debian's way
// is root:carelive 0640 for a conffile the service reads (docs: README "Configuration").
void check_config_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;  // parse_file says what is wrong with it
  const auto mode = st.st_mode & 07777;
  if ((mode & (S_IRWXO | S_IWGRP)) == 0) return;
  char octal[8];
  std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
  throw std::invalid_argument(
      "config " + path + " holds secrets but " +
      ((mode & S_IRWXO) ? "other users may read or change it" : "its group may change it") +
      " (mode " + octal + "). Run: chmod 600 " + path +
      " (or chmod 640 with the file owned by root and the service's group)");
}

}  // namespace

void load_config_file(const std::string& path, Config& c) {
  check_config_mode(path);
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw std::invalid_argument("config " + path + ": " + std::string(e.description()));
  }
  read_server(t, c);
  read_pass(t, c);
  read_notify(t, c);
  read_calls(t, c);
  read_push(t, c);
}

http::Settings Config::http() const {
  http::Settings s;
  s.listen = listen;
  s.public_url = public_url;
  s.io_threads = io_threads;
  s.body_limit = body_limit;
  s.request_timeout_seconds = request_timeout_seconds;
  s.ws_ping_seconds = ws_ping_seconds;
  s.trust_proxy = trust_proxy;
  return s;
}

std::string load_or_create_secret(const Config& c) {
  if (!c.secret.empty()) {
    if (c.secret.size() < 32)
      throw std::invalid_argument("config: server.secret must be 32+ characters");
    return c.secret;
  }
  namespace fs = std::filesystem;
  core::create_private_directories(c.data_dir);
  const fs::path path = c.secret_file();
  if (!fs::exists(path)) {
    std::string secret = core::random_token() + core::random_token();
    // O_EXCL: two processes starting at once keep the first one's secret.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd >= 0) {
      bool ok = ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size());
      ::close(fd);
      if (!ok) throw std::runtime_error("cannot write " + path.string());
      return secret;
    }
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.size() < 32) throw std::runtime_error(path.string() + " holds no usable secret");
  return secret;
}

std::string plain_http_warning(const std::string& public_url) {
  const std::string scheme = "http://";
  if (public_url.rfind(scheme, 0) != 0) return "";
  std::string host = public_url.substr(scheme.size());
  host = host.substr(0, host.find('/'));
  if (!host.empty() && host.front() == '[') {
    host = host.substr(1, host.find(']') - 1);  // [::1]:8080
  } else {
    host = host.substr(0, host.find(':'));
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (host == "localhost" || (!ec && address.is_loopback())) return "";
  return "public_url " + public_url +
         " is plain http on a host others reach: passwords and session cookies travel "
         "readable. Serve CareLive behind TLS (deploy/nginx/carelive.conf) and set public_url = "
         "\"https://…\" (docs/operations.md, TLS)";
}

void finish_config(Config& c) {
  if (c.public_url.empty()) c.public_url = "http://" + c.listen;
  while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  if (c.smtp.from.empty()) c.smtp.from = c.brand.pass + " <no-reply@localhost>";
  if (c.web_dir.empty()) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path();
         dir = dir.parent_path()) {
      // A build tree (web/dist beside the build folder), or an installation
      // (/usr/bin/carelive → /usr/share/carelive/web).
      if (fs::exists(dir / "web" / "dist" / "index.html", ec)) {
        c.web_dir = (dir / "web" / "dist").string();
        break;
      }
      if (fs::exists(dir / "share" / "carelive" / "web" / "index.html", ec)) {
        c.web_dir = (dir / "share" / "carelive" / "web").string();
        break;
      }
    }
  }
}

}  // namespace carelive
