#pragma once

#include <optional>
#include <string>
#include <string_view>

// The parts of a push endpoint URL that push/ judges, read by libcurl's URL API (never a hand
// parser, so that what we check is what libcurl connects to). Internal to push/.
namespace carelive::push::url {

struct Parts {
  std::string scheme;               // lower case
  std::string host;                 // lower case; IPv6 literals in brackets
  std::optional<std::string> port;  // only when the URL names one
  bool has_userinfo = false;        // a user name, password or login options
};

// nullopt when libcurl does not parse `text` as an absolute URL with a host.
std::optional<Parts> parse(std::string_view text);

}  // namespace carelive::push::url
