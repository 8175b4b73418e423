#include "push/url.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

namespace carelive::push::url {
namespace {

struct UrlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlFree {
  void operator()(char* p) const { curl_free(p); }
};

std::optional<std::string> part(CURLU* url, CURLUPart which) {
  char* raw = nullptr;
  if (curl_url_get(url, which, &raw, 0) != CURLUE_OK || !raw) return std::nullopt;
  std::unique_ptr<char, CurlFree> owned(raw);
  return std::string(raw);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::optional<Parts> parse(std::string_view text) {
  std::unique_ptr<CURLU, UrlFree> u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, std::string(text).c_str(), 0) != CURLUE_OK)
    return std::nullopt;
  auto scheme = part(u.get(), CURLUPART_SCHEME);
  auto host = part(u.get(), CURLUPART_HOST);
  if (!scheme || !host || host->empty()) return std::nullopt;
  return Parts{lower(std::move(*scheme)), lower(std::move(*host)), part(u.get(), CURLUPART_PORT),
               part(u.get(), CURLUPART_USER) || part(u.get(), CURLUPART_PASSWORD) ||
                   part(u.get(), CURLUPART_OPTIONS)};
}

}  // namespace carelive::push::url
