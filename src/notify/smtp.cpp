#include <cstring>
#include <stdexcept>

#include "notify/curl.hpp"
#include "notify/dispatcher.hpp"
#include "notify/mime.hpp"

namespace carelive::notify {
namespace {

struct Upload {
  const std::string& data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, up->data.size() - up->offset);
  std::memcpy(buffer, up->data.data() + up->offset, n);
  up->offset += n;
  return n;
}

class SmtpTransport final : public Transport {
 public:
  explicit SmtpTransport(SmtpSettings s) : settings_(std::move(s)) {
    if (settings_.url.rfind("smtp://", 0) != 0 && settings_.url.rfind("smtps://", 0) != 0)
      throw std::invalid_argument("smtp.url must start with smtp:// or smtps://");
    sender_ = mime::parse_mailbox(settings_.from).address;
    if (!mime::is_envelope_address(sender_))
      throw std::invalid_argument("smtp.from holds no usable address: " + settings_.from);
  }

  void send(const Message& m) override {
    if (m.channel != Channel::email)
      throw std::runtime_error("the SMTP transport sends email only");
    if (!mime::is_envelope_address(m.to)) throw std::runtime_error("not an email address");

    const std::string data = render_email(m, settings_.from, clock_.now(), true);
    char error[CURL_ERROR_SIZE];
    auto h = curl::make_easy(settings_.timeout_seconds, error, settings_.url, "smtp,smtps");
    CURL* c = h.get();
    // smtp:// + STARTTLS required: a server that does not offer it fails the message instead
    // of receiving links in clear text. smtps:// is TLS from the first byte anyway.
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     static_cast<long>(settings_.starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
    if (!settings_.username.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, settings_.username.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, settings_.verify_peer ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, settings_.verify_peer ? 2L : 0L);

    curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + sender_ + ">").c_str());
    curl::Slist rcpt;
    curl::append(rcpt, "<" + m.to + ">");
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());

    Upload up{data};
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size()));

    const CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
      long reply = 0;
      curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
      std::string what = "SMTP: " + curl::describe(rc, error);
      if (reply != 0) what += " (last reply " + std::to_string(reply) + ")";
      throw std::runtime_error(what);
    }
  }

 private:
  SmtpSettings settings_;
  std::string sender_;
  core::SystemClock clock_;  // the Date header only; the Dispatcher keeps its own times
};

}  // namespace

std::unique_ptr<Transport> make_smtp_transport(SmtpSettings settings) {
  return std::make_unique<SmtpTransport>(std::move(settings));
}

}  // namespace carelive::notify
