#include "push/sender.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <ctime>
#include <mutex>
#include <stdexcept>

namespace carelive::push {
namespace {

struct EasyFree {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

void append(Slist& list, const std::string& item) {
  curl_slist* grown = curl_slist_append(list.get(), item.c_str());
  if (!grown) throw std::runtime_error("out of memory");
  (void)list.release();
  list.reset(grown);
}

// The push service's answer is dropped: only its status and Retry-After count.
std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

void check_request(const PushRequest& r) {
  if (r.ttl_seconds < 0) throw std::invalid_argument("push TTL must not be negative");
  static constexpr const char* kUrgencies[] = {"very-low", "low", "normal", "high"};
  if (std::find(std::begin(kUrgencies), std::end(kUrgencies), r.urgency) == std::end(kUrgencies))
    throw std::invalid_argument("push urgency must be very-low, low, normal or high");
  const bool topic_ok =
      r.topic.size() <= 32 && std::all_of(r.topic.begin(), r.topic.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_';
      });
  if (!topic_ok) throw std::invalid_argument("push topic must be ≤ 32 base64url characters");
}

// Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP date (read by curl_getdate).
std::int64_t retry_after(CURL* c) {
  curl_header* h = nullptr;
  if (curl_easy_header(c, "Retry-After", 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h->value)
    return 0;
  const std::string value = h->value;
  if (!value.empty() && std::all_of(value.begin(), value.end(), ::isdigit))
    return value.size() > 9 ? 999'999'999 : std::stoll(value);  // "later", however absurd
  const time_t at = curl_getdate(value.c_str(), nullptr);
  if (at < 0) return 0;
  return std::max<std::int64_t>(0, static_cast<std::int64_t>(at - std::time(nullptr)));
}

PushOutcome classify(long status) {
  using Kind = PushOutcome::Kind;
  PushOutcome out{Kind::rejected, status, 0, "HTTP " + std::to_string(status)};
  if (status == 200 || status == 201 || status == 202)
    out.kind = Kind::delivered;
  else if (status == 404 || status == 410)
    out.kind = Kind::gone;
  else if (status == 429 || (status >= 500 && status <= 599))
    out.kind = Kind::retry;
  return out;
}

}  // namespace

struct PushSender::Handle {
  std::unique_ptr<CURL, EasyFree> easy;
  char error[CURL_ERROR_SIZE] = {};
};

PushSender::PushSender(Settings settings)
    : settings_(std::move(settings)), handle_(std::make_unique<Handle>()) {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("curl_global_init failed");
  });
  handle_->easy.reset(curl_easy_init());
  if (!handle_->easy) throw std::runtime_error("curl_easy_init failed");
}

PushSender::~PushSender() = default;

PushOutcome PushSender::send(const PushRequest& r) {
  using Kind = PushOutcome::Kind;
  check_request(r);
  if (!endpoint_allowed(r.endpoint, settings_.allowed_hosts, settings_.allow_http))
    return {Kind::rejected, 0, 0, "endpoint not allowed"};

  CURL* c = handle_->easy.get();
  // Reset drops the last request's options but keeps the connection cache.
  curl_easy_reset(c);
  handle_->error[0] = '\0';
  const char* protocols = settings_.allow_http ? "http,https" : "https";
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, handle_->error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_URL, r.endpoint.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols);
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, settings_.timeout_seconds);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, settings_.connect_timeout_seconds);
  Slist headers;
  append(headers, "TTL: " + std::to_string(r.ttl_seconds));
  append(headers, "Urgency: " + r.urgency);
  if (!r.topic.empty()) append(headers, "Topic: " + r.topic);
  append(headers, "Content-Encoding: aes128gcm");
  append(headers, "Content-Type: application/octet-stream");
  append(headers, "Authorization: " + r.authorization);
  append(headers, "Expect:");  // no 100-continue round trip for a 4 KiB body
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);

  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    const std::string detail = handle_->error[0] ? handle_->error : curl_easy_strerror(rc);
    return {rc == CURLE_UNSUPPORTED_PROTOCOL ? Kind::rejected : Kind::retry, 0, 0, detail};
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  PushOutcome out = classify(status);
  if (out.kind == Kind::retry) out.retry_after_seconds = retry_after(c);
  return out;
}

}  // namespace carelive::push
