#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

// libcurl plumbing shared by the SMTP and SMS transports. Internal to notify/.
namespace carelive::notify::curl {

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// curl_global_init exactly once per process (it is not thread-safe), then a new easy handle
// with the options every transport wants: no signals (we run in a thread), timeouts, an error
// buffer the caller owns, the URL, and only the `protocols` ("http,https") for it.
Easy make_easy(long timeout_seconds, char* error_buffer, const std::string& url,
               const char* protocols);

// Appends to a list that may still be empty.
void append(Slist& list, const std::string& item);

// "<what>: <curl's detail or its strerror>" for an exception text.
std::string describe(CURLcode code, const char* error_buffer);

}  // namespace carelive::notify::curl
