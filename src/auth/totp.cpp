#include "auth/totp.hpp"

#include <curl/curl.h>
#include <liboath/oath.h>
#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace carelive::auth::totp {

namespace {

// liboath wants oath_init() once before use; it is reference counted and never undone here.
void init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (oath_init() != OATH_OK) throw std::runtime_error("liboath: oath_init failed");
  });
}

// RFC 3986 unreserved characters stay; everything else is %XX (libcurl's escaping).
std::string escape(std::string_view s) {
  std::unique_ptr<char, decltype(&curl_free)> out(
      curl_easy_escape(nullptr, s.data(), static_cast<int>(s.size())), &curl_free);
  if (!out) throw std::runtime_error("curl_easy_escape failed");
  return out.get();
}

}  // namespace

std::string generate_secret() {
  std::string secret(kSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string base32(std::string_view secret) {
  init();
  char* out = nullptr;
  std::size_t len = 0;
  if (oath_base32_encode(secret.data(), secret.size(), &out, &len) != OATH_OK)
    throw std::runtime_error("liboath: base32 encoding failed");
  std::string text(out, len);
  std::free(out);
  text.erase(std::remove(text.begin(), text.end(), '='), text.end());
  return text;
}

std::string uri(std::string_view issuer, std::string_view account, std::string_view secret) {
  const std::string label = escape(issuer) + ":" + escape(account);
  return "otpauth://totp/" + label + "?secret=" + base32(secret) + "&issuer=" + escape(issuer) +
         "&algorithm=SHA1&digits=" + std::to_string(kDigits) +
         "&period=" + std::to_string(kStepSeconds);
}

std::string code_at(std::string_view secret, core::UnixSeconds t, unsigned digits) {
  init();
  char out[16] = {};
  if (oath_totp_generate2(secret.data(), secret.size(), static_cast<time_t>(t), kStepSeconds, 0,
                          digits, 0, out) != OATH_OK)
    throw std::runtime_error("liboath: TOTP generation failed");
  return out;
}

std::optional<std::uint64_t> step_of(std::string_view secret, std::string_view code,
                                     core::UnixSeconds now) {
  if (code.size() != kDigits ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  init();
  const std::string otp(code);
  std::uint64_t counter = 0;
  const int pos = oath_totp_validate3(secret.data(), secret.size(), static_cast<time_t>(now),
                                      kStepSeconds, 0, kWindow, nullptr, &counter, otp.c_str());
  if (pos < 0) return std::nullopt;  // OATH_INVALID_OTP, or an error: never a match
  return counter;
}

}  // namespace carelive::auth::totp
