#include <nlohmann/json.hpp>
#include <stdexcept>

#include "notify/curl.hpp"
#include "notify/dispatcher.hpp"

namespace carelive::notify {
namespace {

// The gateway's answer is dropped: only its status counts, and a gateway may echo the
// message, which holds links that must not reach a log.
std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

class SmsTransport final : public Transport {
 public:
  explicit SmsTransport(SmsSettings s) : settings_(std::move(s)) {
    if (settings_.url.rfind("http://", 0) != 0 && settings_.url.rfind("https://", 0) != 0)
      throw std::invalid_argument("sms.url must start with http:// or https://");
  }

  void send(const Message& m) override {
    if (m.channel != Channel::sms) throw std::runtime_error("the SMS transport sends SMS only");
    const std::string payload = nlohmann::json{{"to", m.to}, {"body", m.body}}.dump();

    char error[CURL_ERROR_SIZE];
    auto h = curl::make_easy(settings_.timeout_seconds, error, settings_.url, "http,https");
    CURL* c = h.get();
    curl::Slist headers;
    curl::append(headers, "Content-Type: application/json; charset=utf-8");
    curl::append(headers, "Accept: application/json");
    if (!settings_.token.empty()) curl::append(headers, "Authorization: Bearer " + settings_.token);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);

    const CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) throw std::runtime_error("SMS gateway: " + curl::describe(rc, error));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299)
      throw std::runtime_error("SMS gateway answered HTTP " + std::to_string(status));
  }

 private:
  SmsSettings settings_;
};

}  // namespace

std::unique_ptr<Transport> make_sms_transport(SmsSettings settings) {
  return std::make_unique<SmsTransport>(std::move(settings));
}

}  // namespace carelive::notify
