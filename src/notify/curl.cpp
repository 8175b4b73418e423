#include "notify/curl.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace carelive::notify::curl {

Easy make_easy(long timeout_seconds, char* error_buffer, const std::string& url,
               const char* protocols) {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("curl_global_init failed");
  });
  Easy h(curl_easy_init());
  if (!h) throw std::runtime_error("curl_easy_init failed");
  error_buffer[0] = '\0';
  curl_easy_setopt(h.get(), CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h.get(), CURLOPT_TIMEOUT, timeout_seconds);
  curl_easy_setopt(h.get(), CURLOPT_CONNECTTIMEOUT, std::min(timeout_seconds, 15L));
  curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(h.get(), CURLOPT_PROTOCOLS_STR, protocols);
#endif
  return h;
}

void append(Slist& list, const std::string& item) {
  curl_slist* grown = curl_slist_append(list.get(), item.c_str());
  if (!grown) throw std::runtime_error("out of memory");
  (void)list.release();
  list.reset(grown);
}

std::string describe(CURLcode code, const char* error_buffer) {
  return error_buffer && error_buffer[0] ? std::string(error_buffer) : curl_easy_strerror(code);
}

}  // namespace carelive::notify::curl
