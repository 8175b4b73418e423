#pragma once

#include <string>
#include <string_view>
#include <vector>

// Which push endpoints the server will POST to. An endpoint comes from a browser, so it is
// untrusted input: without this check a subscription could make the server send requests to
// any host, its own network included (SSRF, OWASP SSRF Prevention Cheat Sheet).
namespace carelive::push {

// The push services of Chrome, Firefox, Safari and Edge (SPEC 13, "[push] allowed_hosts").
// An entry is a host name, or "*.example.com" for any subdomain (not example.com itself).
std::vector<std::string> default_allowed_hosts();

// True when `endpoint` (parsed by libcurl's URL API) is an https URL (http too when
// `allow_http`) without user name or password, whose host (compared in lower case) equals an
// entry of `allowed_hosts` or is a subdomain of a "*." entry, and whose port is the default
// one (443). With `allow_http` — for tests with a local push service only — any port is allowed.
bool endpoint_allowed(std::string_view endpoint, const std::vector<std::string>& allowed_hosts,
                      bool allow_http);

}  // namespace carelive::push
