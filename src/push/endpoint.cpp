#include "push/endpoint.hpp"

#include <algorithm>

#include "push/url.hpp"

namespace carelive::push {
namespace {

bool host_matches(const std::string& host, std::string entry) {
  std::transform(entry.begin(), entry.end(), entry.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (entry.rfind("*.", 0) == 0) {
    const std::string_view suffix = std::string_view(entry).substr(1);  // ".example.com"
    return host.size() > suffix.size() &&
           host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
  return host == entry;
}

}  // namespace

std::vector<std::string> default_allowed_hosts() {
  return {
      "fcm.googleapis.com",                 // Chrome, Chromium-based browsers on Android
      "android.googleapis.com",             // Chrome's older endpoints
      "updates.push.services.mozilla.com",  // Firefox
      "*.push.services.mozilla.com",
      "web.push.apple.com",  // Safari (macOS, iOS home-screen apps)
      "*.push.apple.com",
      "*.notify.windows.com",  // Edge (Windows Push Notification Services)
  };
}

bool endpoint_allowed(std::string_view endpoint, const std::vector<std::string>& allowed_hosts,
                      bool allow_http) {
  const auto url = url::parse(endpoint);
  if (!url) return false;
  if (url->scheme != "https" && !(allow_http && url->scheme == "http")) return false;
  // "https://fcm.googleapis.com@evil.example/" names the host evil.example.
  if (url->has_userinfo) return false;
  if (url->port && !allow_http && *url->port != "443") return false;
  return std::any_of(allowed_hosts.begin(), allowed_hosts.end(),
                     [&](const std::string& entry) { return host_matches(url->host, entry); });
}

}  // namespace carelive::push
